package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Transaction;
import dev.datashard.io.Location;
import dev.datashard.io.local.LocalStorage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Apache Iceberg's Java library writes, DataShard reads and appends, Iceberg reads again. */
class DataShardReadsIcebergTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  private static List<Map<String, Object>> expected(int from, int to) {
    List<Map<String, Object>> rows = new ArrayList<>();
    AllTypes.rows(from, to).forEach(r -> rows.add(Interop.canonicalMap(r)));
    return rows;
  }

  /** An all-types table made by Iceberg with two snapshots: rows 0..9, then 10..29 in two files. */
  private Table icebergAllTypes(String location) {
    Table iceberg = IcebergWrites.create(location, IcebergSchemas.allTypes(), PartitionSpec.unpartitioned());
    IcebergWrites.append(iceberg, AllTypes.rows(0, 10));
    IcebergWrites.append(iceberg, AllTypes.rows(10, 20), AllTypes.rows(20, 30));
    iceberg.refresh();
    return iceberg;
  }

  @Test
  void dataShardReadsEveryTypeAndSnapshotIcebergWrote() {
    Table iceberg = icebergAllTypes(LocalStorage.locationOf(local.warehouse().resolve("by_iceberg")));
    dev.datashard.Table table = local.shard().loadTable("by_iceberg");

    // Iceberg assigned its own field ids; DataShard reads exactly the schema Iceberg wrote.
    assertThat(table.schema()).isEqualTo(dev.datashard.Schema.fromJson(SchemaParser.toJson(iceberg.schema())));
    assertThat(table.schema().fields()).extracting(dev.datashard.Field::name)
        .containsExactlyElementsOf(AllTypes.SCHEMA.fields().stream().map(dev.datashard.Field::name).toList());
    List<org.apache.iceberg.Snapshot> snapshots = new ArrayList<>();
    iceberg.snapshots().forEach(snapshots::add);
    assertThat(table.snapshots()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      Snapshot ours = table.snapshots().get(i);
      org.apache.iceberg.Snapshot theirs = snapshots.get(i);
      assertThat(ours.snapshotId()).isEqualTo(theirs.snapshotId());
      assertThat(ours.parentId()).isEqualTo(theirs.parentId());
      assertThat(ours.sequenceNumber()).isEqualTo(theirs.sequenceNumber());
      assertThat(ours.timestampMillis()).isEqualTo(theirs.timestampMillis());
      // Iceberg's API keeps the operation out of the summary map; the JSON has it inside.
      assertThat(ours.operation()).isEqualTo(theirs.operation()).isEqualTo("append");
      Map<String, String> summary = new HashMap<>(ours.summary());
      summary.remove("operation");
      assertThat(summary).isEqualTo(theirs.summary());
    }
    assertThat(table.currentSnapshot().orElseThrow().snapshotId()).isEqualTo(iceberg.currentSnapshot().snapshotId());
    assertThat(table.rowCount()).isEqualTo(30);
    assertThat(table.newScan().files()).hasSize(3);

    Interop.assertSameRows(Interop.datashardRows(table.newScan()), expected(0, 30));
    Interop.assertSameRows(Interop.datashardRows(table.newScan().useSnapshot(snapshots.get(0).snapshotId())),
        expected(0, 10));
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), expected(0, 30));
  }

  @Test
  void dataShardAppendsToAnIcebergTableAndIcebergReadsOldAndNewRows() {
    Table iceberg = icebergAllTypes(LocalStorage.locationOf(local.warehouse().resolve("by_iceberg")));
    dev.datashard.Table table = local.shard().loadTable("by_iceberg");

    Snapshot single = table.appendRecords(AllTypes.rows(30, 40)).orElseThrow();
    Snapshot multi;
    try (Transaction tx = table.newTransaction()) {
      tx.appendRecords(AllTypes.rows(40, 45));
      tx.appendRecords(AllTypes.rows(45, 50));
      multi = tx.commit().orElseThrow();
    }

    iceberg.refresh();
    assertThat(iceberg.currentSnapshot().snapshotId()).isEqualTo(multi.snapshotId());
    assertThat(iceberg.currentSnapshot().parentId()).isEqualTo(single.snapshotId());
    assertThat(iceberg.snapshot(single.snapshotId()).sequenceNumber()).isEqualTo(3);
    // The transaction's two appends share one data file.
    assertThat(iceberg.currentSnapshot().summary()).containsEntry("added-data-files", "1")
        .containsEntry("added-records", "10").containsEntry("total-records", "50")
        .containsEntry("total-data-files", "5");
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), expected(0, 50));
    Interop.assertSameRows(Interop.icebergRows(iceberg, single.snapshotId()), expected(0, 40));

    // Iceberg appends on top of DataShard's snapshots; DataShard sees all of it.
    IcebergWrites.append(iceberg, AllTypes.rows(50, 60));
    iceberg.refresh();
    assertThat(iceberg.currentSnapshot().summary()).containsEntry("total-records", "60")
        .containsEntry("total-data-files", "6");
    Interop.assertSameRows(Interop.datashardRows(table.refresh().newScan()), expected(0, 60));
    assertThat(table.snapshots()).hasSize(5);
    assertThat(table.rowCount()).isEqualTo(60);
  }

  /**
   * HadoopTables keeps a location given as a plain path: metadata and manifests hold no scheme.
   * The files DataShard adds are named as the table is (engines pick a file system by scheme).
   */
  @Test
  void readsAndAppendsToATableWithSchemeLessPaths() {
    String location = local.warehouse().resolve("plain_paths").toString();
    Table iceberg = icebergAllTypes(location);
    assertThat(iceberg.currentSnapshot().allManifests(iceberg.io()).get(0).path()).startsWith("/");
    dev.datashard.Table table = local.shard().loadTable("plain_paths");

    Interop.assertSameRows(Interop.datashardRows(table.newScan()), expected(0, 30));
    table.appendRecords(AllTypes.rows(30, 35));
    iceberg.refresh();
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), expected(0, 35));
    assertThat(iceberg.currentSnapshot().manifestListLocation()).startsWith(location + "/metadata/");
    assertThat(iceberg.currentSnapshot().addedDataFiles(iceberg.io()))
        .singleElement().satisfies(file -> assertThat(file.location()).startsWith(location + "/data/"));
  }

  /**
   * A table whose {@code write.data.path} (set by another engine) points outside its location:
   * DataShard's appends and merge-on-read deletes put their files there, as Iceberg's writers do,
   * and orphan removal, which lists only the table's location, leaves that directory alone.
   */
  @Test
  void newDataAndDeleteFilesGoWhereWriteDataPathSays() {
    String dataPath = LocalStorage.locationOf(local.warehouse().resolve("shared-data/events"));
    Table iceberg = IcebergWrites.create(LocalStorage.locationOf(local.warehouse().resolve("by_iceberg")),
        IcebergSchemas.allTypes(), PartitionSpec.unpartitioned(),
        Map.of("write.data.path", dataPath + "/", "write.delete.mode", "merge-on-read"));
    IcebergWrites.append(iceberg, AllTypes.rows(0, 10));
    dev.datashard.Table table = local.shard().loadTable("by_iceberg");

    table.appendRecords(AllTypes.rows(10, 20));
    table.newDelete().where(dev.datashard.Expression.parse("id < 5 or id >= 18")).commit();
    iceberg.refresh();
    Location data = Location.of(dataPath);
    assertThat(iceberg.currentSnapshot().addedDeleteFiles(iceberg.io())).isNotEmpty()
        .allSatisfy(file -> assertThat(Location.of(file.location()).isBelow(data)).isTrue());
    assertThat(table.newScan().plan().tasks()).hasSize(2)
        .allSatisfy(task -> assertThat(Location.of(task.file().location()).isBelow(data)).isTrue());
    List<Map<String, Object>> expected = expected(5, 18);
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), expected);

    // Hadoop's .crc files beside Iceberg's metadata are orphans; nothing in the data path is.
    assertThat(table.removeOrphanFiles(System.currentTimeMillis() + 60_000, false))
        .noneSatisfy(removed -> assertThat(Location.of(removed).isBelow(data)).isTrue());
    Interop.assertSameRows(Interop.datashardRows(table.newScan()), expected);
  }

  /** Locations are plain paths after the scheme, as Iceberg's file IOs take them: no %20 for a space. */
  @Test
  void tablesUnderPathsWithSpacesWorkBothWays() {
    dev.datashard.Table ours = local.shard().createTable("with space/by datashard", AllTypes.SCHEMA);
    ours.appendRecords(AllTypes.rows(0, 5));
    assertThat(ours.location()).endsWith("/with space/by datashard");
    Interop.assertSameRows(Interop.icebergRows(Interop.icebergTable(ours.location()), null), expected(0, 5));

    Table iceberg = IcebergWrites.create("file:" + local.warehouse().resolve("with space/by iceberg"),
        IcebergSchemas.allTypes(), PartitionSpec.unpartitioned());
    IcebergWrites.append(iceberg, AllTypes.rows(0, 5));
    dev.datashard.Table theirs = local.shard().loadTable("with space/by iceberg");
    Interop.assertSameRows(Interop.datashardRows(theirs.newScan()), expected(0, 5));
    theirs.appendRecords(AllTypes.rows(5, 10));
    iceberg.refresh();
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), expected(0, 10));
  }
}
