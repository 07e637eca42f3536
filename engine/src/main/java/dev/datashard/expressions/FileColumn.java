package dev.datashard.expressions;

import dev.datashard.Field;
import dev.datashard.Type;
import dev.datashard.expressions.ValueSet.Interval;
import dev.datashard.metadata.DataFile;

/**
 * What a data file's manifest statistics allow for one column: whether it may hold nulls, NaNs
 * and other values, and the range of the others. Missing statistics allow anything. Bounds never
 * cover NaN (the spec forbids NaN bounds), so NaN is judged by the NaN count alone.
 *
 * @param range the bounds; an end is null when unknown
 */
record FileColumn(boolean mayHoldNull, boolean mayHoldNaN, boolean mayHoldOther, Interval range, Type type) {

  static FileColumn of(DataFile file, Field field) {
    int id = field.id();
    Type type = field.type();
    Long values = file.valueCounts().get(id);
    Long nulls = file.nullValueCounts().get(id);
    Long nans = file.nanValueCounts().get(id);
    boolean floating = ColumnValues.nan(type) != null;
    long nonNull = values == null || nulls == null ? Long.MAX_VALUE : values - nulls;
    boolean mayHoldNaN = floating && nonNull > 0 && (nans == null || nans > 0);
    boolean mayHoldOther = nonNull - (floating && nans != null ? nans : 0) > 0;
    Object lower = trusted(type, ColumnValues.bound(type, file.lowerBounds().get(id)), false);
    Object upper = trusted(type, ColumnValues.bound(type, file.upperBounds().get(id)), true);
    return new FileColumn(nulls == null || nulls > 0, mayHoldNaN, mayHoldOther,
        new Interval(lower, true, upper, true), type);
  }

  /** The bound, or null where it may not bound the values. */
  private static Object trusted(Type type, Object bound, boolean upper) {
    if (bound instanceof Float f && f.isNaN() || bound instanceof Double d && d.isNaN()) {
      return null; // ORC writers reported NaN bounds for files whose first value was NaN
    }
    if (type == Type.Primitive.UUID && bound != null && (((byte[]) bound)[0] < 0) != upper) {
      // Iceberg Java merges the (unsigned) uuid bounds of a file's Parquet row groups in signed
      // order. Its lower bound is the true minimum only if its first bit is 0 (no row group's
      // minimum had it set), its upper bound the true maximum only if its first bit is 1.
      return null;
    }
    return bound;
  }

  boolean mayHoldNonNull() {
    return mayHoldNaN || mayHoldOther;
  }

  /** Whether any value the file may hold is in {@code values}. */
  boolean mightHoldAnyOf(ValueSet values) {
    return mayHoldOther && values.meets(range) || mayHoldNaN && values.contains(ColumnValues.nan(type));
  }
}
