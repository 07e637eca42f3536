package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Transaction;
import dev.datashard.arrow.RecordBatches;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpecParser;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.BinaryUtil;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.iceberg.util.UnicodeUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DataShard writes, Apache Iceberg's Java library reads: rows, snapshots, statistics, pruning. */
class IcebergReadsDataShardTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  /**
   * Three snapshots: two single appends and one transaction of three appends (one an Arrow batch).
   * A target file size of 1 byte makes every append of the transaction close its own file (they
   * would share one otherwise): five files of ten rows each.
   */
  private record Written(dev.datashard.Table table, List<Snapshot> snapshots) {}

  private Written writeAllTypes() {
    dev.datashard.Table table = local.shard().createTable("all_types", AllTypes.SCHEMA);
    List<Snapshot> snapshots = new ArrayList<>();
    snapshots.add(table.appendRecords(AllTypes.rows(0, 10)).orElseThrow());
    snapshots.add(table.appendRecords(AllTypes.rows(10, 20)).orElseThrow());
    table.setProperties(Map.of("write.target-file-size-bytes", "1"));
    try (Transaction tx = table.newTransaction();
        VectorSchemaRoot batch = RecordBatches.fromRecords(local.allocator(), AllTypes.SCHEMA, AllTypes.rows(30, 40))) {
      tx.appendRecords(AllTypes.rows(20, 30));
      tx.append(batch);
      tx.appendRecords(AllTypes.rows(40, 50));
      snapshots.add(tx.commit().orElseThrow());
    }
    return new Written(table, snapshots);
  }

  private static List<Map<String, Object>> expected(int to) {
    List<Map<String, Object>> rows = new ArrayList<>();
    AllTypes.rows(0, to).forEach(r -> rows.add(Interop.canonicalMap(r)));
    return rows;
  }

  @Test
  void icebergReadsEveryTypeOfEverySnapshot() {
    Written written = writeAllTypes();
    Table iceberg = Interop.icebergTable(written.table().location());

    assertThat(iceberg.schema().asStruct()).isEqualTo(IcebergSchemas.allTypes().asStruct());
    assertThat(iceberg.spec().isUnpartitioned()).isTrue();
    assertThat(iceberg.currentSnapshot().snapshotId()).isEqualTo(written.snapshots().get(2).snapshotId());
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), expected(50));
    Interop.assertSameRows(Interop.icebergRows(iceberg, written.snapshots().get(0).snapshotId()), expected(10));
    Interop.assertSameRows(Interop.icebergRows(iceberg, written.snapshots().get(1).snapshotId()), expected(20));
    // And DataShard agrees with both.
    Interop.assertSameRows(Interop.datashardRows(written.table().newScan()), expected(50));
  }

  @Test
  void icebergReadsTimestampsOfTheYears1And9999() {
    LocalDateTime first = LocalDateTime.of(1, 1, 1, 0, 0);
    LocalDateTime last = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000);
    dev.datashard.Table table = local.shard().createTable("extremes", AllTypes.SCHEMA);
    table.appendRecords(List.of(
        Map.of("id", 1L, "ts", first, "tstz", first.atOffset(ZoneOffset.UTC), "date", first.toLocalDate()),
        Map.of("id", 2L, "ts", last, "tstz", last.atOffset(ZoneOffset.UTC), "date", last.toLocalDate())));

    List<Map<String, Object>> rows = Interop.icebergRows(Interop.icebergTable(table.location()), null);
    assertThat(rows).extracting(r -> r.get("ts")).containsExactly(first, last);
    assertThat(rows).extracting(r -> r.get("tstz"))
        .containsExactly(first.atOffset(ZoneOffset.UTC), last.atOffset(ZoneOffset.UTC));
    assertThat(rows).extracting(r -> r.get("date")).containsExactly(first.toLocalDate(), last.toLocalDate());
    Interop.assertSameRows(Interop.datashardRows(table.newScan()), rows);
  }

  @Test
  void snapshotsSummariesAndCountsAgree() {
    Written written = writeAllTypes();
    Table iceberg = Interop.icebergTable(written.table().location());

    List<org.apache.iceberg.Snapshot> snapshots = new ArrayList<>();
    iceberg.snapshots().forEach(snapshots::add);
    assertThat(snapshots).extracting(org.apache.iceberg.Snapshot::snapshotId)
        .containsExactlyElementsOf(written.snapshots().stream().map(Snapshot::snapshotId).toList());
    int[] addedFiles = {1, 1, 3};
    long[] addedRecords = {10, 10, 30};
    long total = 0;
    for (int i = 0; i < snapshots.size(); i++) {
      org.apache.iceberg.Snapshot s = snapshots.get(i);
      Snapshot ours = written.snapshots().get(i);
      total += addedRecords[i];
      assertThat(s.operation()).isEqualTo("append");
      assertThat(s.sequenceNumber()).isEqualTo(ours.sequenceNumber()).isEqualTo(i + 1);
      assertThat(s.timestampMillis()).isEqualTo(ours.timestampMillis());
      assertThat(s.parentId()).isEqualTo(i == 0 ? null : snapshots.get(i - 1).snapshotId());
      assertThat(s.schemaId()).isEqualTo(0);
      assertThat(s.summary()).containsEntry("added-data-files", Integer.toString(addedFiles[i]))
          .containsEntry("added-records", Long.toString(addedRecords[i]))
          .containsEntry("total-records", Long.toString(total))
          .containsEntry("total-data-files", Integer.toString(i == 2 ? 5 : i + 1))
          .containsEntry("total-delete-files", "0");
      // Iceberg's own reading of the manifests agrees with the summary.
      List<DataFile> added = new ArrayList<>();
      s.addedDataFiles(iceberg.io()).forEach(added::add);
      assertThat(added).hasSize(addedFiles[i]);
      assertThat(added.stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(addedRecords[i]);
      assertThat(added).allSatisfy(f -> {
        assertThat(f.dataSequenceNumber()).isEqualTo(s.sequenceNumber());
        assertThat(f.fileSequenceNumber()).isEqualTo(s.sequenceNumber());
        assertThat(f.format()).isEqualTo(org.apache.iceberg.FileFormat.PARQUET);
        assertThat(f.fileSizeInBytes()).isEqualTo(Path.of(java.net.URI.create(f.location())).toFile().length());
      });
      long planned = 0;
      try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().useSnapshot(s.snapshotId()).planFiles()) {
        for (FileScanTask task : tasks) {
          planned += task.file().recordCount();
          assertThat(task.deletes()).isEmpty();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      assertThat(planned).isEqualTo(total);
      assertThat(Long.parseLong(s.summary().get("total-files-size")))
          .isEqualTo(StreamSupport.stream(iceberg.newScan().useSnapshot(s.snapshotId()).planFiles().spliterator(), false)
              .mapToLong(t -> t.file().fileSizeInBytes()).sum());
    }
  }

  /**
   * Every file's lower and upper bounds, decoded by Iceberg, equal what Iceberg computes from the
   * file's rows (strings and binary truncated as its default metrics mode does); value and null
   * counts equal those Iceberg derives from the Parquet footer.
   */
  @Test
  void columnStatisticsMatchTheData() throws IOException {
    Written written = writeAllTypes();
    Table iceberg = Interop.icebergTable(written.table().location());
    org.apache.iceberg.Schema schema = iceberg.schema();
    int files = 0;
    try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        files++;
        DataFile file = task.file();
        List<Record> rows = readFile(iceberg, schema, file.location());
        assertThat(rows).hasSize((int) file.recordCount());
        Metrics footer = ParquetUtil.fileMetrics(iceberg.io().newInputFile(file.location()),
            MetricsConfig.getDefault());
        for (Types.NestedField field : schema.columns()) {
          if (!field.type().isPrimitiveType()) {
            continue;
          }
          int id = field.fieldId();
          Type.PrimitiveType type = field.type().asPrimitiveType();
          int position = schema.columns().indexOf(field);
          List<Object> values = new ArrayList<>();
          long nulls = 0;
          long nans = 0;
          for (Record row : rows) {
            Object value = row.get(position);
            if (value == null) {
              nulls++;
            } else if (value instanceof Double d && d.isNaN() || value instanceof Float f && f.isNaN()) {
              nans++;
            } else {
              values.add(internal(type, value));
            }
          }
          String where = "column " + field.name() + " of " + file.location();
          assertThat(file.valueCounts()).as(where).containsEntry(id, file.recordCount());
          assertThat(file.nullValueCounts()).as(where).containsEntry(id, nulls);
          assertThat(footer.nullValueCounts()).as(where).containsEntry(id, nulls);
          if (type.typeId() == Type.TypeID.FLOAT || type.typeId() == Type.TypeID.DOUBLE) {
            assertThat(file.nanValueCounts()).as(where).containsEntry(id, nans);
          }
          if (values.isEmpty() || type.typeId() == Type.TypeID.UUID) {
            // No bounds for all-null columns; DataShard keeps none for uuid (see INTEROP-NOTES.md).
            assertThat(file.lowerBounds()).as(where).doesNotContainKey(id);
            assertThat(file.upperBounds()).as(where).doesNotContainKey(id);
            continue;
          }
          Comparator<Object> order = Comparators.forType(type);
          Object min = values.stream().min(order).orElseThrow();
          Object max = values.stream().max(order).orElseThrow();
          assertThat(file.lowerBounds()).as(where).containsKey(id);
          assertThat(file.upperBounds()).as(where).containsKey(id);
          Object lower = Conversions.fromByteBuffer(type, file.lowerBounds().get(id));
          Object upper = Conversions.fromByteBuffer(type, file.upperBounds().get(id));
          assertThat(order.compare(lower, truncatedMin(type, min))).as(where + " lower bound " + lower).isZero();
          assertThat(order.compare(upper, truncatedMax(type, max))).as(where + " upper bound " + upper).isZero();
        }
      }
    }
    assertThat(files).isEqualTo(5);
  }

  /**
   * The metadata JSON DataShard wrote equals what Iceberg writes for the same table state, key by
   * key, and the manifests' Avro metadata carries the schema and spec as Iceberg serializes them.
   */
  @Test
  void metadataFilesMatchIcebergsOwnSerialization() throws IOException {
    Written written = writeAllTypes();
    Table iceberg = Interop.icebergTable(written.table().location());
    TableMetadata current = ((HasTableOperations) iceberg).operations().current();
    ObjectMapper json = new ObjectMapper();
    JsonNode ours = json.readTree(Path.of(java.net.URI.create(written.table().metadataFile())).toFile());
    ObjectNode theirs = (ObjectNode) json.readTree(TableMetadataParser.toJson(current));
    // Optional lists Iceberg writes even when empty; DataShard leaves them out.
    assertThat(theirs.remove("statistics")).isEmpty();
    assertThat(theirs.remove("partition-statistics")).isEmpty();
    assertThat(ours).isEqualTo(theirs);

    for (org.apache.iceberg.ManifestFile manifest : iceberg.currentSnapshot().allManifests(iceberg.io())) {
      try (DataFileReader<GenericRecord> reader = new DataFileReader<>(
          new java.io.File(java.net.URI.create(manifest.path())), new GenericDatumReader<>())) {
        assertThat(json.readTree(reader.getMetaString("schema")))
            .isEqualTo(json.readTree(SchemaParser.toJson(iceberg.schema())));
        assertThat(json.readTree(reader.getMetaString("partition-spec")))
            .isEqualTo(json.readTree(PartitionSpecParser.toJson(iceberg.spec())).get("fields"));
        assertThat(reader.getMetaString("partition-spec-id")).isEqualTo(Integer.toString(iceberg.spec().specId()));
        assertThat(reader.getMetaString("format-version")).isEqualTo("2");
        assertThat(reader.getMetaString("content")).isEqualTo("data");
      }
    }
  }

  @Test
  void icebergPrunesFilesWithDataShardStatistics() throws IOException {
    Written written = writeAllTypes();
    Table iceberg = Interop.icebergTable(written.table().location());

    assertThat(plannedFiles(iceberg.newScan())).isEqualTo(5);
    // Each file holds a run of ids: only the last (40..49) can hold ids above 42.
    assertThat(plannedFiles(iceberg.newScan().filter(Expressions.greaterThan("id", 42L)))).isEqualTo(1);
    assertThat(plannedFiles(iceberg.newScan().filter(Expressions.lessThan("date",
        LocalDate.of(2000, 1, 1).toString())))).isZero();
    // Every string starts with "a" or "h"; a truncated upper bound must still be above them all.
    assertThat(plannedFiles(iceberg.newScan().filter(Expressions.greaterThanOrEqual("s", "i")))).isZero();
    // Only rows 0..9 and 40..49 have a string at or above "héllo wörld ✓ 4" ("✓ 8", "✓ 48").
    assertThat(plannedFiles(iceberg.newScan().filter(Expressions.greaterThanOrEqual("s", "héllo wörld ✓ 4"))))
        .isEqualTo(2);
    // NaN counts prune too: no file has a NaN in f, and not every file has one in d.
    long filesWithNaN = IntStream.of(0, 10, 20, 30, 40)
        .filter(start -> AllTypes.rows(start, start + 10).stream()
            .anyMatch(r -> r.get("d") instanceof Double d && d.isNaN())).count();
    assertThat(filesWithNaN).isBetween(1L, 4L);
    assertThat(plannedFiles(iceberg.newScan().filter(Expressions.isNaN("d")))).isEqualTo(filesWithNaN);
    assertThat(plannedFiles(iceberg.newScan().filter(Expressions.isNaN("f")))).isZero();
    List<Long> ids = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(iceberg)
        .where(Expressions.greaterThan("id", 42L)).build()) {
      rows.forEach(r -> ids.add((Long) r.getField("id")));
    }
    assertThat(ids).containsExactlyInAnyOrder(43L, 44L, 45L, 46L, 47L, 48L, 49L);
  }

  private static int plannedFiles(TableScan scan) throws IOException {
    int count = 0;
    try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
      for (FileScanTask ignored : tasks) {
        count++;
      }
    }
    return count;
  }

  static List<Record> readFile(Table table, org.apache.iceberg.Schema schema, String location)
      throws IOException {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = Parquet.read(table.io().newInputFile(location))
        .project(schema)
        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
        .build()) {
      records.forEach(r -> rows.add(r.copy()));
    }
    return rows;
  }

  /** A generic reader's value in the representation Iceberg's bounds and comparators use. */
  private static Object internal(Type.PrimitiveType type, Object value) {
    return switch (type.typeId()) {
      case DATE -> (int) ((LocalDate) value).toEpochDay();
      case TIME -> ((LocalTime) value).toNanoOfDay() / 1000;
      case TIMESTAMP -> micros(value instanceof OffsetDateTime o ? o.toInstant()
          : ((LocalDateTime) value).toInstant(ZoneOffset.UTC));
      case FIXED -> ByteBuffer.wrap((byte[]) value);
      default -> value;
    };
  }

  private static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  @SuppressWarnings("unchecked")
  private static Object truncatedMin(Type.PrimitiveType type, Object min) {
    return switch (type.typeId()) {
      case STRING -> UnicodeUtil.truncateStringMin(Literal.of((CharSequence) min), 16).value();
      case BINARY -> BinaryUtil.truncateBinaryMin(Literal.of((ByteBuffer) min), 16).value();
      default -> min;
    };
  }

  private static Object truncatedMax(Type.PrimitiveType type, Object max) {
    return switch (type.typeId()) {
      case STRING -> UnicodeUtil.truncateStringMax(Literal.of((CharSequence) max), 16).value();
      case BINARY -> BinaryUtil.truncateBinaryMax(Literal.of((ByteBuffer) max), 16).value();
      default -> max;
    };
  }

  @Test
  void mergedManifestsKeepEverySnapshotAndDataSequenceNumber() throws IOException {
    dev.datashard.Table table = local.shard().createTable("merged", AllTypes.SCHEMA,
        Map.of("commit.manifest.min-count-to-merge", "3"));
    List<Snapshot> snapshots = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      snapshots.add(table.appendRecords(AllTypes.rows(i * 5, i * 5 + 5)).orElseThrow());
    }
    Table iceberg = Interop.icebergTable(table.location());
    assertThat(iceberg.currentSnapshot().allManifests(iceberg.io())).hasSizeLessThan(3);
    for (Snapshot snapshot : snapshots) {
      Interop.assertSameRows(Interop.icebergRows(iceberg, snapshot.snapshotId()),
          Interop.datashardRows(table.newScan().useSnapshot(snapshot.snapshotId())));
    }
    // Each file keeps the sequence number of the snapshot that added it, merged or not.
    try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        long firstId = (Long) Conversions.fromByteBuffer(Types.LongType.get(), task.file().lowerBounds().get(1));
        assertThat(task.file().dataSequenceNumber()).isEqualTo(snapshots.get((int) firstId / 5).sequenceNumber());
        assertThat(task.file().fileSequenceNumber()).isEqualTo(task.file().dataSequenceNumber());
      }
    }
  }

  @Test
  void deleteSnapshotsReadTheSameInIceberg() {
    dev.datashard.Table table = local.shard().createTable("deletes", AllTypes.SCHEMA);
    for (int i = 0; i < 4; i++) {
      table.appendRecords(AllTypes.rows(i * 5, i * 5 + 5));
    }
    String second = table.newScan().filter(dev.datashard.Expression.equal("id", 7L)).files().get(0).location();
    Snapshot delete = table.deleteFiles(List.of(second));
    Table iceberg = Interop.icebergTable(table.location());
    assertThat(iceberg.currentSnapshot().operation()).isEqualTo("delete");
    assertThat(iceberg.currentSnapshot().summary()).containsEntry("deleted-data-files", "1")
        .containsEntry("total-records", "15");
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), Interop.datashardRows(table.newScan()));
    assertThat(Interop.icebergRows(iceberg, null)).hasSize(15);
    Interop.assertSameRows(Interop.icebergRows(iceberg, delete.parentId()),
        Interop.datashardRows(table.newScan().useSnapshot(delete.parentId())));
  }

  /**
   * After a rollback, DataShard's expiry leaves the snapshot log Iceberg's own expiry of the same
   * snapshot leaves, and Iceberg's as-of-time lookup on DataShard's table agrees with DataShard's
   * scan at every time in the history: the same snapshot, or both refuse.
   */
  @Test
  void asOfTimeAfterRollbackAndExpiryAgreesWithIceberg() throws InterruptedException {
    dev.datashard.Table table = local.shard().createTable("history", AllTypes.SCHEMA);
    Snapshot first = table.appendRecords(AllTypes.rows(0, 5)).orElseThrow();
    Thread.sleep(5);
    Snapshot second = table.appendRecords(AllTypes.rows(5, 10)).orElseThrow();
    Thread.sleep(5);
    table.rollback(first.snapshotId());
    Thread.sleep(5);
    table.appendRecords(AllTypes.rows(10, 15)).orElseThrow();
    List<Long> times = new ArrayList<>();
    Interop.icebergTable(table.location()).history().forEach(entry -> {
      times.add(entry.timestampMillis() - 1);
      times.add(entry.timestampMillis());
    });
    local.shard().copyTable("history", local.shard(), "expired_by_iceberg");

    table.expireSnapshots(System.currentTimeMillis() + 1, 2);
    Table expiredByIceberg = Interop.icebergTable(local.shard().loadTable("expired_by_iceberg").location());
    expiredByIceberg.expireSnapshots().expireSnapshotId(second.snapshotId()).commit();

    Table iceberg = Interop.icebergTable(table.location());
    assertThat(history(iceberg)).hasSize(2).isEqualTo(history(expiredByIceberg));
    for (long time : times) {
      Long ours;
      try {
        ours = table.newScan().asOfTime(time).snapshot().orElseThrow().snapshotId();
      } catch (dev.datashard.DataShardException refused) {
        ours = null;
      }
      assertThat(ours).as("as of %d", time).isEqualTo(SnapshotUtil.nullableSnapshotIdAsOfTime(iceberg, time));
    }
  }

  private static List<List<Long>> history(Table table) {
    return table.history().stream().map(entry -> List.of(entry.timestampMillis(), entry.snapshotId())).toList();
  }
}
