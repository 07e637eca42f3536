package dev.datashard.io.parquet;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;

/**
 * What a finished file holds in one top-level primitive column, counted while it was written: nulls,
 * NaNs (float and double), and the least and greatest value in Parquet's plain encoding of the
 * column's type (little-endian numbers, decimals of precision up to 18 as int32/int64, wider ones
 * big-endian; raw bytes otherwise), in the type's order with NaN left out and -0.0 below 0.0.
 *
 * @param min null when the column has no value besides nulls and NaN
 */
public record ColumnSummary(long nullCount, long nanCount, byte[] min, byte[] max) {
  /** Nulls among the values {@code [from, to)} of a vector, from its validity bits. */
  public static long nullCount(FieldVector vector, int from, int to) {
    if (from >= to) {
      return 0;
    }
    ArrowBuf validity = vector.getValidityBuffer();
    if (validity == null || validity.capacity() == 0) {
      int nulls = 0;
      for (int i = from; i < to; i++) {
        nulls += vector.isNull(i) ? 1 : 0;
      }
      return nulls;
    }
    long valid = 0;
    int i = from;
    while (i < to && (i & 63) != 0) {
      valid += (validity.getByte(i >>> 3) >>> (i & 7)) & 1;
      i++;
    }
    while (i + 64 <= to) {
      valid += Long.bitCount(validity.getLong((long) (i >>> 3)));
      i += 64;
    }
    while (i < to) {
      valid += (validity.getByte(i >>> 3) >>> (i & 7)) & 1;
      i++;
    }
    return (to - from) - valid;
  }
}
