package dev.datashard.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.DataShard;
import dev.datashard.Schema;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged metadata must never read as a smaller (or empty) table: it is refused, naming the file. */
class TableMetadataJsonTest {
  @TempDir Path warehouse;

  @Test
  void metadataThatWouldReadAsAnEmptyTableIsRefused() throws Exception {
    String valid;
    try (DataShard shard = DataShard.open(StorageConfig.local(warehouse))) {
      Table table = shard.createTable("t", Schema.fromJson(
          "{\"schema_id\": 0, \"fields\": [{\"id\": 1, \"name\": \"id\", \"type\": \"long\", \"required\": true}]}"));
      table.appendRecords(List.of(Map.of("id", 1L)));
      valid = Files.readString(warehouse.resolve("t/metadata/v2.metadata.json"));
    }
    assertThat(TableMetadataJson.parse(valid, "v2").currentSnapshot()).isPresent();
    Map<String, String> damages = Map.of(
        "\"snapshots\" must be an array", valid.replace("\"snapshots\":[", "\"snapshots\":7,\"x\":["),
        "names no snapshot", valid.replaceFirst("\"current-snapshot-id\":-?\\d+", "\"current-snapshot-id\":12345"),
        "\"current-snapshot-id\" must be an integer",
        valid.replaceFirst("\"current-snapshot-id\":-?\\d+", "\"current-snapshot-id\":\"x\""),
        "names no schema", valid.replaceFirst("\"current-schema-id\":0", "\"current-schema-id\":7"),
        "\"metadata-log\" must be an array", valid.replace("\"metadata-log\":[", "\"metadata-log\":{},\"x\":["),
        "\"properties\" must be an object", valid.replaceFirst("\"properties\":\\{}", "\"properties\":[1]"));
    damages.forEach((problem, json) -> {
      assertThat(json).isNotEqualTo(valid);
      assertThatThrownBy(() -> TableMetadataJson.parse(json, "file:///t/metadata/v2.metadata.json"))
          .isInstanceOf(MalformedMetadataException.class)
          .hasMessageContaining("file:///t/metadata/v2.metadata.json").hasMessageContaining(problem);
    });
  }
}
