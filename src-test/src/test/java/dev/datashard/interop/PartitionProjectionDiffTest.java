package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.Field;
import dev.datashard.partition.PartitionField;
import dev.datashard.partition.PartitionSpec;
import dev.datashard.partition.Projection;
import dev.datashard.partition.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.PartitionSpecParser;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Projections;
import org.apache.iceberg.util.StructLikeSet;
import org.junit.jupiter.api.Test;

/**
 * DataShard's inclusive projection against Iceberg's {@code Projections.inclusive}, for every
 * transform of every column it takes (but uuid, whose order {@link IcebergReference} flips), on
 * random filters (fixed seed) judged on the partition values of random rows: the projection keeps
 * the partition of every row the filter matches, and every partition it keeps Iceberg keeps too,
 * unless Iceberg's projection drops a partition holding a match.
 */
class PartitionProjectionDiffTest {
  private static final int FILTERS = 100;

  private final Schema icebergSchema = IcebergSchemas.allTypes();
  private final dev.datashard.Schema schema = IcebergSchemas.toDataShard(icebergSchema);

  @Test
  void projectionsKeepEveryMatchAndAreNoLooserThanIcebergs() {
    Random random = new Random(1516);
    RandomValues values = new RandomValues(random);
    List<Map<String, Object>> rows = new ArrayList<>();
    while (rows.size() < 300) {
      rows.addAll(values.file(rows.size(), 20));
    }
    RandomFilters randomFilters = new RandomFilters(random, values);
    List<dev.datashard.Expression> filters = new ArrayList<>();
    for (int n = 0; n < FILTERS; n++) {
      filters.add(randomFilters.next());
    }
    InternalRecordWrapper internal = new InternalRecordWrapper(icebergSchema.asStruct());
    List<StructLike> sources = new ArrayList<>();
    List<StructLike> icebergRows = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      sources.add(internal.copyFor(IcebergWrites.record(icebergSchema.asStruct(), row)));
      icebergRows.add(IcebergReference.row(icebergSchema.asStruct(), row));
    }
    int specs = 0;
    int pruned = 0;
    Set<String> icebergMisses = new TreeSet<>();
    for (Transform transform : PartitionTransformsDiffTest.TRANSFORMS) {
      for (String column : RandomValues.COLUMNS) {
        Field source = schema.field(column).orElseThrow();
        if (column.equals("u") || !transform.canTransform(source.type())) {
          continue;
        }
        specs++;
        PartitionSpec spec = new PartitionSpec(schema, 0, List.of(new PartitionField(source.id(),
            PartitionField.FIRST_FIELD_ID, column + "_p", transform)));
        org.apache.iceberg.PartitionSpec icebergSpec = PartitionSpecParser.fromJson(icebergSchema,
            spec.toJson().toString());
        List<StructLike> partitions = partitions(icebergSpec, sources);
        // Int truncation wider than 2^30 is no order-preserving function (the spec's formula
        // overflows): DataShard projects no ranges through it, Iceberg's projection misses matches.
        boolean orderLost = column.equals("i") && transform instanceof Transform.Truncate t && t.width() > 1 << 30;
        for (dev.datashard.Expression filter : filters) {
          Expression icebergFilter = IcebergReference.of(filter);
          Evaluator matches = new Evaluator(icebergSchema.asStruct(), icebergFilter);
          dev.datashard.Expression projected = Projection.inclusive(spec, filter);
          Evaluator ours = new Evaluator(icebergSpec.partitionType(), projected instanceof dev.datashard.Expression.True
              ? Expressions.alwaysTrue() : IcebergReference.of(projected));
          Evaluator icebergs = new Evaluator(icebergSpec.partitionType(),
              Projections.inclusive(icebergSpec).project(icebergFilter));
          Set<StructLike> holdingMatches = StructLikeSet.create(icebergSpec.partitionType());
          for (int row = 0; row < rows.size(); row++) {
            if (matches.eval(icebergRows.get(row))) {
              holdingMatches.add(partitions.get(row));
            }
          }
          for (int row = 0; row < rows.size(); row++) {
            StructLike partition = partitions.get(row);
            String what = transform + "(" + column + ") of " + filter + " projected to " + projected
                + ", row " + rows.get(row).get(column);
            boolean kept = ours.eval(partition);
            if (holdingMatches.contains(partition)) {
              assertThat(kept).as("keeps the partition of a match: " + what).isTrue();
            }
            if (kept && !icebergs.eval(partition) && !orderLost) {
              assertThat(holdingMatches).as("Iceberg prunes only partitions without matches: " + what)
                  .contains(partition);
              icebergMisses.add(transform + "(" + column + ")");
            }
            pruned += kept ? 0 : 1;
          }
        }
      }
    }
    assertThat(specs).isGreaterThan(60);
    // Where Iceberg 1.10 prunes a partition holding a match: truncation of the lowest ints and
    // longs, whose partition value overflows to near the maximum.
    assertThat(icebergMisses).isSubsetOf("truncate[3](i)", "truncate[10](i)", "truncate[1000](i)",
        "truncate[3](l)", "truncate[10](l)", "truncate[1000](l)",
        "truncate[2147483647](l)");
    // Most random filters do not read a spec's one source column; those that do must prune.
    assertThat(pruned).as("partitions pruned").isGreaterThan(specs * rows.size());
  }

  /** Each row's partition tuple as Iceberg's transforms compute it. */
  private List<StructLike> partitions(org.apache.iceberg.PartitionSpec spec, List<StructLike> sources) {
    List<StructLike> partitions = new ArrayList<>();
    org.apache.iceberg.PartitionField field = spec.fields().get(0);
    int position = icebergSchema.columns().indexOf(icebergSchema.findField(field.sourceId()));
    for (StructLike source : sources) {
      GenericRecord partition = GenericRecord.create(spec.partitionType());
      partition.set(0, PartitionTransformsDiffTest.bind(field, icebergSchema.findType(field.sourceId()))
          .apply(source.get(position, Object.class)));
      partitions.add(partition);
    }
    return partitions;
  }
}
