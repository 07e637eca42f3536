package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.commit.SnapshotExpiry;
import dev.datashard.io.Location;
import dev.datashard.io.local.LocalStorage;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Maintenance of tables other engines wrote delete files into: expiry, whole-file deletes and
 * copies keep deleted rows deleted, as Iceberg reads the table after them.
 */
class DeleteFilesMaintenanceTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  private Table create(String name) {
    return IcebergWrites.create(LocalStorage.locationOf(local.warehouse().resolve(name)), IcebergSchemas.events(),
        PartitionSpec.unpartitioned());
  }

  private static boolean exists(String location) {
    return Files.exists(Location.of(location).localPath());
  }

  private static DeleteFile equalityDelete(Table iceberg, int value) {
    return IcebergWrites.writeEqualityDeletes(iceberg, iceberg.spec(), List.of("value"), List.of(Map.of("value", value)));
  }

  @Test
  void expiryDeletesOnlyTheDeleteFilesNoKeptSnapshotHas() {
    Table iceberg = create("t");
    DataFile data = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(0, 10, "a"));
    iceberg.newAppend().appendFile(data).commit();
    DeleteFile replaced = IcebergWrites.writePositionDeletes(iceberg, data, 1, 2);
    iceberg.newRowDelta().addDeletes(replaced).commit();
    DeleteFile equality = equalityDelete(iceberg, 50);
    iceberg.newRowDelta().addDeletes(equality).commit();
    // As a compaction of delete files would: the first position delete file replaced by another.
    DeleteFile replacement = IcebergWrites.writePositionDeletes(iceberg, data, 3);
    iceberg.newRowDelta().removeDeletes(replaced).addDeletes(replacement).commit();
    List<Map<String, Object>> rows = Interop.icebergRows(iceberg, null);
    assertThat(rows).extracting(r -> r.get("id")).containsExactly(0L, 1L, 2L, 4L, 6L, 7L, 8L, 9L);

    dev.datashard.Table table = local.shard().loadTable("t");
    SnapshotExpiry.Result result = table.expireSnapshots(System.currentTimeMillis() + 1, 1);
    assertThat(result.expiredSnapshotIds()).hasSize(3);
    assertThat(result.deletedDeleteFiles()).isEqualTo(1);
    assertThat(result.deletedDataFiles()).isZero();
    assertThat(exists(replaced.location())).isFalse();
    assertThat(exists(replacement.location())).isTrue();
    assertThat(exists(equality.location())).isTrue();
    Interop.assertSameRows(Interop.datashardRows(table.refresh().newScan()), rows);
    Interop.assertSameRows(Interop.icebergRows(Interop.icebergTable(iceberg.location()), null), rows);
  }

  @Test
  void wholeFileDeletesKeepTheDeleteFiles() {
    Table iceberg = create("t");
    DataFile first = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(0, 10, "a"));
    DataFile second = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(10, 20, "b"));
    iceberg.newAppend().appendFile(first).appendFile(second).commit();
    iceberg.newRowDelta().addDeletes(IcebergWrites.writePositionDeletes(iceberg, second, 0, 9))
        .addDeletes(equalityDelete(iceberg, 150)).commit();

    dev.datashard.Table table = local.shard().loadTable("t");
    table.deleteFiles(List.of(first.location()));
    Table reloaded = Interop.icebergTable(iceberg.location());
    assertThat(reloaded.currentSnapshot().summary()).containsEntry("total-delete-files", "2")
        .containsEntry("total-data-files", "1");
    List<Map<String, Object>> rows = Interop.icebergRows(reloaded, null);
    assertThat(rows).extracting(r -> r.get("id")).containsExactly(11L, 12L, 13L, 14L, 16L, 17L, 18L);
    Interop.assertSameRows(Interop.datashardRows(table.refresh().newScan()), rows);
  }

  /**
   * A copy takes equality delete files as they are and rewrites position delete files, which name
   * data files by location, to name the copied files: Iceberg reads the copy's every snapshot as
   * the source's, and so does DataShard; the source keeps its own files.
   */
  @Test
  void copiesTakeEqualityDeletesAndRewritePositionDeletesToNameTheCopiedFiles() {
    Table iceberg = create("t");
    DataFile first = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(0, 10, "a"));
    DataFile second = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(10, 20, "b"));
    iceberg.newAppend().appendFile(first).appendFile(second).commit();
    iceberg.newRowDelta().addDeletes(equalityDelete(iceberg, 30)).commit();
    // One position delete file for both data files (no referenced_data_file), one for one file.
    DeleteFile both = IcebergWrites.writePositionDeletes(iceberg,
        List.of(Map.entry(first.location(), 0L), Map.entry(second.location(), 5L), Map.entry(second.location(), 6L)));
    iceberg.newRowDelta().addDeletes(both).commit();
    iceberg.newRowDelta().addDeletes(IcebergWrites.writePositionDeletes(iceberg, first, 9)).commit();
    // And DataShard's own (merge-on-read, with referenced_data_file).
    dev.datashard.Table source = local.shard().loadTable("t");
    source.setProperties(Map.of("write.delete.mode", "merge-on-read"));
    source.newDelete().where(dev.datashard.Expression.parse("id = 12")).commit();
    iceberg.refresh();
    assertThat(Interop.icebergRows(iceberg, null)).extracting(r -> r.get("id"))
        .containsExactly(1L, 2L, 4L, 5L, 6L, 7L, 8L, 10L, 11L, 13L, 14L, 17L, 18L, 19L);

    var copied = local.shard().copyTable("t", local.shard(), "copy");
    assertThat(copied.deleteFiles()).isEqualTo(4);
    Table icebergCopy = Interop.icebergTable(local.warehouse().resolve("copy").toString());
    dev.datashard.Table copy = local.shard().loadTable("copy");
    assertThat(icebergCopy.snapshots()).hasSameSizeAs(iceberg.snapshots());
    for (org.apache.iceberg.Snapshot snapshot : iceberg.snapshots()) {
      List<Map<String, Object>> rows = Interop.icebergRows(iceberg, snapshot.snapshotId());
      Interop.assertSameRows(Interop.icebergRows(icebergCopy, snapshot.snapshotId()), rows);
      Interop.assertSameRows(Interop.datashardRows(copy.newScan().useSnapshot(snapshot.snapshotId())), rows);
    }
    Location copyLocation = Location.of(copy.location());
    assertThat(icebergCopy.currentSnapshot().deleteManifests(icebergCopy.io())).isNotEmpty();
    for (var manifest : icebergCopy.currentSnapshot().deleteManifests(icebergCopy.io())) {
      try (var deletes = org.apache.iceberg.ManifestFiles.readDeleteManifest(manifest, icebergCopy.io(), null)) {
        for (DeleteFile delete : deletes) {
          assertThat(Location.of(delete.location()).isBelow(copyLocation)).as(delete.location()).isTrue();
          assertThat(Files.size(Location.of(delete.location()).localPath())).isEqualTo(delete.fileSizeInBytes());
          if (delete.referencedDataFile() != null) {
            assertThat(Location.of(delete.referencedDataFile()).isBelow(copyLocation)).isTrue();
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    assertThat(exists(both.location())).as("the source's own delete file").isTrue();
    Interop.assertSameRows(Interop.datashardRows(source.refresh().newScan()), Interop.icebergRows(iceberg, null));
  }
}
