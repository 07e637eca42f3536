package dev.datashard.expressions;

import java.util.Arrays;

/**
 * The one order of a column's values, in the form {@link ColumnValues} gives them, used by row
 * filtering and file pruning alike. It is Iceberg's order: strings (UTF-8), uuids (16 big-endian
 * bytes), fixed and binary compare as unsigned bytes, which orders strings by code point and
 * uuids as RFC 9562 and Parquet statistics do; floats and doubles as {@code Float/Double.compare}
 * ({@code -0.0 < 0.0 < ... < Infinity < NaN}, NaN equal to NaN), as the spec sorts them.
 */
final class ValueOrder {
  private ValueOrder() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Object a, Object b) {
    if (a instanceof byte[] x) {
      return Arrays.compareUnsigned(x, (byte[]) b);
    }
    return ((Comparable) a).compareTo(b);
  }
}
