package dev.datashard.bench;

import dev.datashard.io.StorageConfig;
import java.nio.file.Path;

/**
 * Where DataShard's benchmark tables live, named by the benchmarks' {@code store} parameter:
 * {@code local} (the default, durable: every file forced to disk before a commit publishes it) and
 * {@code local-nofsync} ({@code DATASHARD_LOCAL_FSYNC=false}, as durable as Iceberg's Hadoop local
 * file system, which never forces). An {@code s3} store (S3Proxy in its own process) slots in here.
 */
public interface BenchStore extends AutoCloseable {

  static BenchStore open(String name) {
    return switch (name) {
      case "local" -> new Local(Scratch.create("local"), true);
      case "local-nofsync" -> new Local(Scratch.create("local"), false);
      default -> throw new IllegalArgumentException(
          "unknown benchmark store '" + name + "' (use local or local-nofsync)");
    };
  }

  StorageConfig config();

  /** Deletes every table of the store. */

  @Override
  void close();

  /** Tables in a fresh temporary directory. */
  record Local(Path directory, boolean fsync) implements BenchStore {
    @Override
    public StorageConfig config() {
      return new StorageConfig(StorageConfig.StorageType.LOCAL, directory, fsync);
    }

    @Override
    public void close() {
      Scratch.delete(directory);
    }
  }
}
