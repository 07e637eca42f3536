package dev.datashard.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.DeleteEntry;
import dev.datashard.metadata.DeleteFile;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.partition.PartitionKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scan planning rules of the spec, one at a time: which delete files apply to a data file. */
class DeleteIndexTest {
  private static final int UNPARTITIONED = 0;
  private static final int BY_CATEGORY = 1;

  private static PartitionKey partition(String category) {
    return new PartitionKey(List.of(category.getBytes(StandardCharsets.UTF_8)));
  }

  private static DataFile data(String location, PartitionKey partition) {
    return new DataFile(location, "PARQUET", 10, 100, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
        partition);
  }

  private static DeleteFile positions(String location, PartitionKey partition, String referenced) {
    return new DeleteFile(location, "PARQUET", DeleteFile.Content.POSITION_DELETES, 1, 100, List.of(), Map.of(),
        Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), partition, referenced);
  }

  private static DeleteFile equality(String location, PartitionKey partition) {
    return new DeleteFile(location, "PARQUET", DeleteFile.Content.EQUALITY_DELETES, 1, 100, List.of(3), Map.of(),
        Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), partition, null);
  }

  /** A delete manifest of spec {@code specId} written at sequence number {@code sequence}, its entries inheriting it. */
  private static ManifestFile manifest(int specId, long sequence) {
    return new ManifestFile("/t/metadata/m" + sequence + ".avro", 1, specId, ManifestFile.Content.DELETES, sequence,
        sequence, 1, 1, 0, 0, 1, 0, 0, null, null);
  }

  private static DeleteEntry added(DeleteFile file) {
    return new DeleteEntry(ManifestEntry.Status.ADDED, null, null, null, file);
  }

  private static DeleteIndex index(Object... manifestsAndFiles) {
    DeleteIndex.Builder builder = new DeleteIndex.Builder(specId -> specId == UNPARTITIONED);
    for (int i = 0; i < manifestsAndFiles.length; i += 2) {
      builder.add((ManifestFile) manifestsAndFiles[i], List.of(added((DeleteFile) manifestsAndFiles[i + 1])));
    }
    return builder.build();
  }

  @Test
  void positionDeletesApplyToFilesOfTheirPartitionUpToTheirOwnSequenceNumber() {
    DeleteFile deletes = positions("/t/d/pos.parquet", partition("a"), null);
    DeleteIndex index = index(manifest(BY_CATEGORY, 5), deletes);
    DataFile file = data("/t/d/a.parquet", partition("a"));
    assertThat(index.forDataFile(file, BY_CATEGORY, 4)).containsExactly(deletes);
    assertThat(index.forDataFile(file, BY_CATEGORY, 5)).containsExactly(deletes); // the same commit
    assertThat(index.forDataFile(file, BY_CATEGORY, 6)).isEmpty();
    assertThat(index.forDataFile(data("/t/d/b.parquet", partition("b")), BY_CATEGORY, 4)).isEmpty();
    // A position delete of an unpartitioned spec is no global delete.
    assertThat(index(manifest(UNPARTITIONED, 5), positions("/t/d/p.parquet", PartitionKey.UNPARTITIONED, null))
        .forDataFile(file, BY_CATEGORY, 4)).isEmpty();
  }

  @Test
  void aReferencedDataFileLimitsPositionDeletesToItWhateverItsSpelling() {
    DeleteFile deletes = positions("/t/d/pos.parquet", partition("a"), "file:/t/d/a.parquet");
    DeleteIndex index = index(manifest(BY_CATEGORY, 5), deletes);
    assertThat(index.forDataFile(data("/t/d/a.parquet", partition("a")), BY_CATEGORY, 4)).containsExactly(deletes);
    assertThat(index.forDataFile(data("file:///t/d/a.parquet", partition("a")), BY_CATEGORY, 4)).containsExactly(deletes);
    assertThat(index.forDataFile(data("/t/d/other.parquet", partition("a")), BY_CATEGORY, 4)).isEmpty();
  }

  @Test
  void equalityDeletesApplyToStrictlyOlderFilesOfTheirPartitionOrAllWhenGlobal() {
    DeleteFile scoped = equality("/t/d/eq-a.parquet", partition("a"));
    DeleteFile global = equality("/t/d/eq.parquet", PartitionKey.UNPARTITIONED);
    DeleteIndex index = index(manifest(BY_CATEGORY, 5), scoped, manifest(UNPARTITIONED, 7), global);
    DataFile a = data("/t/d/a.parquet", partition("a"));
    DataFile b = data("/t/d/b.parquet", partition("b"));
    assertThat(index.forDataFile(a, BY_CATEGORY, 4)).containsExactly(scoped, global);
    assertThat(index.forDataFile(a, BY_CATEGORY, 5)).containsExactly(global); // the same commit: not deleted
    assertThat(index.forDataFile(b, BY_CATEGORY, 4)).containsExactly(global);
    assertThat(index.forDataFile(data("/t/d/old.parquet", PartitionKey.UNPARTITIONED), UNPARTITIONED, 6))
        .containsExactly(global);
    assertThat(index.forDataFile(a, BY_CATEGORY, 7)).isEmpty();
  }

  @Test
  void deletedEntriesAndExplicitSequenceNumbersCount() {
    DeleteFile gone = equality("/t/d/gone.parquet", PartitionKey.UNPARTITIONED);
    DeleteFile kept = equality("/t/d/kept.parquet", PartitionKey.UNPARTITIONED);
    DeleteIndex index = new DeleteIndex.Builder(specId -> true).add(manifest(UNPARTITIONED, 9), List.of(
        new DeleteEntry(ManifestEntry.Status.DELETED, 1L, 3L, 3L, gone),
        new DeleteEntry(ManifestEntry.Status.EXISTING, 1L, 3L, 3L, kept))).build();
    DataFile file = data("/t/d/a.parquet", PartitionKey.UNPARTITIONED);
    assertThat(index.forDataFile(file, UNPARTITIONED, 2)).containsExactly(kept);
    assertThat(index.forDataFile(file, UNPARTITIONED, 3)).isEmpty(); // 3 is the entry's, not the manifest's 9
  }
}
