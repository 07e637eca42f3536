package dev.datashard;

import dev.datashard.io.StorageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;

/**
 * A DataShard over a local warehouse directory for tests, with a one-column ({@code id long})
 * table shape and helpers to append ids and look at files. Closing checks for leaked Arrow memory.
 */
public final class LocalWarehouse implements AutoCloseable {
  public static final Schema IDS = Schema.fromJson(
      "{\"fields\": [{\"id\": 1, \"name\": \"id\", \"type\": \"long\", \"required\": true}]}");

  private final Path root;
  private final RootAllocator allocator = new RootAllocator();
  private final DataShard shard;

  public LocalWarehouse(Path root) {
    this.root = root;
    this.shard = DataShard.open(StorageConfig.local(root), allocator);
  }

  public Path root() {
    return root;
  }

  public DataShard shard() {
    return shard;
  }

  public RootAllocator allocator() {
    return allocator;
  }

  /** Another DataShard over the same directory: a second process, as far as tables can tell. */
  public DataShard openAnother() {
    return DataShard.open(StorageConfig.local(root), allocator);
  }

  public static Snapshot appendIds(Table table, long... ids) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (long id : ids) {
      records.add(Map.of("id", id));
    }
    return table.appendRecords(records).orElseThrow();
  }

  public static List<Long> ids(Table table) {
    return table.newScan().toRecords().stream().map(r -> (Long) r.get("id")).sorted().toList();
  }

  /** Every regular file below {@code dir}. */
  public static List<Path> filesBelow(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    shard.close();
    allocator.close(); // fails on leaked buffers
  }
}
