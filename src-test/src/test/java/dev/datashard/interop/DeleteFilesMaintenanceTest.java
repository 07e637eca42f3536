package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.DataShardException;
import dev.datashard.commit.SnapshotExpiry;
import dev.datashard.io.Location;
import dev.datashard.io.local.LocalStorage;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Test
  void copiesTakeEqualityDeletesAndRefusePositionDeletes() {
    Table iceberg = create("t");
    DataFile data = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(0, 10, "a"));
    iceberg.newAppend().appendFile(data).commit();
    DeleteFile equality = equalityDelete(iceberg, 30);
    iceberg.newRowDelta().addDeletes(equality).commit();
    List<Map<String, Object>> rows = Interop.icebergRows(iceberg, null);

    var copied = local.shard().copyTable("t", local.shard(), "copy");
    assertThat(copied.deleteFiles()).isEqualTo(1);
    Path copy = local.warehouse().resolve("copy");
    Interop.assertSameRows(Interop.datashardRows(local.shard().loadTable("copy").newScan()), rows);
    Interop.assertSameRows(Interop.icebergRows(Interop.icebergTable(copy.toString()), null), rows);

    iceberg.newRowDelta().addDeletes(IcebergWrites.writePositionDeletes(iceberg, data, 0)).commit();
    assertThatThrownBy(() -> local.shard().copyTable("t", local.shard(), "copy2"))
        .isInstanceOf(DataShardException.class).hasMessageContaining("position delete files");
    assertThat(local.warehouse().resolve("copy2")).doesNotExist();
  }
}
