package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.DataShard;
import dev.datashard.Scan;
import dev.datashard.io.local.LocalStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Iceberg features other engines use: DataShard applies their delete files, and must refuse
 * clearly what it does not implement and handle the rest (partitioned reads, partition
 * spec and schema changes, read by field id).
 */
class IcebergFeaturesTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  private String location(String name) {
    return LocalStorage.locationOf(local.warehouse().resolve(name));
  }

  private static List<Long> icebergIds(Table table, org.apache.iceberg.expressions.Expression filter) {
    List<Long> ids = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).where(filter).build()) {
      rows.forEach(r -> ids.add((Long) r.getField("id")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ids.sort(null);
    return ids;
  }

  private static List<Long> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> (Long) r.get("id")).sorted().toList();
  }

  private long dataFileCount(String table) throws IOException {
    try (Stream<Path> files = Files.walk(local.warehouse().resolve(table))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }

  /** One position delete file naming two data files, and one of them again after the other. */
  @Test
  void aPositionDeleteFileOfSeveralDataFilesDeletesFromEach() {
    Table iceberg = IcebergWrites.create(location("several_files"), IcebergSchemas.events(),
        PartitionSpec.unpartitioned());
    DataFile a = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(0, 10, "a"));
    DataFile b = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(10, 20, "b"));
    iceberg.newAppend().appendFile(a).appendFile(b).commit();
    DeleteFile deletes = IcebergWrites.writePositionDeletes(iceberg, List.of(Map.entry(a.location(), 1L),
        Map.entry(a.location(), 2L), Map.entry(b.location(), 0L), Map.entry(b.location(), 5L),
        Map.entry(a.location(), 7L)));
    iceberg.newRowDelta().addDeletes(deletes).commit();
    List<Long> expected = List.of(0L, 3L, 4L, 5L, 6L, 8L, 9L, 11L, 12L, 13L, 14L, 16L, 17L, 18L, 19L);
    assertThat(icebergIds(iceberg, Expressions.alwaysTrue())).containsExactlyInAnyOrderElementsOf(expected);

    dev.datashard.Table table = local.shard().loadTable("several_files");
    assertThat(ids(table.newScan().toRecords())).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void snapshotsWithPositionDeletesReadWithoutTheDeletedRows() {
    Table iceberg = IcebergWrites.create(location("with_deletes"), IcebergSchemas.events(),
        PartitionSpec.unpartitioned());
    DataFile data = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(0, 10, "a"));
    iceberg.newAppend().appendFile(data).commit();
    long beforeDeletes = iceberg.currentSnapshot().snapshotId();
    DeleteFile deletes = IcebergWrites.writePositionDeletes(iceberg, data, 1, 2);
    iceberg.newRowDelta().addDeletes(deletes).commit();
    assertThat(icebergIds(iceberg, Expressions.alwaysTrue())).containsExactly(0L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);

    dev.datashard.Table table = local.shard().loadTable("with_deletes");
    assertThat(ids(table.newScan().toRecords())).containsExactly(0L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(ids(table.newScan().filter(dev.datashard.Expression.lessThan("id", 5L)).toRecords()))
        .containsExactly(0L, 3L, 4L);
    assertThat(table.newScan().count()).isEqualTo(new Scan.RowCount(8, Scan.CountMethod.READ_FOR_DELETES));
    // The snapshot before the deletes has none to apply.
    assertThat(ids(table.newScan().useSnapshot(beforeDeletes).toRecords()))
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(table.newScan().useSnapshot(beforeDeletes).count())
        .isEqualTo(new Scan.RowCount(10, Scan.CountMethod.METADATA));

    // DataShard's append: the deletes keep applying to the older file only (sequence numbers).
    table.appendRecords(IcebergSchemas.eventRows(10, 13, "b"));
    iceberg.refresh();
    assertThat(icebergIds(iceberg, Expressions.alwaysTrue()))
        .containsExactly(0L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    assertThat(iceberg.currentSnapshot().summary()).containsEntry("total-records", "13")
        .containsEntry("total-data-files", "2").containsEntry("total-delete-files", "1")
        .containsEntry("total-position-deletes", "2").containsEntry("total-equality-deletes", "0");
    assertThat(ids(table.refresh().newScan().toRecords()))
        .containsExactly(0L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    // Only the new file's rows match: no delete applies to what is read, yet the count must read.
    assertThat(table.newScan().filter(dev.datashard.Expression.greaterThanOrEqual("id", 10L)).rowCount()).isEqualTo(3);
    assertThat(table.rowCount()).isEqualTo(11);
  }

  @Test
  void partitionedTablesIcebergCreatedAreReadAndAppendedTo() throws IOException {
    PartitionSpec spec = PartitionSpec.builderFor(IcebergSchemas.events()).identity("category").build();
    Table iceberg = IcebergWrites.create(location("partitioned"), IcebergSchemas.events(), spec);
    IcebergWrites.append(iceberg, IcebergSchemas.eventRows(0, 5, "a"), IcebergSchemas.eventRows(5, 10, "b"));
    IcebergWrites.append(iceberg, IcebergSchemas.eventRows(10, 12, "c"));

    dev.datashard.Table table = local.shard().loadTable("partitioned");
    // Iceberg writes identity partition columns into the data files too, so reading by column works.
    List<Map<String, Object>> rows = table.newScan().toRecords();
    assertThat(ids(rows)).hasSize(12);
    assertThat(rows).allSatisfy(r -> {
      long id = (Long) r.get("id");
      assertThat(r.get("category")).isEqualTo(id < 5 ? "a" : id < 10 ? "b" : "c");
      assertThat(r.get("value")).isEqualTo((int) id * 10);
    });

    long files = dataFileCount("partitioned");
    List<Map<String, Object>> added = new ArrayList<>(IcebergSchemas.eventRows(20, 22, "d"));
    added.addAll(IcebergSchemas.eventRows(22, 23, "c"));
    table.appendRecords(added);
    assertThat(dataFileCount("partitioned")).isEqualTo(files + 2);
    assertThat(ids(table.newScan().toRecords())).hasSize(15);

    iceberg.refresh();
    List<String> planned = new ArrayList<>();
    try (CloseableIterable<org.apache.iceberg.FileScanTask> tasks =
        iceberg.newScan().filter(Expressions.equal("category", "d")).planFiles()) {
      tasks.forEach(task -> planned.add(task.file().partition().get(0, String.class) + " " + task.file().location()));
    }
    assertThat(planned).singleElement().satisfies(file -> assertThat(file).startsWith("d ").contains("/data/category=d/"));
    List<Long> icebergIds = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(iceberg).where(Expressions.equal("category", "c")).build()) {
      records.forEach(record -> icebergIds.add((Long) record.getField("id")));
    }
    assertThat(icebergIds).containsExactlyInAnyOrder(10L, 11L, 22L);
  }

  /** A table whose partitioning was dropped: new files belong to the new (unpartitioned) spec. */
  @Test
  void appendsToATableWhoseCurrentSpecIsUnpartitionedUseThatSpec() {
    PartitionSpec spec = PartitionSpec.builderFor(IcebergSchemas.events()).identity("category").build();
    Table iceberg = IcebergWrites.create(location("was_partitioned"), IcebergSchemas.events(), spec);
    IcebergWrites.append(iceberg, IcebergSchemas.eventRows(0, 5, "a"), IcebergSchemas.eventRows(5, 10, "b"));
    iceberg.updateSpec().removeField("category").commit();
    int currentSpec = iceberg.spec().specId();
    assertThat(currentSpec).isNotZero();
    assertThat(iceberg.spec().isUnpartitioned()).isTrue();

    dev.datashard.Table table = local.shard().loadTable("was_partitioned");
    table.appendRecords(IcebergSchemas.eventRows(10, 15, "c"));

    iceberg.refresh();
    List<ManifestFile> added = iceberg.currentSnapshot().dataManifests(iceberg.io()).stream()
        .filter(m -> m.snapshotId() == iceberg.currentSnapshot().snapshotId()).toList();
    assertThat(added).singleElement().satisfies(m -> assertThat(m.partitionSpecId()).isEqualTo(currentSpec));
    iceberg.currentSnapshot().addedDataFiles(iceberg.io())
        .forEach(f -> assertThat(f.specId()).isEqualTo(currentSpec));
    assertThat(icebergIds(iceberg, Expressions.alwaysTrue())).hasSize(15);
    assertThat(icebergIds(iceberg, Expressions.equal("category", "c"))).containsExactly(10L, 11L, 12L, 13L, 14L);
    assertThat(icebergIds(iceberg, Expressions.equal("category", "a"))).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(ids(table.newScan().toRecords())).hasSize(15);
  }

  @Test
  void addedColumnsAndPromotedTypesReadCorrectly() {
    Table iceberg = IcebergWrites.create(location("evolved"), IcebergSchemas.events(), PartitionSpec.unpartitioned());
    IcebergWrites.append(iceberg, IcebergSchemas.eventRows(0, 3, "a"));
    iceberg.updateSchema().addColumn("note", Types.StringType.get())
        .updateColumn("value", Types.LongType.get()).commit();
    List<Map<String, Object>> later = IcebergSchemas.eventRows(3, 5, "b");
    later.forEach(r -> {
      r.put("note", "n" + r.get("id"));
      r.put("value", ((Integer) r.get("value")).longValue());
    });
    IcebergWrites.append(iceberg, later);

    dev.datashard.Table table = local.shard().loadTable("evolved");
    List<Map<String, Object>> rows = table.newScan().toRecords();
    rows.sort(Comparator.comparing(r -> (Long) r.get("id")));
    assertThat(rows).extracting(r -> r.get("note")).containsExactly(null, null, null, "n3", "n4");
    assertThat(rows).extracting(r -> r.get("value")).containsExactly(0L, 10L, 20L, 30L, 40L);

    Map<String, Object> appended = new HashMap<>(later.get(0));
    appended.put("id", 5L);
    table.appendRecords(List.of(appended));
    iceberg.refresh();
    assertThat(icebergIds(iceberg, Expressions.alwaysTrue())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
  }

  /** Columns resolve by field id: files written before Iceberg's rename return the column under its new name. */
  @Test
  void renamedColumnsReadByFieldId() {
    Table iceberg = IcebergWrites.create(location("renamed"), IcebergSchemas.events(), PartitionSpec.unpartitioned());
    IcebergWrites.append(iceberg, IcebergSchemas.eventRows(0, 3, "a"));
    iceberg.updateSchema().renameColumn("category", "kind").commit();

    dev.datashard.Table table = local.shard().loadTable("renamed");
    assertThat(table.schema().field("kind")).isPresent();
    assertThat(table.newScan().select("kind").toRecords()).hasSize(3)
        .allSatisfy(r -> assertThat(r.get("kind")).isEqualTo("a"));
    // Iceberg itself reads by field id.
    try (CloseableIterable<Record> rows = IcebergGenerics.read(iceberg).build()) {
      rows.forEach(r -> assertThat(r.getField("kind")).isEqualTo("a"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
