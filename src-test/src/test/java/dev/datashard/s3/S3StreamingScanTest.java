package dev.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.Schema;
import dev.datashard.Table;
import dev.datashard.io.ForwardingStorage;
import dev.datashard.io.LocalFile;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import dev.datashard.metadata.DataFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scans on S3 fetch the footer and the projected columns' chunks of the files they read, as a
 * pipeline: a one-column query with a limit transfers a small fraction of the table.
 */
class S3StreamingScanTest {
  private static final Schema EVENTS = Schema.fromJson("""
      {"fields": [{"id": 1, "name": "user_id", "type": "long", "required": true},
                  {"id": 2, "name": "event", "type": "string", "required": true},
                  {"id": 3, "name": "page", "type": "string", "required": false},
                  {"id": 4, "name": "agent", "type": "string", "required": false},
                  {"id": 5, "name": "amount", "type": "double", "required": false}]}""");
  private static final int FILES = 8;
  private static final int ROWS_PER_FILE = 20_000;

  static S3ProxyServer server;

  /** Counts the bytes read from the store, by any path. */
  static final class CountingStorage extends ForwardingStorage {
    final AtomicLong bytes = new AtomicLong();

    CountingStorage(Storage delegate) {
      super(delegate);
    }

    @Override
    public CompletableFuture<byte[]> readRangeAsync(String location, long offset, int length) {
      return super.readRangeAsync(location, offset, length).thenApply(read -> count(read));
    }

    @Override
    public CompletableFuture<byte[]> readAsync(String location) {
      return super.readAsync(location).thenApply(read -> count(read));
    }

    @Override
    public CompletableFuture<LocalFile> fetch(String location) {
      throw new AssertionError("a scan must not download whole files: " + location);
    }

    private byte[] count(byte[] read) {
      bytes.addAndGet(read.length);
      return read;
    }
  }

  @BeforeAll
  static void startServer() throws IOException {
    server = S3ProxyServer.start();
    server.createBucket("scans");
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static void fill(Table table) {
    for (int file = 0; file < FILES; file++) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < ROWS_PER_FILE; i++) {
        long user = (long) file * ROWS_PER_FILE + i;
        rows.add(Map.of("user_id", user, "event", "event-" + (i % 7), "page", "/page/" + user + "/" + "p".repeat(40),
            "agent", "agent-" + user + "-" + "a".repeat(60), "amount", i * 0.5));
      }
      table.appendRecords(rows);
    }
  }

  @Test
  void aOneColumnScanWithALimitTransfersAFractionOfTheTable() throws IOException {
    CountingStorage storage = new CountingStorage(StorageConfig.s3(server.config("scans").build()).open());
    try (RootAllocator allocator = new RootAllocator(); DataShard shard = DataShard.open(storage, allocator)) {
      // Uncompressed (the table, 2 MB files): the fractions below are of data bytes, and
      // the metadata a scan reads too would dominate a compressed table this small.
      Table table = shard.createTable("events-" + System.nanoTime(), EVENTS,
          Map.of("write.parquet.compression-codec", "uncompressed"));
      fill(table);
      long total = table.newScan().files().stream().mapToLong(DataFile::fileSizeBytes).sum();

      Table reader = shard.loadTable(table.name());
      storage.bytes.set(0);
      try (ArrowReader scan = reader.newScan().select("user_id").batchSize(2).readAhead(0).arrowReader()) {
        assertThat(scan.loadNextBatch()).isTrue();
        assertThat(scan.getVectorSchemaRoot().getRowCount()).isEqualTo(2);
      }
      long limited = storage.bytes.get();
      System.out.printf("S3 scan of user_id, limit 2: %d of %d data bytes (plus metadata)%n", limited, total);
      assertThat(limited).isLessThan(total / 10);

      storage.bytes.set(0);
      assertThat(reader.newScan().select("user_id").toRecords()).hasSize(FILES * ROWS_PER_FILE);
      long oneColumn = storage.bytes.get();
      System.out.printf("S3 full scan of user_id: %d of %d data bytes (plus metadata)%n", oneColumn, total);
      assertThat(oneColumn).isLessThan(total / 3);

      storage.bytes.set(0);
      List<Map<String, Object>> found = reader.newScan().select("user_id", "agent")
          .filter(Expression.parse("user_id = 25000")).toRecords();
      assertThat(found).singleElement().satisfies(row -> assertThat(row.get("agent")).asString().startsWith("agent-25000-"));
      assertThat(storage.bytes.get()).as("one file's columns").isLessThan(total / FILES);
    }
  }
}
