package dev.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.Expression;
import dev.datashard.Schema;
import dev.datashard.Table;
import dev.datashard.metadata.DataFile;
import dev.datashard.plan.PlanStatistics;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A partitioned table on a real S3 server: appends a file per partition, prunes manifests and files, evolves its spec. */
class S3PartitionedTableTest {
  static final String BUCKET = "partitioned";
  @RegisterExtension static final S3Shard s3 = new S3Shard(BUCKET);

  /** Rows of day {@code day} of January 2026, over three regions. */
  private static List<Map<String, Object>> day(int day, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", day * 1000L + i);
      row.put("ts", LocalDateTime.of(2026, 1, day, i % 24, i % 60));
      row.put("region", "r" + i % 3);
      rows.add(row);
    }
    return rows;
  }

  @Test
  void appendsPrunesAndReadsOnS3() {
    Table table = s3.shard().createTable("events", Schema.fromJson("""
        {"schema_id": 0, "fields": [
          {"id": 1, "name": "id", "type": "long", "required": true},
          {"id": 2, "name": "ts", "type": "timestamp", "required": false},
          {"id": 3, "name": "region", "type": "string", "required": false}]}"""), "day(ts), region", Map.of());
    for (int first = 1; first <= 9; first += 3) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int d = first; d < first + 3; d++) {
        rows.addAll(day(d, 90));
      }
      table.appendRecords(rows);
    }
    Table reloaded = s3.shard().loadTable("events"); // another handle, as another process would see it
    assertThat(reloaded.newScan().files()).hasSize(9 * 3)
        .allMatch(f -> f.location().startsWith("s3://" + BUCKET + "/warehouse/events/data/ts_day=2026-01-0"));

    Expression day5 = Expression.parse("ts >= '2026-01-05T00:00:00' and ts < '2026-01-06T00:00:00' and region = 'r1'");
    PlanStatistics counts = reloaded.newScan().filter(day5).plan().statistics();
    assertThat(counts.manifests()).isEqualTo(3);
    assertThat(counts.manifestsRead()).isEqualTo(1);
    assertThat(counts.files()).isEqualTo(1);
    List<Map<String, Object>> rows = reloaded.newScan().filter(day5).toRecords();
    assertThat(rows).hasSize(30).allSatisfy(r -> assertThat(r.get("region")).isEqualTo("r1"));
    assertThat(rows).extracting(r -> (Long) r.get("id")).allMatch(id -> id >= 5000 && id < 6000);

    // Evolved to months: the new file is partitioned by month, the old ones are still pruned by day.
    reloaded.updateSpec("month(ts)");
    reloaded.appendRecords(day(10, 30));
    List<DataFile> files = s3.shard().loadTable("events").newScan().files();
    assertThat(files).filteredOn(f -> f.location().contains("/data/ts_month=2026-01/")).hasSize(1);
    Expression day10 = Expression.parse("ts >= '2026-01-10T00:00:00'");
    PlanStatistics evolved = s3.shard().loadTable("events").newScan().filter(day10).plan().statistics();
    assertThat(evolved.manifestsRead()).isEqualTo(1);
    assertThat(evolved.files()).isEqualTo(1);
    assertThat(s3.shard().loadTable("events").newScan().filter(day10).toRecords()).hasSize(30);
    assertThat(s3.shard().loadTable("events").rowCount()).isEqualTo(9 * 90 + 30);
  }
}
