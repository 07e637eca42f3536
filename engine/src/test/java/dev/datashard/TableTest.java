package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.arrow.RecordBatches;
import dev.datashard.io.StorageConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableTest {
  @TempDir Path warehouse;
  private RootAllocator allocator;
  private DataShard shard;

  static final Schema EVENTS = Schema.fromJson("""
      {"schema_id": 1, "fields": [
        {"id": 1, "name": "user_id", "type": "long", "required": true},
        {"id": 2, "name": "event", "type": "string", "required": true},
        {"id": 3, "name": "timestamp", "type": "long", "required": false}]}""");

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
    shard = DataShard.open(StorageConfig.local(warehouse), allocator);
  }

  @AfterEach
  void closeAndCheckLeaks() {
    shard.close();
    allocator.close(); // throws when any Arrow buffer was not released
  }

  private static Map<String, Object> event(long user, String event, Long ts) {
    Map<String, Object> record = new HashMap<>();
    record.put("user_id", user);
    record.put("event", event);
    record.put("timestamp", ts);
    return record;
  }

  @Test
  void appendsRecordsAndReadsThemBackAcrossSnapshots() {
    Table table = shard.createTable("events", EVENTS);
    assertThat(table.currentSnapshot()).isEmpty();
    assertThat(table.rowCount()).isZero();
    assertThat(table.newScan().toRecords()).isEmpty();

    Snapshot first = table.appendRecords(List.of(event(1, "login", 10L), event(2, "logout", null))).orElseThrow();
    Snapshot second = table.appendRecords(List.of(event(3, "click", 30L))).orElseThrow();

    assertThat(second.parentId()).isEqualTo(first.snapshotId());
    assertThat(second.sequenceNumber()).isEqualTo(first.sequenceNumber() + 1);
    assertThat(second.summary()).containsEntry("added-records", "1").containsEntry("total-records", "3");
    assertThat(table.rowCount()).isEqualTo(3);
    assertThat(table.newScan().useSnapshot(first.snapshotId()).toRecords()).hasSize(2);

    Table reloaded = shard.loadTable("events");
    assertThat(reloaded.snapshots()).extracting(Snapshot::snapshotId)
        .containsExactly(first.snapshotId(), second.snapshotId());
    List<Map<String, Object>> rows = reloaded.newScan().select("event", "user_id").toRecords();
    assertThat(rows).extracting(r -> r.get("event")).containsExactlyInAnyOrder("login", "logout", "click");
    assertThat(rows.get(0).keySet()).containsExactly("event", "user_id");
  }

  @Test
  void writesTheIcebergLayout() throws IOException {
    Table table = shard.createTable("events", EVENTS);
    table.appendRecords(List.of(event(1, "a", 1L)));
    Path root = warehouse.resolve("events");
    assertThat(root.resolve("metadata/v1.metadata.json")).exists();
    assertThat(root.resolve("metadata/v2.metadata.json")).exists();
    shard.close(); // removes the staging directory kept for the next append
    assertThat(Files.readString(root.resolve("metadata/version-hint.text")).trim()).isEqualTo("2");
    try (Stream<Path> data = Files.list(root.resolve("data"))) {
      assertThat(data.map(p -> p.getFileName().toString())).singleElement()
          .satisfies(name -> assertThat(name).endsWith(".parquet"));
    }
    String metadata = Files.readString(root.resolve("metadata/v2.metadata.json"));
    assertThat(metadata).contains("\"format-version\":2", "\"current-snapshot-id\"", "\"refs\"",
        "\"manifest-list\":\"file:", "\"type\":\"long\"", "\"type\":\"string\"");
  }

  @Test
  void appendsArrowBatchesAndTransactions() throws IOException {
    Table table = shard.createTable("events", EVENTS);
    try (VectorSchemaRoot batch = batch(0, 1000)) {
      table.append(batch);
    }
    try (Transaction tx = table.newTransaction()) {
      try (VectorSchemaRoot a = batch(1000, 10); VectorSchemaRoot b = batch(1010, 5)) {
        tx.append(a).append(b);
      }
      tx.appendRecords(List.of(event(9999, "x", null)));
      Snapshot snapshot = tx.commit().orElseThrow();
      // The appends of a transaction share its data file (far below the target file size).
      assertThat(snapshot.summary()).containsEntry("added-data-files", "1").containsEntry("added-records", "16");
    }
    assertThat(table.snapshots()).hasSize(2);
    long total = 0;
    long sum = 0;
    try (ArrowReader reader = table.newScan().select("user_id").arrowReader()) {
      while (reader.loadNextBatch()) {
        BigIntVector ids = (BigIntVector) reader.getVectorSchemaRoot().getVector(0);
        for (int i = 0; i < ids.getValueCount(); i++) {
          sum += ids.get(i);
        }
        total += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    assertThat(total).isEqualTo(1016);
    assertThat(sum).isEqualTo((1014L * 1015 / 2) + 9999);
  }

  @Test
  void abandonedTransactionLeavesNoSnapshotAndNoFiles() throws IOException {
    Table table = shard.createTable("events", EVENTS);
    try (Transaction tx = table.newTransaction()) {
      tx.appendRecords(List.of(event(1, "a", 1L)));
    }
    assertThat(table.refresh().snapshots()).isEmpty();
    try (Stream<Path> files = Files.walk(warehouse.resolve("events/data"))) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void everyTypeRoundTrips() {
    Schema schema = Schema.fromJson("""
        {"schema_id": 0, "fields": [
          {"id": 1, "name": "b", "type": "boolean", "required": true},
          {"id": 2, "name": "i", "type": "int", "required": false},
          {"id": 3, "name": "l", "type": "long", "required": false},
          {"id": 4, "name": "f", "type": "float", "required": false},
          {"id": 5, "name": "d", "type": "double", "required": false},
          {"id": 6, "name": "dec", "type": "decimal(10, 2)", "required": false},
          {"id": 7, "name": "date", "type": "date", "required": false},
          {"id": 8, "name": "time", "type": "time", "required": false},
          {"id": 9, "name": "ts", "type": "timestamp", "required": false},
          {"id": 10, "name": "tstz", "type": "timestamptz", "required": false},
          {"id": 11, "name": "s", "type": "string", "required": false},
          {"id": 12, "name": "u", "type": "uuid", "required": false},
          {"id": 13, "name": "fx", "type": "fixed[3]", "required": false},
          {"id": 14, "name": "bin", "type": "binary", "required": false},
          {"id": 15, "name": "st", "required": false, "type": {"type": "struct", "fields": [
            {"id": 16, "name": "x", "type": "int", "required": true},
            {"id": 17, "name": "y", "type": "string", "required": false}]}},
          {"id": 18, "name": "li", "required": false, "type":
            {"type": "list", "element-id": 19, "element": "long", "element-required": false}},
          {"id": 20, "name": "m", "required": false, "type":
            {"type": "map", "key-id": 21, "key": "string", "value-id": 22, "value": "double", "value-required": false}}
        ]}""");
    Table table = shard.createTable("types", schema);
    UUID uuid = UUID.randomUUID();
    Map<String, Object> full = new LinkedHashMap<>();
    full.put("b", true);
    full.put("i", 42);
    full.put("l", 1L << 40);
    full.put("f", 1.5f);
    full.put("d", 2.25);
    full.put("dec", new BigDecimal("12345678.91"));
    full.put("date", LocalDate.of(2024, 2, 29));
    full.put("time", LocalTime.of(23, 59, 58, 123456000));
    full.put("ts", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6000));
    full.put("tstz", OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)));
    full.put("s", "héllo");
    full.put("u", uuid);
    full.put("fx", new byte[] {1, 2, 3});
    full.put("bin", new byte[] {9, 8});
    full.put("st", Map.of("x", 7, "y", "why"));
    List<Long> list = new ArrayList<>(List.of(1L, 2L));
    list.add(null);
    full.put("li", list);
    full.put("m", Map.of("k", 0.5));
    Map<String, Object> sparse = new LinkedHashMap<>();
    sparse.put("b", false);
    table.appendRecords(List.of(full, sparse));

    List<Map<String, Object>> rows = shard.loadTable("types").newScan().toRecords();
    assertThat(rows).hasSize(2);
    Map<String, Object> read = rows.get(0).get("b").equals(true) ? rows.get(0) : rows.get(1);
    Map<String, Object> empty = read == rows.get(0) ? rows.get(1) : rows.get(0);
    assertThat(read).containsEntry("i", 42).containsEntry("l", 1L << 40).containsEntry("f", 1.5f)
        .containsEntry("d", 2.25).containsEntry("dec", new BigDecimal("12345678.91"))
        .containsEntry("date", LocalDate.of(2024, 2, 29))
        .containsEntry("time", LocalTime.of(23, 59, 58, 123456000))
        .containsEntry("ts", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6000))
        .containsEntry("tstz", OffsetDateTime.of(2024, 1, 2, 1, 4, 5, 0, ZoneOffset.UTC))
        .containsEntry("s", "héllo").containsEntry("u", uuid)
        .containsEntry("st", Map.of("x", 7, "y", "why")).containsEntry("li", list)
        .containsEntry("m", Map.of("k", 0.5));
    assertThat((byte[]) read.get("fx")).containsExactly(1, 2, 3);
    assertThat((byte[]) read.get("bin")).containsExactly(9, 8);
    assertThat(empty.values().stream().filter(v -> v != null)).containsExactly(false);
  }

  @Test
  void badInputIsRejectedAndLeavesTheTableUnchanged() {
    Table table = shard.createTable("events", EVENTS);
    Snapshot before = table.appendRecords(List.of(event(1, "a", 1L))).orElseThrow();

    Map<String, Object> fractional = event(2, "b", 1L);
    fractional.put("user_id", 1.7);
    assertThatThrownBy(() -> table.appendRecords(List.of(event(5, "ok", 1L), fractional)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("record 1").hasMessageContaining("user_id").hasMessageContaining("1.7");
    Map<String, Object> missing = new HashMap<>(Map.of("user_id", 3L));
    assertThatThrownBy(() -> table.appendRecords(List.of(missing)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("record 0")
        .hasMessageContaining("required field 'event'");
    Map<String, Object> unknown = event(4, "c", 1L);
    unknown.put("colour", "red");
    assertThatThrownBy(() -> table.appendRecords(List.of(unknown)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("unknown column 'colour'");
    Map<String, Object> wrongType = event(4, "c", 1L);
    wrongType.put("event", 12);
    assertThatThrownBy(() -> table.appendRecords(List.of(wrongType)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("'event'");

    try (VectorSchemaRoot withNulls = batch(0, 3)) {
      ((BigIntVector) withNulls.getVector("user_id")).setNull(1);
      assertThatThrownBy(() -> table.append(withNulls)).isInstanceOf(ValidationException.class)
          .hasMessageContaining("required column 'user_id'");
    }
    assertThat(table.appendRecords(List.of())).isEmpty();

    Table reloaded = shard.loadTable("events");
    assertThat(reloaded.currentSnapshot()).contains(before);
    assertThat(reloaded.snapshots()).hasSize(1);
    assertThat(reloaded.newScan().toRecords()).hasSize(1);
  }

  @Test
  void timesOutsideADayAreRejectedFromRecordsAndArrowBatches() {
    Schema schema = Schema.fromJson("""
        {"schema_id": 0, "fields": [
          {"id": 1, "name": "id", "type": "long", "required": true},
          {"id": 2, "name": "t", "type": "time", "required": false},
          {"id": 3, "name": "lt", "required": false, "type":
            {"type": "list", "element-id": 4, "element": "time", "element-required": false}}]}""");
    Table table = shard.createTable("times", schema);
    Map<String, Object> tooLate = new HashMap<>(Map.of("id", 1L, "t", 86_400_000_000L));
    assertThatThrownBy(() -> table.appendRecords(List.of(tooLate))).isInstanceOf(ValidationException.class)
        .hasMessageContaining("record 0, field 't': 86400000000 is out of range for time");
    Map<String, Object> negative = new HashMap<>(Map.of("id", 1L, "lt", List.of(-1L)));
    assertThatThrownBy(() -> table.appendRecords(List.of(negative))).isInstanceOf(ValidationException.class)
        .hasMessageContaining("field 'lt[0]': -1 is out of range for time");

    List<Map<String, Object>> valid = List.of(
        Map.of("id", 1L, "t", 86_399_999_999L, "lt", List.of(LocalTime.NOON)),
        Map.of("id", 2L, "lt", List.of(LocalTime.MIDNIGHT, LocalTime.NOON)));
    try (VectorSchemaRoot batch = RecordBatches.fromRecords(allocator, schema, valid)) {
      ((TimeMicroVector) batch.getVector("t")).set(0, 86_400_000_000L);
      assertThatThrownBy(() -> table.append(batch)).isInstanceOf(ValidationException.class)
          .hasMessageContaining("column 't' holds the time 86400000000 in batch 1 (row 0)");
    }
    try (VectorSchemaRoot batch = RecordBatches.fromRecords(allocator, schema, valid)) {
      ListVector list = (ListVector) batch.getVector("lt");
      ((TimeMicroVector) list.getDataVector()).set(2, -5L);
      assertThatThrownBy(() -> table.append(batch)).isInstanceOf(ValidationException.class)
          .hasMessageContaining("column 'lt' holds the time -5 in batch 1 (row 1)");
    }
    assertThat(table.refresh().snapshots()).isEmpty();

    table.appendRecords(valid);
    assertThat(table.newScan().toRecords()).extracting(r -> r.get("t"))
        .containsExactlyInAnyOrder(LocalTime.of(23, 59, 59, 999_999_000), null);
  }

  @Test
  void tableLifecycleErrors() {
    assertThat(shard.tableExists("events")).isFalse();
    assertThatThrownBy(() -> shard.loadTable("events")).isInstanceOf(NoSuchTableException.class);
    shard.createTable("events", EVENTS);
    assertThat(shard.tableExists("events")).isTrue();
    assertThatThrownBy(() -> shard.createTable("events", EVENTS)).isInstanceOf(TableExistsException.class);
    assertThat(shard.dropTable("events")).isTrue();
    assertThat(shard.tableExists("events")).isFalse();
    assertThatThrownBy(() -> Schema.fromJson("{\"fields\": [{\"id\": 1, \"name\": \"a\", \"type\": \"long\"},"
        + "{\"id\": 1, \"name\": \"b\", \"type\": \"long\"}]}")).hasMessageContaining("duplicate field id 1");
    assertThatThrownBy(() -> Schema.fromJson("{\"fields\": [{\"id\": 1, \"name\": \"a\", \"type\": \"varchar\"}]}"))
        .hasMessageContaining("unknown type 'varchar'");
  }

  @Test
  void schemaJsonRoundTripsInIcebergForm() {
    Schema schema = shard.createTable("t", EVENTS).schema();
    assertThat(schema.toJson()).contains("\"type\":\"struct\"", "\"schema-id\":1", "\"type\":\"long\"");
    assertThat(Schema.fromJson(schema.toJson())).isEqualTo(schema);
  }

  @Test
  void aCommitThatCannotSucceedFailsClearlyAndLeavesNoTrace() throws IOException {
    Table table = shard.createTable("events", EVENTS);
    table.setProperties(Map.of("commit.retry.num-retries", "0"));
    Table stale = shard.loadTable("events");
    Table other = shard.loadTable("events");
    other.appendRecords(List.of(event(1, "winner", 1L)));
    long filesBefore;
    try (Stream<Path> files = Files.walk(warehouse.resolve("events"))) {
      filesBefore = files.filter(Files::isRegularFile).count();
    }
    assertThatThrownBy(() -> stale.appendRecords(List.of(event(2, "loser", 2L))))
        .isInstanceOf(CommitFailedException.class).hasMessageContaining("commit.retry.num-retries");
    try (Stream<Path> files = Files.walk(warehouse.resolve("events"))) {
      assertThat(files.filter(Files::isRegularFile).count()).as("the loser's files are removed").isEqualTo(filesBefore);
    }
    assertThat(shard.loadTable("events").newScan().toRecords()).extracting(r -> r.get("event")).containsExactly("winner");
    // With retries the same stale writer rebases onto the winner's snapshot.
    stale.setProperties(Map.of("commit.retry.num-retries", "3"));
    stale.appendRecords(List.of(event(3, "rebased", 3L)));
    assertThat(shard.loadTable("events").rowCount()).isEqualTo(2);
  }

  @Test
  void readersProbePastAStaleVersionHint() throws IOException {
    Table table = shard.createTable("events", EVENTS);
    table.appendRecords(List.of(event(1, "a", 1L)));
    table.appendRecords(List.of(event(2, "b", 2L)));
    Path hint = warehouse.resolve("events/metadata/version-hint.text");
    Files.writeString(hint, "1");
    assertThat(shard.loadTable("events").rowCount()).isEqualTo(2);
    Files.writeString(hint, "garbage");
    assertThat(shard.loadTable("events").rowCount()).isEqualTo(2);
    Files.writeString(hint, "42");
    assertThat(shard.loadTable("events").rowCount()).isEqualTo(2);
    Files.delete(hint);
    assertThat(shard.loadTable("events").rowCount()).isEqualTo(2);
  }

  @Test
  void existingParquetFilesAreAddedInPlace(@TempDir Path elsewhere) throws IOException {
    Table table = shard.createTable("events", EVENTS);
    Path file;
    try (VectorSchemaRoot batch = batch(100, 50);
        ArrowReader reader = new dev.datashard.io.parquet.SingleBatchReader(allocator, batch)) {
      file = dev.datashard.io.parquet.ParquetFiles.write(allocator, reader,
          Files.createDirectory(elsewhere.resolve("out"))).orElseThrow();
    }
    String location = dev.datashard.io.local.LocalStorage.locationOf(file);
    try (Transaction abandoned = table.newTransaction()) {
      abandoned.addFiles(List.of(location));
    }
    assertThat(file).as("an abandoned transaction leaves files it did not write").exists();

    Snapshot added;
    try (Transaction tx = table.newTransaction()) {
      added = tx.addFiles(List.of(location)).commit().orElseThrow();
    }
    assertThat(added.summary()).containsEntry("added-records", "50");
    assertThat(shard.loadTable("events").newScan().toRecords()).hasSize(50);
    assertThat(table.newScan().filter(Expression.lessThan("user_id", 100)).files()).isEmpty();
    assertThat(table.newScan().filter(Expression.greaterThanOrEqual("user_id", 149)).files()).hasSize(1);

    Path wrong;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(List.of(
            org.apache.arrow.vector.types.pojo.Field.notNullable("user_id", org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE))),
            allocator);
        ArrowReader reader = new dev.datashard.io.parquet.SingleBatchReader(allocator, root)) {
      ((VarCharVector) root.getVector(0)).setSafe(0, "x".getBytes());
      root.setRowCount(1);
      wrong = dev.datashard.io.parquet.ParquetFiles.write(allocator, reader,
          Files.createDirectory(elsewhere.resolve("wrong"))).orElseThrow();
    }
    assertThatThrownBy(() -> table.newTransaction().addFiles(List.of(dev.datashard.io.local.LocalStorage.locationOf(wrong))))
        .isInstanceOf(ValidationException.class).hasMessageContaining("user_id").hasMessageContaining("wrong");
    assertThat(shard.loadTable("events").snapshots()).hasSize(1);
  }

  @Test
  void commitAttemptsCountRacesLostToOtherWriters() {
    shard.createTable("events", EVENTS);
    Table stale = shard.loadTable("events");
    Table other = shard.loadTable("events");
    other.appendRecords(List.of(event(1, "a", null)));
    try (Transaction tx = stale.newTransaction()) {
      assertThat(tx.commitAttempts()).isZero();
      tx.appendRecords(List.of(event(2, "b", null)));
      tx.commit();
      // The first attempt built on the version before the other append and lost.
      assertThat(tx.commitAttempts()).isEqualTo(2);
    }
    try (Transaction tx = stale.newTransaction()) {
      tx.appendRecords(List.of(event(3, "c", null)));
      tx.commit();
      assertThat(tx.commitAttempts()).isEqualTo(1);
    }
    assertThat(shard.loadTable("events").rowCount()).isEqualTo(3);
  }

  @Test
  void openTakesAStorageTheCallerBuilt() {
    try (DataShard own = DataShard.open(new dev.datashard.io.local.LocalStorage(warehouse, false))) {
      own.createTable("custom", EVENTS).appendRecords(List.of(event(1, "a", null)));
    }
    assertThat(shard.loadTable("custom").rowCount()).isEqualTo(1);
  }

  private VectorSchemaRoot batch(long start, int rows) {
    // The table's columns with their field ids, but not all of them: a batch may leave optional ones out.
    VectorSchemaRoot root = VectorSchemaRoot.create(dev.datashard.arrow.ArrowSchemas.toArrow(EVENTS.select(List.of("user_id", "event"))),
        allocator);
    BigIntVector ids = (BigIntVector) root.getVector("user_id");
    VarCharVector events = (VarCharVector) root.getVector("event");
    for (int i = 0; i < rows; i++) {
      ids.setSafe(i, start + i);
      events.setSafe(i, ("e" + i).getBytes());
    }
    root.setRowCount(rows);
    return root;
  }
}
