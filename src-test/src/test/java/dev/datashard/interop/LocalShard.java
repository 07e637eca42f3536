package dev.datashard.interop;

import dev.datashard.DataShard;
import dev.datashard.io.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The interop tests' one fixture: a DataShard (durable local store) over a fresh warehouse
 * directory per test, closed after it with a check that no Arrow memory leaked. Register it as a
 * field: {@code @RegisterExtension final LocalShard local = new LocalShard();}
 */
final class LocalShard implements BeforeEachCallback, AfterEachCallback {
  private Path warehouse;
  private RootAllocator allocator;
  private DataShard shard;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    warehouse = Files.createTempDirectory("datashard-interop-");
    allocator = new RootAllocator();
    shard = DataShard.open(StorageConfig.local(warehouse), allocator);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    shard.close();
    allocator.close(); // throws when any Arrow buffer was not released
    try (Stream<Path> paths = Files.walk(warehouse)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  /** The warehouse directory: tables of both engines live below it. */
  Path warehouse() {
    return warehouse;
  }

  RootAllocator allocator() {
    return allocator;
  }

  DataShard shard() {
    return shard;
  }
}
