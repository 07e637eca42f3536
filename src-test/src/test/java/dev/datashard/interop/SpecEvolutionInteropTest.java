package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.io.local.LocalStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Partition spec evolution against Iceberg's library: the same evolutions made by DataShard
 * ({@code updateSpec}) and by Iceberg ({@code UpdatePartitionSpec}) leave the same specs, spec
 * ids, field ids and last-partition-id; Iceberg reads and plans filtered scans over a table whose
 * files DataShard wrote under several specs; and after Iceberg evolves a spec, DataShard appends
 * with it and both read the same rows.
 */
class SpecEvolutionInteropTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  /** One evolution, as DataShard's spec text and as Iceberg's update. */
  private record Step(String text, Consumer<UpdatePartitionSpec> iceberg) {}

  private static final List<Step> STEPS = List.of(
      new Step("month(ts), region", u -> u.removeField("ts_day").addField(Expressions.month("ts")).addField("region")),
      new Step("day(ts)", u -> u.removeField("ts_month").removeField("region").addField(Expressions.day("ts"))),
      new Step("", u -> u.removeField("ts_day")),
      new Step("day(ts), bucket(4, user_id)", u -> u.addField(Expressions.day("ts"))
          .addField(Expressions.bucket("user_id", 4))),
      new Step("bucket(4, user_id), truncate(2, name)", u -> u.removeField("ts_day")
          .addField(Expressions.truncate("name", 2))));

  @Test
  void evolutionsLeaveTheSpecsIcebergLeavesAndIcebergReadsEveryFile() {
    dev.datashard.Table table = local.shard().createTable("by_datashard",
        IcebergSchemas.toDataShard(PartitionedAppendInteropTest.SCHEMA), "day(ts)", Map.of());
    Table byIceberg = IcebergWrites.create(LocalStorage.locationOf(local.warehouse().resolve("by_iceberg")),
        PartitionedAppendInteropTest.SCHEMA, PartitionSpec.builderFor(PartitionedAppendInteropTest.SCHEMA)
            .day("ts").build());
    List<Map<String, Object>> all = new ArrayList<>(PartitionedAppendInteropTest.rows(0, 200, 40));
    table.appendRecords(all);
    for (int s = 0; s < STEPS.size(); s++) {
      Step step = STEPS.get(s);
      table.updateSpec(step.text());
      UpdatePartitionSpec update = byIceberg.updateSpec();
      step.iceberg().accept(update);
      update.commit();
      assertSameSpecs(Interop.icebergTable(table.location()), byIceberg, step.text());

      List<Map<String, Object>> rows = PartitionedAppendInteropTest.rows(1000L * (s + 1), 150, 41 + s);
      table.appendRecords(rows);
      all.addAll(rows);
    }

    Table iceberg = Interop.icebergTable(table.location());
    assertThat(iceberg.specs()).hasSize(5);
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), sortedCanonical(all));
    Map<String, org.apache.iceberg.expressions.Expression> filters = Map.of(
        "ts >= '2026-01-10T00:00:00'", Expressions.greaterThanOrEqual("ts", "2026-01-10T00:00:00"),
        "region = 'eu'", Expressions.equal("region", "eu"),
        "name starts with 'al'", Expressions.startsWith("name", "al"),
        // Iceberg's reader orders null first (a null ts is < anything): the guard is DataShard's null rule.
        "user_id = 7 or ts < '2025-12-25T00:00:00'", Expressions.or(Expressions.equal("user_id", 7L),
            Expressions.and(Expressions.notNull("ts"), Expressions.lessThan("ts", "2025-12-25T00:00:00"))));
    for (Map.Entry<String, org.apache.iceberg.expressions.Expression> filter : filters.entrySet()) {
      List<Map<String, Object>> expected = Interop.datashardRows(table.newScan()
          .filter(dev.datashard.Expression.parse(filter.getKey())));
      assertThat(expected).as(filter.getKey()).isNotEmpty();
      Interop.assertSameRows(Interop.icebergRows(iceberg, null, filter.getValue()), expected);
      assertThat(plannedSpecs(iceberg, filter.getValue())).as("Iceberg plans files of several specs")
          .hasSizeGreaterThan(1);
    }
  }

  @Test
  void dataShardAppendsWithASpecIcebergEvolved() {
    dev.datashard.Table table = local.shard().createTable("events",
        IcebergSchemas.toDataShard(PartitionedAppendInteropTest.SCHEMA), "day(ts)", Map.of());
    List<Map<String, Object>> all = new ArrayList<>(PartitionedAppendInteropTest.rows(0, 200, 50));
    table.appendRecords(all);
    Table iceberg = Interop.icebergTable(table.location());
    iceberg.updateSpec().removeField("ts_day").addField(Expressions.month("ts"))
        .addField(Expressions.bucket("user_id", 8)).commit();

    table.refresh();
    assertThat(table.partitionSpec().specId()).isEqualTo(iceberg.spec().specId());
    assertThat(table.partitionSpec().fields()).extracting(f -> f.fieldId() + " " + f.name() + " " + f.transform())
        .containsExactly("1001 ts_month month", "1002 user_id_bucket_8 bucket[8]");
    List<Map<String, Object>> rows = PartitionedAppendInteropTest.rows(5000, 300, 51);
    table.appendRecords(rows);
    all.addAll(rows);

    iceberg.refresh();
    // DataShard's new files carry Iceberg's new spec id, and their tuples are Iceberg's partitions.
    try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        boolean added = task.file().location().contains("/ts_month=");
        assertThat(task.file().specId()).as(task.file().location()).isEqualTo(added ? 1 : 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), sortedCanonical(all));
    Interop.assertSameRows(Interop.datashardRows(table.newScan()), sortedCanonical(all));
    String filter = "ts >= '2026-01-01T00:00:00' and ts < '2026-01-02T00:00:00'";
    Interop.assertSameRows(Interop.datashardRows(table.newScan().filter(dev.datashard.Expression.parse(filter))),
        Interop.icebergRows(iceberg, null, Expressions.and(Expressions.greaterThanOrEqual("ts", "2026-01-01T00:00:00"),
            Expressions.lessThan("ts", "2026-01-02T00:00:00"))));
  }

  /** Both tables' specs, default spec id and last-partition-id, as Iceberg reads them. */
  private static void assertSameSpecs(Table datashard, Table iceberg, String step) {
    TableMetadata ours = ((HasTableOperations) datashard).operations().refresh();
    TableMetadata theirs = ((HasTableOperations) iceberg).operations().refresh();
    assertThat(ours.defaultSpecId()).as("default spec id after '%s'", step).isEqualTo(theirs.defaultSpecId());
    assertThat(ours.lastAssignedPartitionId()).as("last-partition-id after '%s'", step)
        .isEqualTo(theirs.lastAssignedPartitionId());
    assertThat(describe(ours.specs())).as("specs after '%s'", step).isEqualTo(describe(theirs.specs()));
  }

  private static List<String> describe(List<PartitionSpec> specs) {
    List<String> described = new ArrayList<>();
    for (PartitionSpec spec : specs) {
      List<String> fields = new ArrayList<>();
      for (PartitionField field : spec.fields()) {
        fields.add(field.fieldId() + " " + field.name() + " " + field.transform() + " " + field.sourceId());
      }
      described.add(spec.specId() + ": " + fields);
    }
    return described;
  }

  private static java.util.Set<Integer> plannedSpecs(Table iceberg, org.apache.iceberg.expressions.Expression filter) {
    java.util.Set<Integer> specs = new java.util.TreeSet<>();
    try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().filter(filter).planFiles()) {
      tasks.forEach(task -> specs.add(task.file().specId()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return specs;
  }

  private static List<Map<String, Object>> sortedCanonical(List<Map<String, Object>> rows) {
    return Interop.sorted(rows.stream().map(Interop::canonicalMap).toList());
  }
}
