package dev.datashard.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.DataShardException;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.partition.PartitionKey;
import dev.datashard.partition.PartitionSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Delete manifests written and read back: what Iceberg's side checks in src-test, and what it cannot make. */
class DeleteManifestTest {
  private static final Schema SCHEMA = new Schema(0, List.of(Field.required(1, "id", Type.Primitive.LONG),
      Field.optional(2, "name", Type.Primitive.STRING)));

  private static DeleteFile file(String location, String format, DeleteFile.Content content, List<Integer> ids,
      String referenced) {
    return new DeleteFile(location, format, content, 3, 400, ids, Map.of(1, 8L), Map.of(1, 3L), Map.of(1, 0L),
        Map.of(), Map.of(1, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}), Map.of(1, new byte[] {9, 0, 0, 0, 0, 0, 0, 0}),
        PartitionKey.UNPARTITIONED, referenced);
  }

  @Test
  void entriesRoundTrip() {
    List<DeleteEntry> entries = List.of(
        new DeleteEntry(ManifestEntry.Status.ADDED, null, null, null, file("/t/d/p.parquet", "PARQUET",
            DeleteFile.Content.POSITION_DELETES, List.of(), "/t/d/a.parquet")),
        new DeleteEntry(ManifestEntry.Status.EXISTING, 7L, 2L, 3L, file("/t/d/e.parquet", "PARQUET",
            DeleteFile.Content.EQUALITY_DELETES, List.of(2, 1), null)));
    byte[] written = Manifests.writeDeleteManifest(SCHEMA, PartitionSpec.unpartitioned(SCHEMA), entries);
    List<DeleteEntry> read = Manifests.readDeleteManifest(written, "m.avro");
    assertThat(read).hasSize(2);
    assertThat(read).usingRecursiveFieldByFieldElementComparator().isEqualTo(entries);
    assertThatThrownBy(() -> Manifests.readManifest(written, "m.avro"))
        .isInstanceOf(MalformedMetadataException.class).hasMessageContaining("delete files");
  }

  @Test
  void deletionVectorsAreRefused() {
    byte[] written = Manifests.writeDeleteManifest(SCHEMA, PartitionSpec.unpartitioned(SCHEMA), List.of(
        new DeleteEntry(ManifestEntry.Status.ADDED, null, null, null, file("/t/d/dv.puffin", "PUFFIN",
            DeleteFile.Content.POSITION_DELETES, List.of(), "/t/d/a.parquet"))));
    assertThatThrownBy(() -> Manifests.readDeleteManifest(written, "m.avro")).isInstanceOf(DataShardException.class)
        .hasMessageContaining("deletion vectors").hasMessageContaining("/t/d/dv.puffin");
  }

  @Test
  void anEqualityDeleteNeedsColumnsAndAPositionDeleteHasNone() {
    assertThatThrownBy(() -> file("/t/d/e.parquet", "PARQUET", DeleteFile.Content.EQUALITY_DELETES, List.of(), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/t/d/e.parquet");
    assertThatThrownBy(() -> file("/t/d/p.parquet", "PARQUET", DeleteFile.Content.POSITION_DELETES, List.of(1), null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
