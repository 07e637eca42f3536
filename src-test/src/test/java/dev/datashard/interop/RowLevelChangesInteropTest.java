package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.Compaction;
import dev.datashard.Expression;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.Transaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded random sequences of appends, row-level deletes, overwrites and compactions on DataShard
 * tables, in both delete modes, partitioned and not. After every step Iceberg's generic reader
 * and DataShard's scan must both return exactly the rows of a model of the table, and Iceberg
 * must see the snapshot's operation; every earlier snapshot must still read as it did.
 */
class RowLevelChangesInteropTest {
  static final Schema SCHEMA = Schema.fromJson("""
      {"fields": [{"id": 1, "name": "id", "type": "long", "required": true},
      {"id": 2, "name": "region", "type": "string", "required": false},
      {"id": 3, "name": "score", "type": "int", "required": false}]}""");
  static final List<String> REGIONS = List.of("eu", "us", "apac");

  @RegisterExtension final LocalShard local = new LocalShard();

  /** A filter and its meaning for the model (SQL's rule: a comparison with null is never true). */
  private record Filter(Expression expression, Predicate<Map<String, Object>> matches) {}

  @ParameterizedTest(name = "{0}, partitioned by \"{1}\", seed {2}")
  @CsvSource({
      "copy-on-write, '', 1", "copy-on-write, 'bucket(4, id)', 2", "copy-on-write, 'region', 3",
      "merge-on-read, '', 4", "merge-on-read, 'bucket(4, id)', 5", "merge-on-read, 'region', 6"})
  void everySnapshotReadsTheSameInBothLibraries(String mode, String partitionBy, long seed) {
    Table table = local.shard().createTable("t", SCHEMA, partitionBy, Map.of("write.delete.mode", mode));
    org.apache.iceberg.Table iceberg = Interop.icebergTable(table.location());
    Random random = new Random(seed);
    List<Map<String, Object>> model = new ArrayList<>();
    Map<Long, List<Map<String, Object>>> history = new HashMap<>();
    long nextId = 0;
    for (int step = 0; step < 14; step++) {
      int choice = step < 3 ? 0 : random.nextInt(5);
      Optional<Snapshot> snapshot;
      String operation;
      switch (choice) {
        case 0, 1 -> {
          List<Map<String, Object>> rows = rows(random, nextId, 20 + random.nextInt(200));
          nextId += rows.size();
          snapshot = table.appendRecords(rows);
          model.addAll(rows);
          operation = "append";
        }
        case 2 -> {
          Filter filter = filter(random, nextId);
          snapshot = table.newDelete().where(filter.expression()).commit();
          model.removeIf(filter.matches());
          operation = "delete or overwrite";
        }
        case 3 -> {
          Filter filter = filter(random, nextId);
          List<Map<String, Object>> rows = rows(random, nextId, 1 + random.nextInt(50));
          nextId += rows.size();
          try (Transaction overwrite = table.newOverwrite(filter.expression())) {
            snapshot = overwrite.appendRecords(rows).commit();
          }
          model.removeIf(filter.matches());
          model.addAll(rows);
          operation = "overwrite";
        }
        default -> {
          Compaction.Result result = table.rewriteDataFiles().commit();
          snapshot = result.snapshot();
          operation = "replace";
        }
      }
      if (snapshot.isEmpty()) {
        continue;
      }
      iceberg.refresh();
      String seen = iceberg.currentSnapshot().operation();
      assertThat(operation).as("step %d", step).contains(seen);
      List<Map<String, Object>> expected = Interop.sorted(model.stream().map(Interop::canonicalMap).toList());
      Interop.assertSameRows(Interop.icebergRows(iceberg, null), expected);
      Interop.assertSameRows(Interop.datashardRows(table.refresh().newScan()), expected);
      assertThat(table.newScan().rowCount()).isEqualTo(expected.size());
      history.put(snapshot.get().snapshotId(), expected);
    }
    assertThat(history).hasSizeGreaterThan(5);
    history.forEach((snapshotId, rows) -> {
      Interop.assertSameRows(Interop.icebergRows(iceberg, snapshotId), rows);
      Interop.assertSameRows(Interop.datashardRows(table.newScan().useSnapshot(snapshotId)), rows);
    });
  }

  private static List<Map<String, Object>> rows(Random random, long firstId, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long id = firstId; id < firstId + count; id++) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", id);
      row.put("region", random.nextInt(8) == 0 ? null : REGIONS.get(random.nextInt(REGIONS.size())));
      row.put("score", random.nextInt(6) == 0 ? null : random.nextInt(100));
      rows.add(row);
    }
    return rows;
  }

  private static Filter filter(Random random, long idLimit) {
    long low = (long) (random.nextDouble() * idLimit);
    long high = low + 1 + random.nextInt(60);
    String region = REGIONS.get(random.nextInt(REGIONS.size()));
    int score = random.nextInt(100);
    return switch (random.nextInt(4)) {
      case 0 -> new Filter(Expression.parse("id >= " + low + " and id < " + high),
          row -> (Long) row.get("id") >= low && (Long) row.get("id") < high);
      case 1 -> new Filter(Expression.parse("region = '" + region + "' and id < " + high),
          row -> region.equals(row.get("region")) && (Long) row.get("id") < high);
      case 2 -> new Filter(Expression.parse("score > " + score),
          row -> row.get("score") != null && (Integer) row.get("score") > score);
      default -> new Filter(Expression.parse("region != '" + region + "' and score < " + score / 4),
          row -> row.get("region") != null && !region.equals(row.get("region"))
              && row.get("score") != null && (Integer) row.get("score") < score / 4);
    };
  }
}
