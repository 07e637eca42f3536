package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.io.local.LocalStorage;
import dev.datashard.metadata.DeleteEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.TableMetadataJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Delete manifests both ways: DataShard reads the position and equality delete entries Iceberg
 * wrote, and Iceberg reads the delete manifests and manifest list DataShard writes from them.
 */
class DeleteManifestsTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  /** Per delete file (by location): what Iceberg's manifest reader says of it. */
  private static Map<String, String> icebergDeletes(Table table) {
    Map<String, String> deletes = new TreeMap<>();
    for (org.apache.iceberg.ManifestFile manifest : table.currentSnapshot().deleteManifests(table.io())) {
      try (ManifestReader<DeleteFile> reader = ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
        for (DeleteFile file : reader) {
          deletes.put(file.location(), file.content() + " seq=" + file.dataSequenceNumber()
              + " fileSeq=" + file.fileSequenceNumber() + " spec=" + file.specId() + " records=" + file.recordCount()
              + " size=" + file.fileSizeInBytes() + " eq=" + orEmpty(file.equalityFieldIds()) + " partition="
              + (file.partition().size() == 0 ? "[]" : "[" + file.partition().get(0, String.class) + "]")
              + " ref=" + file.referencedDataFile() + " nulls=" + orEmpty(file.nullValueCounts()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return deletes;
  }

  private static Object orEmpty(Object value) {
    return value == null ? "[]" : value instanceof Map<?, ?> map ? new TreeMap<>(map) : value;
  }

  /** The same description from DataShard's reading of the snapshot's delete manifests. */
  private static Map<String, String> dataShardDeletes(Table table, List<ManifestFile> manifests) throws IOException {
    Map<String, String> deletes = new TreeMap<>();
    for (ManifestFile manifest : manifests) {
      if (manifest.content() != ManifestFile.Content.DELETES) {
        continue;
      }
      for (DeleteEntry entry : Manifests.readDeleteManifest(read(manifest.path()), manifest.path())) {
        dev.datashard.metadata.DeleteFile file = entry.file();
        String partition = file.partition().size() == 0 ? "[]"
            : "[" + new String((byte[]) file.partition().get(0), StandardCharsets.UTF_8) + "]";
        deletes.put(file.location(), file.content() + " seq=" + entry.dataSequenceNumber(manifest)
            + " fileSeq=" + (entry.fileSequenceNumber() != null ? entry.fileSequenceNumber() : manifest.sequenceNumber())
            + " spec=" + manifest.specId() + " records=" + file.recordCount() + " size=" + file.fileSizeBytes()
            + " eq=" + file.equalityFieldIds() + " partition=" + partition + " ref=" + file.referencedDataFile()
            + " nulls=" + (file.nullValueCounts().isEmpty() ? "[]" : new TreeMap<>(file.nullValueCounts())));
      }
    }
    return deletes;
  }

  private static byte[] read(String location) throws IOException {
    return Files.readAllBytes(dev.datashard.io.Location.of(location).localPath());
  }

  private static Table tableWithDeletes(String location) {
    Table iceberg = IcebergWrites.create(location, IcebergSchemas.events(), PartitionSpec.unpartitioned());
    iceberg.updateSpec().addField("category").commit();
    DataFile a = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(0, 10, "a"));
    DataFile b = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(10, 20, "b"));
    iceberg.newAppend().appendFile(a).appendFile(b).commit();
    PartitionSpec unpartitioned = iceberg.specs().get(0);
    iceberg.newRowDelta()
        .addDeletes(IcebergWrites.writePositionDeletes(iceberg, a, 1, 4))
        .addDeletes(IcebergWrites.writeEqualityDeletes(iceberg, iceberg.spec(), List.of("id", "category"),
            List.of(Map.of("id", 12L, "category", "b"))))
        .commit();
    iceberg.newRowDelta()
        .addDeletes(IcebergWrites.writeEqualityDeletes(iceberg, unpartitioned, List.of("value"),
            List.of(Map.of("value", 70), new java.util.HashMap<>())))
        .commit();
    return iceberg;
  }

  @Test
  void deleteEntriesIcebergWroteReadAsIcebergReadsThem() throws IOException {
    Table iceberg = tableWithDeletes(LocalStorage.locationOf(local.warehouse().resolve("t")));
    List<ManifestFile> manifests = Manifests.readManifestList(read(iceberg.currentSnapshot().manifestListLocation()),
        iceberg.currentSnapshot().manifestListLocation());
    assertThat(manifests).filteredOn(m -> m.content() == ManifestFile.Content.DELETES).hasSize(2);

    Map<String, String> expected = icebergDeletes(iceberg);
    assertThat(expected).hasSize(3);
    assertThat(expected.values()).anySatisfy(d -> assertThat(d).startsWith("POSITION_DELETES seq=2"))
        .anySatisfy(d -> assertThat(d).startsWith("EQUALITY_DELETES seq=3").contains("spec=0", "eq=[3]"));
    assertThat(dataShardDeletes(iceberg, manifests)).isEqualTo(expected);
  }

  /**
   * DataShard rewrites every delete manifest of the current snapshot and its manifest list (in
   * place): Iceberg then reads the same delete files and the same rows.
   */
  @Test
  void deleteManifestsDataShardWritesAreReadByIceberg() throws IOException {
    Table iceberg = tableWithDeletes(LocalStorage.locationOf(local.warehouse().resolve("t")));
    List<Map<String, Object>> rowsBefore = Interop.icebergRows(iceberg, null);
    assertThat(rowsBefore).hasSize(20 - 2 - 1 - 1);
    Map<String, String> deletesBefore = icebergDeletes(iceberg);

    dev.datashard.Table table = local.shard().loadTable("t");
    TableMetadata metadata = TableMetadataJson.parse(new String(read(table.metadataFile()), StandardCharsets.UTF_8),
        table.metadataFile());
    String listLocation = iceberg.currentSnapshot().manifestListLocation();
    List<ManifestFile> rewritten = new ArrayList<>();
    for (ManifestFile manifest : Manifests.readManifestList(read(listLocation), listLocation)) {
      if (manifest.content() == ManifestFile.Content.DATA) {
        rewritten.add(manifest);
        continue;
      }
      List<DeleteEntry> entries = Manifests.readDeleteManifest(read(manifest.path()), manifest.path());
      byte[] content = Manifests.writeDeleteManifest(table.schema(), metadata.spec(manifest.specId()), entries);
      Path copy = dev.datashard.io.Location.of(manifest.path()).localPath().resolveSibling("ds-" + rewritten.size() + ".avro");
      Files.write(copy, content);
      rewritten.add(new ManifestFile(LocalStorage.locationOf(copy), content.length, manifest.specId(),
          manifest.content(), manifest.sequenceNumber(), manifest.minSequenceNumber(), manifest.addedSnapshotId(),
          manifest.addedFilesCount(), manifest.existingFilesCount(), manifest.deletedFilesCount(),
          manifest.addedRowsCount(), manifest.existingRowsCount(), manifest.deletedRowsCount(),
          manifest.partitions(), manifest.keyMetadata()));
    }
    org.apache.iceberg.Snapshot snapshot = iceberg.currentSnapshot();
    Path list = dev.datashard.io.Location.of(listLocation).localPath();
    Files.write(list, Manifests.writeManifestList(snapshot.snapshotId(), snapshot.parentId(),
        snapshot.sequenceNumber(), rewritten));
    Files.deleteIfExists(list.resolveSibling("." + list.getFileName() + ".crc")); // Hadoop's checksum of the old bytes

    Table reloaded = Interop.icebergTable(iceberg.location());
    assertThat(reloaded.currentSnapshot().deleteManifests(reloaded.io()))
        .allSatisfy(m -> assertThat(m.path()).contains("/ds-"));
    assertThat(icebergDeletes(reloaded)).isEqualTo(deletesBefore);
    assertThat(Interop.icebergRows(reloaded, null)).isEqualTo(rowsBefore);
  }
}
