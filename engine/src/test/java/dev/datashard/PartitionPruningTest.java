package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.plan.PlanStatistics;
import dev.datashard.plan.ScanPlan;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The scan planner's partition pruning: manifests by summaries, files by tuples, never a matching file lost. */
class PartitionPruningTest {
  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();

  /** Rows of day {@code day} of January 2026 (null timestamps and regions mixed in). */
  private static List<Map<String, Object>> day(int day, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("user_id", (long) day * 1000 + i);
      row.put("ts", i % 9 == 8 ? null : LocalDateTime.of(2026, 1, day, i % 24, 0));
      row.put("region", i % 5 == 4 ? null : "r" + i % 3);
      rows.add(row);
    }
    return rows;
  }

  /** A table partitioned by {@code spec} and an unpartitioned copy, both given days 1 to 4, one append a day. */
  private Table[] tables(String spec) {
    Table partitioned = warehouse.shard().createTable("parts", PartitionedTableTest.EVENTS, spec, Map.of());
    Table plain = warehouse.shard().createTable("plain", PartitionedTableTest.EVENTS);
    for (int day = 1; day <= 4; day++) {
      partitioned.appendRecords(day(day, 60));
      plain.appendRecords(day(day, 60));
    }
    return new Table[] {partitioned, plain};
  }

  private static Set<Object> userIds(Table table, String filter) {
    return table.newScan().filter(Expression.parse(filter)).toRecords().stream().map(r -> r.get("user_id"))
        .collect(Collectors.toSet());
  }

  private static final String DAY_2 = "ts >= '2026-01-02T00:00:00' and ts < '2026-01-03T00:00:00'";

  @Test
  void aOneDayQueryReadsOneManifestAndThatDaysFiles() {
    Table table = tables("day(ts), region")[0];
    ScanPlan plan = table.newScan().filter(Expression.parse(DAY_2)).plan();
    PlanStatistics counts = plan.statistics();
    assertThat(counts.manifests()).isEqualTo(4);
    assertThat(counts.manifestsRead()).isEqualTo(1);
    // Day 2's manifest holds regions r0-r2 and null of day 2, and r2 and null of the null day.
    assertThat(counts.liveFiles()).isEqualTo(6);
    assertThat(counts.partitionMatches()).isEqualTo(4);
    assertThat(plan.tasks()).hasSize(4)
        .allSatisfy(task -> assertThat(task.file().location()).contains("ts_day=2026-01-02"));

    // The skipped manifests are not even fetched: with them deleted, the same query still runs.
    Set<String> read = manifestsHolding(table, plan.tasks().stream().map(t -> t.file().location()).toList());
    for (ManifestFile manifest : table.operations().manifests(table.currentSnapshot().orElseThrow())) {
      if (!read.contains(manifest.path())) {
        table.operations().storage().delete(manifest.path());
      }
    }
    long day2Rows = day(2, 60).stream().filter(r -> r.get("ts") != null).count();
    assertThat(table.newScan().filter(Expression.parse(DAY_2)).toRecords()).hasSize((int) day2Rows);
  }

  @Test
  void nullPartitionsNeverMatchComparisons() {
    Table table = tables("day(ts), region")[0];
    // A comparison with null is never true: the files of null regions and null days are skipped.
    assertThat(table.newScan().filter(Expression.parse("region != 'r0'")).files())
        .isNotEmpty().noneMatch(f -> f.location().contains("region=null"));
    assertThat(table.newScan().filter(Expression.parse("ts < '2026-01-03T00:00:00'")).files())
        .noneMatch(f -> f.location().contains("ts_day=null"));
    assertThat(table.newScan().filter(Expression.parse("region is null")).files())
        .allMatch(f -> f.location().contains("region=null"));
  }

  @Test
  void prunedScansReturnWhatTheUnpartitionedCopyReturns() {
    List<String> filters = List.of(DAY_2, "ts > '2026-01-03T05:00:00'", "ts <= '2026-01-01T23:59:59'",
        "region = 'r1'", "region in ('r0', 'r2')", "not region = 'r1'", "region is null", "ts is null",
        "region starts with 'r'", "user_id < 2010", "user_id = 3001 or region = 'r2'",
        "not (ts >= '2026-01-02T00:00:00' and region = 'r0')", "ts = '2026-01-04T07:00:00'", "region > 'r0'");
    for (String spec : List.of("day(ts), region", "hour(ts), bucket(4, user_id)", "month(ts), truncate(1, region)",
        "truncate(1000, user_id)", "year(ts), bucket(3, region)")) {
      Table[] tables = tables(spec);
      int pruned = 0;
      for (String filter : filters) {
        assertThat(userIds(tables[0], filter)).as(spec + " where " + filter).isEqualTo(userIds(tables[1], filter));
        PlanStatistics counts = tables[0].newScan().filter(Expression.parse(filter)).plan().statistics();
        pruned += counts.liveFiles() - counts.partitionMatches() + counts.manifests() - counts.manifestsRead();
      }
      assertThat(pruned).as(spec + " prunes some partitions").isPositive();
      warehouse.shard().dropTable("parts");
      warehouse.shard().dropTable("plain");
    }
  }

  private static Set<String> manifestsHolding(Table table, List<String> locations) {
    Set<String> paths = new HashSet<>();
    for (ManifestFile manifest : table.operations().manifests(table.currentSnapshot().orElseThrow())) {
      byte[] content = table.operations().readMetadataFile(manifest.path());
      for (ManifestEntry entry : Manifests.readManifest(content, manifest.path())) {
        if (locations.contains(entry.file().location())) {
          paths.add(manifest.path());
        }
      }
    }
    return paths;
  }
}
