package dev.datashard.interop;

import static dev.datashard.interop.Interop.assertSameRows;
import static dev.datashard.interop.Interop.datashardRows;
import static dev.datashard.interop.Interop.icebergRows;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.Type;
import dev.datashard.io.local.LocalStorage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema evolution both ways with Apache Iceberg's own library: Iceberg's UpdateSchema changes a
 * table, DataShard reads every snapshot as Iceberg does and appends; DataShard's changes a table,
 * Iceberg reads every snapshot as DataShard does.
 */
class SchemaEvolutionInteropTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  private String location(String name) {
    return LocalStorage.locationOf(local.warehouse().resolve(name));
  }

  private static Schema evolving() {
    return new Schema(
        required(1, "id", Types.LongType.get()),
        optional(2, "category", Types.StringType.get()),
        optional(3, "value", Types.IntegerType.get()),
        optional(4, "ratio", Types.FloatType.get()),
        optional(5, "price", Types.DecimalType.of(9, 2)),
        optional(6, "place", Types.StructType.of(
            optional(7, "city", Types.StringType.get()),
            optional(8, "zip", Types.IntegerType.get()))));
  }

  private static Map<String, Object> row(long id, Map<String, Object> values) {
    Map<String, Object> row = new LinkedHashMap<>(values);
    row.put("id", id);
    return row;
  }

  /** Every snapshot, and the current state, read by both libraries. */
  private void assertBothReadEverySnapshot(Table iceberg, dev.datashard.Table table) {
    iceberg.refresh();
    table.refresh();
    assertThat(table.snapshots()).hasSize(toList(iceberg.snapshots()).size());
    for (Snapshot snapshot : iceberg.snapshots()) {
      assertSameRows(datashardRows(table.newScan().useSnapshot(snapshot.snapshotId())),
          icebergRows(iceberg, snapshot.snapshotId()));
    }
    assertSameRows(datashardRows(table.newScan()), icebergRows(iceberg, null));
  }

  private static List<Snapshot> toList(Iterable<Snapshot> snapshots) {
    List<Snapshot> list = new ArrayList<>();
    snapshots.forEach(list::add);
    return list;
  }

  @Test
  void icebergEvolvesDataShardReadsAndAppends() {
    Table iceberg = IcebergWrites.create(location("by-iceberg"), evolving(), PartitionSpec.unpartitioned());
    IcebergWrites.append(iceberg, List.of(
        row(0, Map.of("category", "a", "value", 5, "ratio", 0.5f, "price", new BigDecimal("1.25"),
            "place", Map.of("city", "Oslo", "zip", 150))),
        row(1, Map.of("category", "b", "value", 50))));
    iceberg.updateSchema().renameColumn("category", "kind").updateColumn("value", Types.LongType.get())
        .updateColumn("ratio", Types.DoubleType.get()).updateColumn("price", Types.DecimalType.of(20, 2))
        .renameColumn("place.zip", "postcode").addColumn("place", "country", Types.StringType.get())
        .addColumn("note", Types.StringType.get()).moveFirst("note").commit();
    IcebergWrites.append(iceberg, List.of(row(2, Map.of("kind", "c", "value", 5_000_000_000L, "note", "n",
        "ratio", 0.25d, "place", Map.of("city", "Rome", "postcode", 100, "country", "IT")))));
    // A dropped column's name taken by a new column: old files must not read the old data.
    iceberg.updateSchema().deleteColumn("kind").addColumn("kind", Types.IntegerType.get()).commit();
    IcebergWrites.append(iceberg, List.of(row(3, Map.of("kind", 3))));

    dev.datashard.Table table = local.shard().loadTable("by-iceberg");
    assertThat(table.schema().sameAs(IcebergSchemas.toDataShard(iceberg.schema()))).isTrue();
    assertBothReadEverySnapshot(iceberg, table);

    Map<String, Object> appended = new HashMap<>();
    appended.put("id", 4L);
    appended.put("kind", 4);
    appended.put("value", 7L);
    appended.put("price", new BigDecimal("123456789012.50"));
    appended.put("place", Map.of("city", "Bergen", "country", "NO"));
    table.appendRecords(List.of(appended));
    assertBothReadEverySnapshot(iceberg, table);

    // Filters and pruning on the promoted column, whose older files carry int bounds.
    assertSameRows(datashardRows(table.newScan().filter(Expression.parse("value > 10"))),
        icebergRows(iceberg, null, Expressions.greaterThan("value", 10L)));
    assertThat(table.newScan().filter(Expression.parse("value > 1000000000")).files()).hasSize(1);
    assertSameRows(datashardRows(table.newScan().filter(Expression.parse("ratio < 0.3"))),
        icebergRows(iceberg, null, Expressions.lessThan("ratio", 0.3d)));
  }

  @Test
  void dataShardEvolvesIcebergReadsEverySnapshot() {
    dev.datashard.Table table = local.shard().createTable("by-datashard", IcebergSchemas.toDataShard(evolving()));
    table.appendRecords(List.of(
        row(0, Map.of("category", "a", "value", 5, "ratio", 0.5f, "price", new BigDecimal("1.25"),
            "place", Map.of("city", "Oslo", "zip", 150))),
        row(1, Map.of("category", "b", "value", 50))));
    table.updateSchema().renameColumn("category", "kind").updateColumn("value", Type.Primitive.LONG)
        .updateColumn("ratio", Type.Primitive.DOUBLE).updateColumn("price", new Type.Decimal(20, 2))
        .renameColumn("place.zip", "postcode").addColumn("place.country", Type.Primitive.STRING)
        .addColumn("note", Type.Primitive.STRING).moveFirst("note").moveAfter("price", "id").commit();
    table.appendRecords(List.of(row(2, Map.of("kind", "c", "value", 5_000_000_000L, "note", "n",
        "ratio", 0.25d, "place", Map.of("city", "Rome", "postcode", 100, "country", "IT")))));
    table.updateSchema().deleteColumn("kind").addColumn("kind", Type.Primitive.INT).commit();
    table.appendRecords(List.of(row(3, Map.of("kind", 3))));
    table.updateSchema().deleteColumn("place.city").makeColumnOptional("id").commit();
    table.appendRecords(List.of(row(4, Map.of("place", Map.of("postcode", 4)))));

    Table iceberg = Interop.icebergTable(table.location());
    assertThat(IcebergSchemas.toDataShard(iceberg.schema()).sameAs(table.schema())).isTrue();
    assertThat(iceberg.schemas()).hasSize(4);
    assertBothReadEverySnapshot(iceberg, table);

    // Iceberg appends under DataShard's schema; DataShard reads it.
    IcebergWrites.append(iceberg, List.of(row(5, Map.of("kind", 5, "value", 1L))));
    assertBothReadEverySnapshot(iceberg, table);
  }
}
