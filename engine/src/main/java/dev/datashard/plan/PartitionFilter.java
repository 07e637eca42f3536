package dev.datashard.plan;

import static java.util.Objects.requireNonNull;

import dev.datashard.Expression;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.expressions.BoundFilter;
import dev.datashard.expressions.Filters;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.ManifestFile.PartitionSummary;
import dev.datashard.metadata.PartitionSummaries;
import dev.datashard.partition.PartitionKey;
import dev.datashard.partition.PartitionSpec;
import dev.datashard.partition.Projection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A scan filter projected onto one partition spec's values (Iceberg's inclusive projection),
 * judging a manifest by its partition summaries and a data file by its partition tuple. Both are
 * handed to the filter as the statistics of a file whose columns are the partition fields, so the
 * same value sets and order that prune by column bounds decide here: a partition is skipped only
 * when no value it may hold satisfies the projection, and no matching row lives outside it.
 */
final class PartitionFilter {
  private final PartitionSpec spec;
  private final BoundFilter projected;
  private final boolean keepsAll;

  PartitionFilter(PartitionSpec spec, Expression filter) {
    this.spec = requireNonNull(spec, "spec");
    Expression projection = Projection.inclusive(spec, requireNonNull(filter, "filter"));
    this.keepsAll = projection instanceof Expression.True;
    this.projected = Filters.bind(projection, new Schema(0, spec.partitionType()));
  }

  /**
   * False only when the manifest's summaries prove that none of its files' partitions satisfy the
   * projection. Summaries missing or not one per field (older writers) prove nothing.
   */
  boolean mightMatch(List<PartitionSummary> summaries) {
    if (keepsAll || summaries == null || summaries.size() != spec.fields().size()) {
      return true;
    }
    Statistics statistics = new Statistics();
    for (int i = 0; i < summaries.size(); i++) {
      PartitionSummary summary = summaries.get(i);
      int id = spec.partitionType().get(i).id();
      boolean hasOther = summary.lowerBound() != null || summary.upperBound() != null;
      // Value counts only say which kinds of values occur: null, NaN (unknown: maybe), others.
      long nulls = summary.containsNull() ? 1 : 0;
      long nans = Boolean.TRUE.equals(summary.containsNan()) ? 1 : 0;
      statistics.values.put(id, nulls + nans + (hasOther || summary.containsNan() == null ? 1 : 0));
      statistics.nulls.put(id, nulls);
      if (summary.containsNan() != null) {
        statistics.nans.put(id, nans);
      }
      putBound(statistics.lower, id, summary.lowerBound());
      putBound(statistics.upper, id, summary.upperBound());
    }
    return projected.mightMatch(statistics.asFile());
  }

  /** False only when the file's partition tuple fails the projection. */
  boolean mightMatch(PartitionKey partition) {
    if (keepsAll || partition.size() != spec.fields().size()) {
      return true;
    }
    Statistics statistics = new Statistics();
    for (int i = 0; i < partition.size(); i++) {
      Field field = spec.partitionType().get(i);
      Object value = partition.get(i);
      boolean nan = value instanceof Float f && f.isNaN() || value instanceof Double d && d.isNaN();
      statistics.values.put(field.id(), 1L);
      statistics.nulls.put(field.id(), value == null ? 1L : 0L);
      statistics.nans.put(field.id(), nan ? 1L : 0L);
      if (value != null && !nan) {
        byte[] bound = PartitionSummaries.singleValue(field.type(), value);
        statistics.lower.put(field.id(), bound);
        statistics.upper.put(field.id(), bound);
      }
    }
    return projected.mightMatch(statistics.asFile());
  }

  private static void putBound(Map<Integer, byte[]> bounds, int id, byte[] bound) {
    if (bound != null) {
      bounds.put(id, bound);
    }
  }

  /** Partition values as per-column statistics keyed by partition field id. */
  private static final class Statistics {
    final Map<Integer, Long> values = new HashMap<>();
    final Map<Integer, Long> nulls = new HashMap<>();
    final Map<Integer, Long> nans = new HashMap<>();
    final Map<Integer, byte[]> lower = new HashMap<>();
    final Map<Integer, byte[]> upper = new HashMap<>();

    DataFile asFile() {
      return new DataFile("partition", "none", 1, 0, Map.of(), values, nulls, nans, lower, upper,
          PartitionKey.UNPARTITIONED);
    }
  }
}
