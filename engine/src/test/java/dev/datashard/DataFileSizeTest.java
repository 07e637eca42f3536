package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.arrow.ArrowSchemas;
import dev.datashard.io.parquet.ParquetFiles;
import dev.datashard.io.parquet.SingleBatchReader;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.WriteProperties;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.parquet.format.CompressionCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Right-sized data files: appends stream into files that close at the table's target size, a
 * transaction's appends share them, and tables whose files an older DataShard wrote (Arrow's
 * uncompressed Parquet) stay readable and appendable.
 */
class DataFileSizeTest {
  static final Schema EVENTS = Schema.fromJson("""
      {"fields": [{"id": 1, "name": "id", "type": "long", "required": true},
                  {"id": 2, "name": "event", "type": "string", "required": false},
                  {"id": 3, "name": "amount", "type": "decimal(9, 2)", "required": false}]}""");

  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();

  /** Rows {@code [start, start + rows)}: id, one of 7 events (null every 11th), an amount. */
  private VectorSchemaRoot batch(long start, int rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.toArrow(EVENTS), warehouse.allocator());
    BigIntVector ids = (BigIntVector) root.getVector("id");
    VarCharVector events = (VarCharVector) root.getVector("event");
    DecimalVector amounts = (DecimalVector) root.getVector("amount");
    for (int i = 0; i < rows; i++) {
      long id = start + i;
      ids.setSafe(i, id);
      if (id % 11 == 0) {
        events.setNull(i);
      } else {
        events.setSafe(i, ("event-" + id % 7).getBytes());
      }
      amounts.setSafe(i, java.math.BigDecimal.valueOf(id % 100_000, 2));
    }
    root.setRowCount(rows);
    return root;
  }

  /** Serves {@code count} batches of {@code rows} rows, each closed when the next one loads. */
  private final class Batches extends ArrowReader {
    private final int count;
    private final int rows;
    private int served;
    private VectorSchemaRoot current;

    Batches(int count, int rows) {
      super(warehouse.allocator());
      this.count = count;
      this.rows = rows;
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() {
      return current;
    }

    @Override
    public boolean loadNextBatch() {
      if (current != null) {
        current.close();
        current = null;
      }
      if (served == count) {
        return false;
      }
      current = batch((long) served++ * rows, rows);
      return true;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {
      if (current != null) {
        current.close();
      }
    }

    @Override
    protected org.apache.arrow.vector.types.pojo.Schema readSchema() {
      return ArrowSchemas.toArrow(EVENTS);
    }
  }

  private static List<Long> ids(Table table) {
    return table.newScan().select("id").toRecords().stream().map(r -> (Long) r.get("id")).sorted().toList();
  }

  private static List<DataFile> files(Table table) {
    return table.newScan().files().stream().sorted(Comparator.comparing(f -> lowerId(f))).toList();
  }

  private static long lowerId(DataFile file) {
    return ByteBuffer.wrap(file.lowerBounds().get(1)).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  @Test
  void oneLargeInputMakesOneFileAtTheDefaultTarget() throws IOException {
    Table table = warehouse.shard().createTable("events", EVENTS);
    try (ArrowReader batches = new Batches(20, 50_000)) {
      Snapshot snapshot = table.append(batches).orElseThrow();
      assertThat(snapshot.summary()).containsEntry("added-data-files", "1").containsEntry("added-records", "1000000");
    }
    DataFile file = files(table).get(0);
    assertThat(file.recordCount()).isEqualTo(1_000_000);
    assertThat(file.valueCounts()).containsEntry(1, 1_000_000L);
    assertThat(file.nullValueCounts()).containsEntry(1, 0L).containsEntry(2, 90_910L).containsEntry(3, 0L);
    assertThat(ids(table)).hasSize(1_000_000).startsWith(0L).endsWith(999_999L);
  }

  @Test
  void aSmallTargetRollsOneAppendIntoSeveralFilesWithEveryRow() throws IOException {
    Table table = warehouse.shard().createTable("events", EVENTS,
        Map.of(WriteProperties.TARGET_FILE_SIZE_BYTES, "262144", WriteProperties.ROW_GROUP_SIZE_BYTES, "65536"));
    try (ArrowReader batches = new Batches(10, 60_000)) {
      table.append(batches);
    }
    List<DataFile> files = files(table);
    assertThat(files).hasSizeGreaterThan(3);
    assertThat(table.currentSnapshot().orElseThrow().summary())
        .containsEntry("added-data-files", Integer.toString(files.size())).containsEntry("added-records", "600000");
    long next = 0;
    for (DataFile file : files) {
      // Files hold consecutive runs of ids, each with its own statistics.
      assertThat(lowerId(file)).isEqualTo(next);
      next += file.recordCount();
      assertThat(ByteBuffer.wrap(file.upperBounds().get(1)).order(ByteOrder.LITTLE_ENDIAN).getLong())
          .isEqualTo(next - 1);
      assertThat(file.valueCounts()).containsEntry(1, file.recordCount());
      // Closed at the first size check past the target: about the target, never several times it.
      assertThat(file.fileSizeBytes()).isLessThan(2 * 262_144);
      assertThat(Files.size(Path.of(java.net.URI.create(file.location())))).isEqualTo(file.fileSizeBytes());
    }
    assertThat(next).isEqualTo(600_000);
    assertThat(files.subList(0, files.size() - 1)).allSatisfy(f -> assertThat(f.fileSizeBytes()).isGreaterThan(200_000));
    assertThat(ids(table)).isEqualTo(LongStream.range(0, 600_000).boxed().toList());
  }

  @Test
  void aTransactionsAppendsShareItsFiles() throws IOException {
    Table table = warehouse.shard().createTable("events", EVENTS);
    try (Transaction tx = table.newTransaction()) {
      for (int i = 0; i < 30; i++) {
        try (VectorSchemaRoot batch = batch(i * 1_000L, 1_000)) {
          tx.append(batch);
        }
      }
      tx.appendRecords(List.of(Map.of("id", 30_000L)));
      assertThat(tx.commit().orElseThrow().summary()).containsEntry("added-data-files", "1")
          .containsEntry("added-records", "30001");
    }
    assertThat(ids(table)).hasSize(30_001);
  }

  @Test
  void anAbandonedTransactionLeavesNoDataFiles() throws IOException {
    Table table = warehouse.shard().createTable("events", EVENTS,
        Map.of(WriteProperties.TARGET_FILE_SIZE_BYTES, "100000"));
    try (Transaction tx = table.newTransaction(); ArrowReader batches = new Batches(4, 50_000)) {
      tx.append(batches); // several finished files and an open one
    }
    assertThat(LocalWarehouse.filesBelow(warehouse.root().resolve("events")))
        .noneMatch(p -> p.toString().endsWith(".parquet"));
  }

  @Test
  void aRefusedAppendLeavesTheTransactionUsableUnlessItWrotePartOfItsRows() throws IOException {
    Table table = warehouse.shard().createTable("events", EVENTS);
    try (Transaction tx = table.newTransaction()) {
      tx.appendRecords(List.of(Map.of("id", 1L)));
      // Refused before any of its rows were written: the transaction goes on.
      assertThatThrownBy(() -> tx.appendRecords(List.of(Map.of("event", "no id"))))
          .isInstanceOf(ValidationException.class);
      tx.appendRecords(List.of(Map.of("id", 2L)));
      tx.commit();
    }
    assertThat(ids(table)).containsExactly(1L, 2L);

    try (Transaction tx = table.newTransaction()) {
      // The second batch has a null id: the first was written already.
      try (VectorSchemaRoot good = batch(10, 5); VectorSchemaRoot bad = batch(20, 5)) {
        ((BigIntVector) bad.getVector("id")).setNull(3);
        assertThatThrownBy(() -> tx.append(new TwoBatches(good, bad)))
            .isInstanceOf(ValidationException.class).hasMessageContaining("required column 'id'");
      }
      assertThatThrownBy(tx::commit).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("failed after writing part of its rows");
    }
    assertThat(ids(table)).containsExactly(1L, 2L);
  }

  /** Two caller-owned batches as one stream. */
  private final class TwoBatches extends ArrowReader {
    private final VectorSchemaRoot[] batches;
    private int next = -1;

    TwoBatches(VectorSchemaRoot first, VectorSchemaRoot second) {
      super(warehouse.allocator());
      batches = new VectorSchemaRoot[] {first, second};
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() {
      return batches[Math.max(next, 0)];
    }

    @Override
    public boolean loadNextBatch() {
      return ++next < batches.length;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {}

    @Override
    protected org.apache.arrow.vector.types.pojo.Schema readSchema() {
      return batches[0].getSchema();
    }
  }

  /**
   * A table whose files the previous DataShard wrote (Arrow's dataset writer: uncompressed, decimals
   * as fixed bytes, Arrow's own schema in the footer) reads as before, takes new zstd appends beside
   * them, and reads all of it; so does one set to write uncompressed files.
   */
  @Test
  void tablesWithUncompressedFilesFromTheOldWriterStayReadableAndAppendable() throws IOException {
    Table table = warehouse.shard().createTable("events", EVENTS);
    Path oldFile;
    try (VectorSchemaRoot rows = batch(0, 1_000); ArrowReader reader = new SingleBatchReader(warehouse.allocator(), rows)) {
      oldFile = ParquetFiles.write(warehouse.allocator(), reader, Files.createDirectories(warehouse.root().resolve("events/data/old")))
          .orElseThrow();
    }
    try (Transaction tx = table.newTransaction()) {
      tx.addFiles(List.of(oldFile.toUri().toString())).commit();
    }
    DataFile old = files(table).get(0);
    assertThat(WritePropertiesTest.codecOf(old)).isEqualTo(CompressionCodec.UNCOMPRESSED);
    List<Map<String, Object>> before = table.newScan().toRecords();

    try (VectorSchemaRoot more = batch(1_000, 1_000)) {
      table.append(more);
    }
    table.setProperties(Map.of(WriteProperties.COMPRESSION_CODEC, "uncompressed"));
    try (VectorSchemaRoot more = batch(2_000, 1_000)) {
      table.append(more);
    }
    List<DataFile> files = files(table);
    assertThat(files).hasSize(3);
    assertThat(WritePropertiesTest.codecOf(files.get(1))).isEqualTo(CompressionCodec.ZSTD);
    assertThat(WritePropertiesTest.codecOf(files.get(2))).isEqualTo(CompressionCodec.UNCOMPRESSED);
    List<Map<String, Object>> all = table.newScan().toRecords();
    assertThat(all).hasSize(3_000).containsAll(before);
    assertThat(all.stream().map(r -> (Long) r.get("id")).sorted().toList())
        .isEqualTo(LongStream.range(0, 3_000).boxed().toList());
    // The decimals of the old file (fixed bytes) and the new ones (int32) read alike.
    Map<Object, Long> byAmount = all.stream().collect(Collectors.groupingBy(r -> r.get("amount"), Collectors.counting()));
    assertThat(byAmount).containsEntry(new java.math.BigDecimal("0.05"), 1L).containsEntry(new java.math.BigDecimal("29.99"), 1L);
  }
}
