package dev.datashard;

import dev.datashard.io.Storage;
import dev.datashard.io.local.LocalStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The engine tests' one fixture: a DataShard over a fresh local warehouse directory per test,
 * closed after it with a check that no Arrow memory leaked. Register it as a field:
 * {@code @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();}
 */
public final class LocalWarehouse implements BeforeEachCallback, AfterEachCallback {
  /** A one-column table shape: {@code id long required}. */
  public static final Schema IDS = Schema.fromJson(
      "{\"fields\": [{\"id\": 1, \"name\": \"id\", \"type\": \"long\", \"required\": true}]}");

  private final Function<Path, Storage> storeFactory;
  private Path directory;
  private RootAllocator allocator;
  private DataShard shard;

  /** Over the local store without fsync, as most tests want. */
  public LocalWarehouse() {
    this(root -> new LocalStorage(root, false));
  }

  /** Over a store the test builds on the directory, wrapped to count or to inject faults. */
  public LocalWarehouse(Function<Path, Storage> storeFactory) {
    this.storeFactory = storeFactory;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    directory = Files.createTempDirectory("datashard-test-");
    allocator = new RootAllocator();
    shard = DataShard.open(storeFactory.apply(root()), allocator);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    shard.close();
    allocator.close(); // fails the test on leaked Arrow buffers
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  /** The warehouse directory tables are created in. */
  public Path root() {
    return directory.resolve("warehouse");
  }

  /** A scratch directory beside the warehouse, for files outside any table. */
  public Path scratch() {
    return directory;
  }

  public DataShard shard() {
    return shard;
  }

  public RootAllocator allocator() {
    return allocator;
  }

  /** Another DataShard over the same warehouse, for the caller to close: a second process, as far as tables can tell. */
  public DataShard openAnother() {
    return DataShard.open(new LocalStorage(root(), false), allocator);
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
}
