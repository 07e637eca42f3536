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
import dev.datashard.arrow.RecordBatches;
import dev.datashard.io.local.LocalStorage;
import dev.datashard.io.parquet.BatchListReader;
import dev.datashard.io.parquet.ParquetFooter;
import dev.datashard.io.parquet.SparseParquet;
import dev.datashard.metadata.DataFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.VectorSchemaRoot;
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

  /** Counts the bytes and files the scan reads, by any path, and records each ranged read of a data file. */
  static final class CountingStorage extends ForwardingStorage {
    final AtomicLong bytes = new AtomicLong();
    final Set<String> filesTouched = ConcurrentHashMap.newKeySet();
    final List<RangeRead> rangeReads = new CopyOnWriteArrayList<>();

    CountingStorage(Path root) {
      super(new LocalStorage(root, false));
    }

    @Override
    public CompletableFuture<byte[]> readRangeAsync(String location, long offset, int length) {
      if (location.endsWith(".parquet")) {
        filesTouched.add(location);
        rangeReads.add(new RangeRead(location, offset, length));
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

  record RangeRead(String location, long offset, int length) {}

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
  void aScanStoppedAfterItsFirstBatchFetchedOneRowGroup() throws IOException {
    // Uncompressed, and a row group closed after each appended batch (at the first size check).
    Table grouped = warehouse.shard().createTable("grouped", WIDE, Map.of("write.parquet.compression-codec",
        "uncompressed", "write.parquet.row-group-size-bytes", "1"));
    appendOneFileOfRowGroups(grouped, 4, 2000);
    DataFile file = grouped.newScan().files().get(0);
    assertThat(file.fileSizeBytes()).as("above the size a footer read fetches whole").isGreaterThan(1 << 20);
    ParquetFooter footer = ParquetFooter.read(storage, file.location(), file.fileSizeBytes()).join();
    assertThat(footer.rowGroupCount()).isEqualTo(4);
    Set<Integer> id = Set.of(1);
    // The filter rules out only the last row group: a local file is then fetched, not decoded in place.
    Expression firstThreeGroups = Expression.parse("id < 6000");

    storage.rangeReads.clear();
    try (ArrowReader reader = grouped.newScan().select("id").filter(firstThreeGroups).batchSize(10).arrowReader()) {
      assertThat(reader.loadNextBatch()).isTrue();
      assertThat(reader.getVectorSchemaRoot().getVector(0).getObject(9)).isEqualTo(9L);
    }
    assertThat(dataReads(file)).as("the id chunk of row group 0, nothing of the next row groups")
        .containsExactly(SparseParquet.chunkBytes(footer, id, 0));

    storage.rangeReads.clear();
    assertThat(grouped.newScan().select("id").filter(firstThreeGroups).toRecords()).hasSize(6000);
    assertThat(dataReads(file).stream().mapToLong(Long::longValue).sum()).as("the id chunks of row groups 0-2")
        .isEqualTo(SparseParquet.chunkBytes(footer, id, 0) + SparseParquet.chunkBytes(footer, id, 1)
            + SparseParquet.chunkBytes(footer, id, 2));
  }

  /** The lengths of the ranged reads of {@code file} other than of its footer (the reads that reach its end). */
  private List<Long> dataReads(DataFile file) {
    return storage.rangeReads.stream()
        .filter(read -> read.location().equals(file.location()) && read.offset() + read.length() < file.fileSizeBytes())
        .map(read -> (long) read.length()).toList();
  }

  /** One append of {@code groups} batches: the Parquet writer makes each batch a row group of one file. */
  private void appendOneFileOfRowGroups(Table table, int groups, int rowsPerGroup) {
    List<VectorSchemaRoot> batches = new ArrayList<>();
    try {
      for (int group = 0; group < groups; group++) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < rowsPerGroup; i++) {
          long id = (long) group * rowsPerGroup + i;
          rows.add(Map.of("id", id, "payload", "payload-" + id + "-" + "x".repeat(200), "score", (double) i));
        }
        batches.add(RecordBatches.fromRecords(warehouse.allocator(), WIDE, rows));
      }
      try (ArrowReader reader = new BatchListReader(warehouse.allocator(), batches)) {
        table.append(reader);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      batches.forEach(VectorSchemaRoot::close);
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
