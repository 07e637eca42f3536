package dev.datashard.bench;

import dev.datashard.io.StorageConfig;
import java.nio.file.Path;

/**
 * Where DataShard's benchmark tables live, named by the benchmarks' {@code store} parameter. Only
 * {@code local} exists today; an {@code s3} store (S3Proxy in its own process) slots in here.
 */
public interface BenchStore extends AutoCloseable {

  static BenchStore open(String name) {
    return switch (name) {
      case "local" -> new Local(Scratch.create("local"));
      default -> throw new IllegalArgumentException("unknown benchmark store '" + name + "' (use local)");
    };
  }

  StorageConfig config();

  /** Deletes every table under {@code prefix} (between iterations, outside measured code). */
  void clear(String prefix);

  @Override
  void close();

  /** Tables in a fresh temporary directory, with the default durable (fsync) settings. */
  record Local(Path directory) implements BenchStore {
    @Override
    public StorageConfig config() {
      return StorageConfig.local(directory);
    }

    @Override
    public void clear(String prefix) {
      Scratch.delete(directory.resolve(prefix));
    }

    @Override
    public void close() {
      Scratch.delete(directory);
    }
  }
}
