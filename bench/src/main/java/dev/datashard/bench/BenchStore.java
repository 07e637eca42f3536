package dev.datashard.bench;

import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Where DataShard's benchmark tables live, named by the benchmarks' {@code store} parameter:
 * {@code local} (the default, durable: every file forced to disk before a commit publishes it) and
 * {@code local-nofsync} ({@code DATASHARD_LOCAL_FSYNC=false}, as durable as Iceberg's Hadoop local
 * file system, which never forces) and {@code s3} (a real S3 server: S3Proxy 4.1.0 in its own JVM on
 * loopback, over its filesystem store; its jar from {@code -Ds3proxy.jar} or the local Maven
 * repository, see {@link S3ProxyServer}).
 */
public interface BenchStore extends AutoCloseable {

  static BenchStore open(String name) {
    return switch (name) {
      case "local" -> new Local(Scratch.create("local"), true);
      case "local-nofsync" -> new Local(Scratch.create("local"), false);
      case "s3" -> S3.start();
      default -> throw new IllegalArgumentException(
          "unknown benchmark store '" + name + "' (use local, local-nofsync or s3)");
    };
  }

  StorageConfig config();

  /**
   * Local: deletes the store's tables, or leaves them to bench/run.sh's clean-up (see {@link
   * Scratch}). S3: stops the server, which removes its files.
   */
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
      Scratch.release(directory);
    }
  }

  /** Tables in a bucket of an S3Proxy server started for the store and stopped (files removed) on close. */
  record S3(S3ProxyServer server, String bucket) implements BenchStore {
    static S3 start() {
      S3ProxyServer server;
      try {
        server = S3ProxyServer.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start S3Proxy for the s3 benchmark store", e);
      }
      String bucket = "bench";
      try {
        server.createBucket(bucket);
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return new S3(server, bucket);
    }

    @Override
    public StorageConfig config() {
      return StorageConfig.s3(server.config(bucket).build());
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
