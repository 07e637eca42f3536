package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datashard.metadata.Json;
import dev.datashard.partition.PartitionSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PartitionedTableTest {
  static final Schema EVENTS = Schema.fromJson("""
      {"fields": [{"id": 1, "name": "user_id", "type": "long", "required": true},
      {"id": 2, "name": "ts", "type": "timestamp", "required": false},
      {"id": 3, "name": "region", "type": "string", "required": false}]}""");

  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();

  @Test
  void createWritesTheSpecIntoTheMetadata() throws IOException {
    Table table = warehouse.shard().createTable("events", EVENTS, "day(ts), bucket(16, user_id)", Map.of());
    PartitionSpec spec = table.partitionSpec();
    assertThat(spec.specId()).isZero();
    assertThat(spec.fields()).extracting(f -> f.fieldId() + " " + f.name() + " " + f.transform() + " " + f.sourceId())
        .containsExactly("1000 ts_day day 2", "1001 user_id_bucket bucket[16] 1");
    JsonNode metadata = newestMetadata(table);
    assertThat(metadata.get("last-partition-id").asInt()).isEqualTo(1001);
    assertThat(metadata.get("default-spec-id").asInt()).isZero();
    assertThat(metadata.get("partition-specs")).hasSize(1);
    assertThat(PartitionSpec.fromJson(EVENTS, metadata.get("partition-specs").get(0))).isEqualTo(spec);
  }

  @Test
  void unpartitionedCreateKeepsAnEmptySpec() throws IOException {
    Table table = warehouse.shard().createTable("plain", EVENTS);
    assertThat(table.partitionSpec().isPartitioned()).isFalse();
    assertThat(newestMetadata(table).get("last-partition-id").asInt()).isEqualTo(999);
  }

  @Test
  void badSpecsAreClearErrorsAndCreateNothing() {
    DataShard shard = warehouse.shard();
    assertThatThrownBy(() -> shard.createTable("t", EVENTS, "day(nope)", Map.of()))
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> shard.createTable("t", EVENTS, "day(region)", Map.of()))
        .hasMessageContaining("region").hasMessageContaining("string");
    assertThat(shard.tableExists("t")).isFalse();
  }

  static JsonNode newestMetadata(Table table) throws IOException {
    Path metadata = Path.of(table.location().replaceFirst("^file:", ""), "metadata");
    try (Stream<Path> files = Files.list(metadata)) {
      Path newest = files.filter(p -> p.toString().endsWith(".metadata.json")).sorted().reduce((a, b) -> b)
          .orElseThrow();
      return Json.parse(Files.readString(newest), newest.toString());
    }
  }
}
