package dev.datashard.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.DataShardException;
import dev.datashard.LocalWarehouse;
import dev.datashard.Expression;
import dev.datashard.Schema;
import dev.datashard.Table;
import dev.datashard.io.ForwardingStorage;
import dev.datashard.io.Location;
import dev.datashard.io.local.LocalStorage;
import dev.datashard.metadata.DataFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Scans fetch only the byte ranges they need, file by file, and stop fetching when closed. */
class StreamingReadTest {
  private static final Schema WIDE = Schema.fromJson("""
      {"fields": [{"id": 1, "name": "id", "type": "long", "required": true},
                  {"id": 2, "name": "payload", "type": "string", "required": false},
                  {"id": 3, "name": "score", "type": "double", "required": false}]}""");

  /** Counts the bytes and files the scan reads, by any path. */
  static final class CountingStorage extends ForwardingStorage {
    final AtomicLong bytes = new AtomicLong();
    final Set<String> filesTouched = ConcurrentHashMap.newKeySet();

    CountingStorage(Path root) {
      super(new LocalStorage(root, false));
    }

    @Override
    public CompletableFuture<byte[]> readRangeAsync(String location, long offset, int length) {
      if (location.endsWith(".parquet")) {
        filesTouched.add(location);
      }
      return super.readRangeAsync(location, offset, length).thenApply(read -> {
        bytes.addAndGet(read.length);
        return read;
      });
    }

    /** Locally a scan without a filter decodes files in place: no copy, but the file counts as touched. */
    @Override
    public CompletableFuture<dev.datashard.io.LocalFile> fetch(String location) {
      filesTouched.add(location);
      return super.fetch(location);
    }
  }

  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse(CountingStorage::new);
  private CountingStorage storage;
  private Table table;

  @BeforeEach
  void open() {
    storage = (CountingStorage) warehouse.shard().storage();
    // Uncompressed, so each file is above 1 MiB: smaller ones are fetched whole in one GET.
    table = warehouse.shard().createTable("t", WIDE, Map.of("write.parquet.compression-codec", "uncompressed"));
    for (int file = 0; file < 6; file++) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 8000; i++) {
        long id = file * 10_000L + i;
        rows.add(Map.of("id", id, "payload", "payload-" + id + "-" + "x".repeat(200), "score", (double) i));
      }
      table.appendRecords(rows);
    }
  }

  private long dataBytes() {
    return table.newScan().files().stream().mapToLong(DataFile::fileSizeBytes).sum();
  }

  @Test
  void aFilteredScanFetchesOnlyTheChunksOfItsColumns() {
    storage.bytes.set(0);
    storage.filesTouched.clear();
    List<Map<String, Object>> rows = table.newScan().select("id").filter(Expression.parse("score >= 7999")).toRecords();
    assertThat(rows).extracting(r -> r.get("id")).containsExactlyInAnyOrder(7999L, 17999L, 27999L, 37999L, 47999L, 57999L);
    assertThat(storage.bytes.get()).isLessThan(dataBytes() / 4);
  }

  @Test
  void closingAfterTheFirstBatchStopsFetching() throws IOException {
    storage.filesTouched.clear();
    try (ArrowReader reader = table.newScan().batchSize(100).arrowReader()) {
      assertThat(reader.loadNextBatch()).isTrue();
      assertThat(reader.getVectorSchemaRoot().getRowCount()).isEqualTo(100);
    }
    // Read-ahead starts with the second batch asked for: a scan stopped after one read one file.
    assertThat(storage.filesTouched).hasSize(1);
  }

  @Test
  void readAheadIsBoundedByItsBudget() throws IOException {
    long fileSize = table.newScan().files().get(0).fileSizeBytes();
    storage.filesTouched.clear();
    try (ArrowReader reader = table.newScan().readAhead(2 * fileSize + 1).batchSize(100).arrowReader()) {
      assertThat(reader.loadNextBatch()).isTrue();
      assertThat(reader.loadNextBatch()).isTrue();
      // The file being read, and two more within the budget: not all six.
      assertThat(storage.filesTouched).hasSize(3);
    }
  }

  @Test
  void aMissingDataFileIsNamed() throws IOException {
    DataFile first = table.newScan().files().get(0);
    Files.delete(Location.of(first.location()).localPath());
    assertThatThrownBy(() -> table.newScan().toRecords()).isInstanceOf(DataShardException.class)
        .hasMessageContaining(first.location()).hasMessageContaining("missing");
  }

  @Test
  void aDamagedDataFileIsNamed() throws IOException {
    DataFile first = table.newScan().files().get(0);
    Files.write(Location.of(first.location()).localPath(), new byte[(int) first.fileSizeBytes()]);
    assertThatThrownBy(() -> table.newScan().toRecords()).isInstanceOf(DataShardException.class)
        .hasMessageContaining(first.location()).hasMessageContaining("cannot read");
  }
}
