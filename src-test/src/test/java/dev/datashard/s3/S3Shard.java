package dev.datashard.s3;

import dev.datashard.DataShard;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.S3Config;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.io.IOException;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The S3 tests' fixture: a real S3 server (S3Proxy on loopback) started once per test class with
 * one bucket, and per test a DataShard over it (prefix {@code warehouse}), closed after the test
 * with a check that no Arrow memory leaked. Register it as a static field:
 * {@code @RegisterExtension static final S3Shard s3 = new S3Shard("bucket");}
 */
final class S3Shard implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final String bucket;
  private final UnaryOperator<S3Config.Builder> settings;
  private S3ProxyServer server;
  private RootAllocator allocator;
  private DataShard shard;

  S3Shard(String bucket) {
    this(bucket, UnaryOperator.identity());
  }

  /** @param settings applied to the store's configuration (multipart sizes, ...) */
  S3Shard(String bucket, UnaryOperator<S3Config.Builder> settings) {
    this.bucket = bucket;
    this.settings = settings;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    server = S3ProxyServer.start();
    server.createBucket(bucket);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    allocator = new RootAllocator();
    shard = DataShard.open(StorageConfig.s3(settings.apply(server.config(bucket).prefix("warehouse")).build()),
        allocator);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    shard.close();
    allocator.close(); // throws when any Arrow buffer was not released
  }

  S3ProxyServer server() {
    return server;
  }

  String bucket() {
    return bucket;
  }

  RootAllocator allocator() {
    return allocator;
  }

  DataShard shard() {
    return shard;
  }
}
