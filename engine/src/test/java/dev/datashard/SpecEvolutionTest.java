package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datashard.io.local.LocalStorage;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.partition.PartitionSpec;
import dev.datashard.plan.PlanStatistics;
import java.io.IOException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Partition spec evolution: ids as Iceberg assigns them, old files keep their spec, scans and pruning handle both. */
class SpecEvolutionTest {
  private RacingStorage store;
  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse(
      root -> store = new RacingStorage(new LocalStorage(root, false)));

  /** Rows of a month of 2026, days 1 to 28, regions r0-r2. */
  private static List<Map<String, Object>> month(int month, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("user_id", (long) month * 10_000 + i);
      row.put("ts", LocalDateTime.of(2026, month, 1 + i % 28, i % 24, 0));
      row.put("region", "r" + i % 3);
      rows.add(row);
    }
    return rows;
  }

  private static List<String> fields(PartitionSpec spec) {
    return spec.fields().stream().map(f -> f.fieldId() + " " + f.name() + " " + f.transform()).toList();
  }

  @Test
  void newDataUsesTheNewSpecAndOldFilesKeepTheirs() throws IOException {
    Table table = warehouse.shard().createTable("events", PartitionedTableTest.EVENTS, "day(ts)", Map.of());
    Table plain = warehouse.shard().createTable("plain", PartitionedTableTest.EVENTS);
    table.appendRecords(month(1, 56));
    plain.appendRecords(month(1, 56));

    PartitionSpec monthly = table.updateSpec("month(ts), region");
    assertThat(monthly.specId()).isEqualTo(1);
    assertThat(fields(monthly)).containsExactly("1001 ts_month month", "1002 region identity");
    JsonNode metadata = PartitionedTableTest.newestMetadata(table);
    assertThat(metadata.get("default-spec-id").asInt()).isEqualTo(1);
    assertThat(metadata.get("last-partition-id").asInt()).isEqualTo(1002);
    assertThat(metadata.get("partition-specs")).hasSize(2);

    table.appendRecords(month(2, 30));
    plain.appendRecords(month(2, 30));
    List<ManifestFile> manifests = table.operations().manifests(table.currentSnapshot().orElseThrow());
    assertThat(manifests).extracting(ManifestFile::specId).containsExactly(1, 0);
    List<DataFile> files = table.newScan().files();
    assertThat(files).filteredOn(f -> f.location().contains("/ts_month=2026-02/region=")).hasSize(3);
    assertThat(files).filteredOn(f -> f.location().contains("/ts_day=2026-01-")).hasSize(28);

    // Each manifest is pruned by its own spec, and no matching row is lost in either.
    PlanStatistics january5 = table.newScan()
        .filter(Expression.parse("ts >= '2026-01-05T00:00:00' and ts < '2026-01-06T00:00:00'")).plan().statistics();
    assertThat(january5.manifestsRead()).isEqualTo(1);
    assertThat(january5.partitionMatches()).isEqualTo(1);
    PlanStatistics februaryR1 = table.newScan()
        .filter(Expression.parse("ts >= '2026-02-10T00:00:00' and region = 'r1'")).plan().statistics();
    assertThat(februaryR1.manifestsRead()).isEqualTo(1);
    assertThat(februaryR1.partitionMatches()).isEqualTo(1);
    for (String filter : List.of("ts >= '2026-01-27T00:00:00'", "region = 'r2'", "ts < '2026-02-02T00:00:00'",
        "region != 'r0' and ts > '2026-01-20T00:00:00'", "user_id > 10020")) {
      assertThat(userIds(table, filter)).as(filter).isEqualTo(userIds(plain, filter)).isNotEmpty();
    }

    // Back to the first spec: its id and field id are reused, last-partition-id stays.
    PartitionSpec daily = table.updateSpec("day(ts)");
    assertThat(daily.specId()).isZero();
    assertThat(fields(daily)).containsExactly("1000 ts_day day");
    // Unpartitioned: a new spec without fields; asked again, no new version.
    PartitionSpec none = table.updateSpec("");
    assertThat(none.specId()).isEqualTo(2);
    assertThat(none.isPartitioned()).isFalse();
    String version = table.metadataFile();
    assertThat(table.updateSpec(" ").specId()).isEqualTo(2);
    assertThat(table.metadataFile()).isEqualTo(version);
    metadata = PartitionedTableTest.newestMetadata(table);
    assertThat(metadata.get("last-partition-id").asInt()).isEqualTo(1002);
    assertThat(metadata.get("partition-specs")).hasSize(3);

    table.appendRecords(month(3, 10));
    plain.appendRecords(month(3, 10));
    assertThat(table.newScan().toRecords()).hasSize(96);
    assertThat(userIds(table, "ts >= '2026-02-27T00:00:00'")).isEqualTo(userIds(plain, "ts >= '2026-02-27T00:00:00'"));
    // A field added beside a kept one takes the next id after last-partition-id.
    assertThat(fields(table.updateSpec("day(ts), bucket(4, user_id)")))
        .containsExactly("1000 ts_day day", "1003 user_id_bucket_4 bucket[4]");
  }

  @Test
  void badSpecsAreClearErrorsAndLeaveTheTableUnchanged() {
    Table table = warehouse.shard().createTable("events", PartitionedTableTest.EVENTS, "day(ts)", Map.of());
    String version = table.metadataFile();
    assertThatThrownBy(() -> table.updateSpec("month(nope)")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> table.updateSpec("day(region)")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("region").hasMessageContaining("string");
    assertThatThrownBy(() -> table.updateSpec("region, bucket(4, user_id) as region"))
        .isInstanceOf(ValidationException.class).hasMessageContaining("region");
    assertThat(table.refresh().metadataFile()).isEqualTo(version);
    assertThat(table.partitionSpec().specId()).isZero();
  }

  @Test
  void anAppendRacingASpecChangeFailsWithAConflict() {
    Table table = warehouse.shard().createTable("events", PartitionedTableTest.EVENTS, "day(ts)", Map.of());
    store.beforeNextPublish(() -> {
      try (DataShard other = warehouse.openAnother()) {
        other.loadTable("events").updateSpec("month(ts)");
      }
    });
    assertThatThrownBy(() -> table.appendRecords(month(1, 5))).isInstanceOf(CommitFailedException.class)
        .hasMessageContaining("partition spec").hasMessageContaining("changed");
    table.refresh().appendRecords(month(1, 5));
    assertThat(table.newScan().files()).allMatch(f -> f.location().contains("/ts_month=2026-01/"));
  }

  @Test
  void aSpecChangeThatLosesARaceIsAppliedOnTheWinnersVersion() {
    Table table = warehouse.shard().createTable("events", PartitionedTableTest.EVENTS, "day(ts)", Map.of());
    store.beforeNextPublish(() -> {
      try (DataShard other = warehouse.openAnother()) {
        other.loadTable("events").updateSpec("day(ts), region");
      }
    });
    PartitionSpec spec = table.updateSpec("day(ts), bucket(8, user_id)");
    assertThat(spec.specId()).isEqualTo(2);
    assertThat(fields(spec)).as("ids continue from the winner's last-partition-id")
        .containsExactly("1000 ts_day day", "1002 user_id_bucket_8 bucket[8]");
  }

  private static Set<Object> userIds(Table table, String filter) {
    return table.newScan().filter(Expression.parse(filter)).toRecords().stream().map(r -> r.get("user_id"))
        .collect(Collectors.toSet());
  }
}
