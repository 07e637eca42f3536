package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Table;
import dev.datashard.io.ForwardingStorage;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.util.concurrent.CompletableFuture;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The request sequence of a load and a first scan of a ten-file table (one row group per file, every
 * column) through {@link DelayProxy}: each read's start and end, and each batch, in ms from the
 * scan's start. Sequential waves of requests are the scan's round trips. It loads and scans
 * twice: read the second round (the first sets up connections). {@code -Ddelay=MS}, default 50; with
 * {@code -Ds3proxy.jar=...} and {@code --add-opens=java.base/java.nio=ALL-UNNAMED}.
 */
public final class ScanTrace {
  private ScanTrace() {}

  /** When the timed operation began: the reference of every printed time. */
  private static volatile long t0;

  private static String name(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** Prints each read's start and end. */
  private static final class Tracing extends ForwardingStorage {
    Tracing(Storage delegate) {
      super(delegate);
    }

    @Override
    public CompletableFuture<byte[]> readRangeAsync(String location, long offset, int length) {
      long start = System.nanoTime();
      return super.readRangeAsync(location, offset, length).whenComplete((bytes, failure) ->
          System.out.printf("range %-50s %9d+%-8d start %6.1f end %6.1f ms%n", name(location), offset, length,
              (start - t0) / 1e6, (System.nanoTime() - t0) / 1e6));
    }

    @Override
    public CompletableFuture<byte[]> readAsync(String location) {
      long start = System.nanoTime();
      return super.readAsync(location).whenComplete((bytes, failure) ->
          System.out.printf("whole %-50s start %6.1f end %6.1f ms%n", name(location), (start - t0) / 1e6,
              (System.nanoTime() - t0) / 1e6));
    }
  }

  public static void main(String[] args) throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start(); RootAllocator allocator = new RootAllocator()) {
      server.createBucket("bench");
      try (DataShard direct = DataShard.open(StorageConfig.s3(server.config("bench").build()), allocator)) {
        Table table = direct.createTable("rt-ten", WideEvents.SCHEMA);
        for (int f = 0; f < 10; f++) {
          try (VectorSchemaRoot batch = WideEvents.batch(allocator, f * 15000L, 15000)) {
            table.append(batch);
          }
        }
      }
      try (DelayProxy proxy = new DelayProxy(server.port(), Long.getLong("delay", 50));
          DataShard shard = DataShard.open(new Tracing(
              StorageConfig.s3(server.config("bench").endpoint(proxy.endpoint()).build()).open()), allocator)) {
        for (int i = 0; i < 2; i++) {
          System.out.println("--- load " + i);
          t0 = System.nanoTime();
          Table table = shard.loadTable("rt-ten");
          System.out.printf("--- first scan %d (load took %.1f ms)%n", i, (System.nanoTime() - t0) / 1e6);
          t0 = System.nanoTime();
          long rows = 0;
          int batch = 0;
          try (ArrowReader reader = table.newScan().arrowReader()) {
            while (reader.loadNextBatch()) {
              rows += reader.getVectorSchemaRoot().getRowCount();
              System.out.printf("batch %d at %6.1f ms%n", batch++, (System.nanoTime() - t0) / 1e6);
            }
          }
          System.out.printf("--- %d rows, scan took %.1f ms%n", rows, (System.nanoTime() - t0) / 1e6);
        }
      }
    }
  }
}
