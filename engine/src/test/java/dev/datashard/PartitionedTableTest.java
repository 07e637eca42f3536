package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datashard.commit.TableOperations;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.Json;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.partition.PartitionKey;
import dev.datashard.partition.PartitionSpec;
import dev.datashard.partition.PartitionValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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

  /** Rows whose partitions interleave: every partition's rows are spread over the batch. */
  static List<Map<String, Object>> events(int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("user_id", (long) i);
      row.put("ts", i % 7 == 6 ? null : LocalDateTime.of(2026, 1, 1 + i % 3, i % 24, 0));
      row.put("region", i % 5 == 4 ? null : "r" + i % 2);
      rows.add(row);
    }
    return rows;
  }

  @Test
  void appendsWriteOneFilePerPartitionWithItsTuple() {
    Table table = warehouse.shard().createTable("events", EVENTS, "day(ts), region", Map.of());
    List<Map<String, Object>> rows = events(500);
    table.appendRecords(rows);

    PartitionSpec spec = table.partitionSpec();
    Map<PartitionKey, Long> expected = new HashMap<>();
    for (Map<String, Object> row : rows) {
      expected.merge(keyOf(row), 1L, Long::sum);
    }
    assertThat(expected).hasSize(4 * 3); // days 1-3 and null, regions r0, r1 and null
    List<DataFile> files = table.newScan().files();
    assertThat(files).hasSize(expected.size());
    for (DataFile file : files) {
      assertThat(expected).containsEntry(file.partition(), file.recordCount());
      assertThat(file.location()).contains("/data/" + PartitionValues.toPath(spec, file.partition()) + "/");
    }
    assertThat(files.stream().map(DataFile::partition).distinct()).hasSize(expected.size());
    assertThat(files).anySatisfy(file -> assertThat(file.location()).contains("/data/ts_day=2026-01-02/region=r1/"));
    assertThat(table.newScan().toRecords()).hasSize(500)
        .extracting(r -> r.get("user_id")).containsExactlyInAnyOrderElementsOf(rows.stream().map(r -> r.get("user_id")).toList());
    assertThat(table.currentSnapshot().orElseThrow().summary())
        .containsEntry("changed-partition-count", Integer.toString(expected.size()))
        .containsEntry("added-data-files", Integer.toString(expected.size()));
  }

  @Test
  void manifestListSummarizesThePartitionTuples() {
    Table table = warehouse.shard().createTable("events", EVENTS, "day(ts), region", Map.of());
    table.appendRecords(events(50));
    table.appendRecords(List.of(Map.of("user_id", 1000L, "ts", LocalDateTime.of(2026, 3, 1, 0, 0), "region", "r9")));
    TableOperations ops = table.operations();
    List<ManifestFile> manifests = ops.manifests(table.currentSnapshot().orElseThrow());
    assertThat(manifests).hasSize(2);
    ManifestFile newest = manifests.get(0);
    ManifestFile.PartitionSummary day = newest.partitions().get(0);
    assertThat(day.containsNull()).isFalse();
    assertThat(day.containsNan()).isFalse();
    int march1 = (int) LocalDate.of(2026, 3, 1).toEpochDay();
    assertThat(day.lowerBound()).isEqualTo(littleEndianInt(march1)).isEqualTo(day.upperBound());
    ManifestFile.PartitionSummary firstDays = manifests.get(1).partitions().get(0);
    assertThat(firstDays.containsNull()).isTrue();
    assertThat(firstDays.lowerBound()).isEqualTo(littleEndianInt((int) LocalDate.of(2026, 1, 1).toEpochDay()));
    assertThat(firstDays.upperBound()).isEqualTo(littleEndianInt((int) LocalDate.of(2026, 1, 3).toEpochDay()));
    ManifestFile.PartitionSummary regions = manifests.get(1).partitions().get(1);
    assertThat(regions.containsNull()).isTrue();
    assertThat(new String(regions.lowerBound(), StandardCharsets.UTF_8)).isEqualTo("r0");
    assertThat(new String(regions.upperBound(), StandardCharsets.UTF_8)).isEqualTo("r1");
    // The manifest entries hold the tuples: read back, they are the files' partitions.
    List<ManifestEntry> entries = Manifests.readManifest(ops.readMetadataFile(newest.path()), newest.path());
    assertThat(entries).singleElement().satisfies(entry -> assertThat(entry.file().partition())
        .isEqualTo(new PartitionKey(Arrays.asList(march1, "r9".getBytes(StandardCharsets.UTF_8)))));
  }

  @Test
  void manifestMergeKeepsPartitionTuples() {
    Table table = warehouse.shard().createTable("events", EVENTS, "day(ts), region",
        Map.of("commit.manifest.min-count-to-merge", "3"));
    for (int i = 0; i < 4; i++) {
      table.appendRecords(events(20));
    }
    List<DataFile> files = table.newScan().files();
    Map<PartitionKey, Long> expected = new HashMap<>();
    for (Map<String, Object> row : events(20)) {
      expected.merge(keyOf(row), 4L, Long::sum);
    }
    Map<PartitionKey, Long> counted = new HashMap<>();
    files.forEach(file -> counted.merge(file.partition(), file.recordCount(), Long::sum));
    assertThat(counted).isEqualTo(expected);
    assertThat(table.operations().manifests(table.currentSnapshot().orElseThrow())).hasSizeLessThan(4);
  }

  @Test
  void openFilesAreCappedByFinishingTheLeastRecentlyWritten() {
    Table table = warehouse.shard().createTable("events", EVENTS, "day(ts), region",
        Map.of("write.datashard.max-open-files", "2"));
    List<Map<String, Object>> rows = events(500); // 12 partitions, interleaved row by row
    try (Transaction tx = table.newTransaction()) {
      // Five batches of one append: every batch meets every partition again.
      for (int from = 0; from < 500; from += 100) {
        tx.appendRecords(rows.subList(from, from + 100));
      }
      tx.commit();
    }
    List<DataFile> files = table.newScan().files();
    assertThat(files.size()).as("partitions reopened after their file was finished").isGreaterThan(12);
    Map<PartitionKey, Long> expected = new HashMap<>();
    rows.forEach(row -> expected.merge(keyOf(row), 1L, Long::sum));
    Map<PartitionKey, Long> counted = new HashMap<>();
    files.forEach(file -> counted.merge(file.partition(), file.recordCount(), Long::sum));
    assertThat(counted).isEqualTo(expected);
    assertThat(table.newScan().toRecords()).hasSize(500);
    assertThatThrownBy(() -> table.setProperties(Map.of("write.datashard.max-open-files", "0")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("max-open-files");
  }

  @Test
  void addingExistingFilesToAPartitionedTableIsRefused() {
    Table table = warehouse.shard().createTable("events", EVENTS, "region", Map.of());
    try (Transaction tx = table.newTransaction()) {
      assertThatThrownBy(() -> tx.addFiles(List.of(warehouse.root().resolve("x.parquet").toString())))
          .isInstanceOf(ValidationException.class).hasMessageContaining("partitioned");
    }
  }

  @Test
  void appendsToASpecDataShardCannotWriteAreRefusedNamingIt() throws IOException {
    Table created = warehouse.shard().createTable("events", EVENTS, "day(ts)", Map.of());
    // As another engine with a transform of its own would have written the spec.
    Path metadata = newestMetadataFile(created);
    Files.writeString(metadata, Files.readString(metadata).replace("\"transform\":\"day\"", "\"transform\":\"zorder\""));
    Table table = warehouse.shard().loadTable("events");
    assertThatThrownBy(() -> table.appendRecords(events(3)))
        .isInstanceOf(DataShardException.class)
        .hasMessageContaining("cannot write table").hasMessageContaining("unknown partition transform 'zorder'");
    assertThat(table.newScan().toRecords()).isEmpty();
  }

  private static byte[] littleEndianInt(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }

  /** {@code row}'s partition: its day (days from 1970) and region, each null where the column is. */
  private static PartitionKey keyOf(Map<String, Object> row) {
    LocalDateTime ts = (LocalDateTime) row.get("ts");
    String region = (String) row.get("region");
    return new PartitionKey(Arrays.asList(ts == null ? null : (int) ts.toLocalDate().toEpochDay(),
        region == null ? null : region.getBytes(StandardCharsets.UTF_8)));
  }

  static JsonNode newestMetadata(Table table) throws IOException {
    Path newest = newestMetadataFile(table);
    return Json.parse(Files.readString(newest), newest.toString());
  }

  static Path newestMetadataFile(Table table) throws IOException {
    Path metadata = Path.of(table.location().replaceFirst("^file:", ""), "metadata");
    try (Stream<Path> files = Files.list(metadata)) {
      return files.filter(p -> p.toString().endsWith(".metadata.json")).sorted().reduce((a, b) -> b).orElseThrow();
    }
  }
}
