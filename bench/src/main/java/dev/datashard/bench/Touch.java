package dev.datashard.bench;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads every value of a scanned batch, as an analytics consumer would, and folds them into a
 * checksum the benchmark returns (so the JIT cannot drop the reads). Longs are added; a string
 * contributes its length and first byte, so its offsets and its data are both read.
 */
public final class Touch {
  private Touch() {}

  public static long batch(VectorSchemaRoot batch) {
    long sum = 0;
    for (FieldVector vector : batch.getFieldVectors()) {
      sum += vector(vector, batch.getRowCount());
    }
    return sum;
  }

  public static long vector(FieldVector vector, int rows) {
    long sum = 0;
    if (vector instanceof BigIntVector longs) {
      for (int i = 0; i < rows; i++) {
        sum += longs.get(i);
      }
    } else if (vector instanceof TimeStampVector timestamps) {
      for (int i = 0; i < rows; i++) {
        sum += timestamps.get(i);
      }
    } else if (vector instanceof VarCharVector strings) {
      for (int i = 0; i < rows; i++) {
        long start = strings.getStartOffset(i);
        int length = strings.getValueLength(i);
        sum += length + (length == 0 ? 0 : strings.getDataBuffer().getByte(start));
      }
    } else {
      throw new IllegalArgumentException("unexpected column type " + vector.getField());
    }
    return sum;
  }

  /** The same fold over a string value in Java form (Iceberg's generic records). */
  public static long string(CharSequence value) {
    return value.length() + (value.length() == 0 ? 0 : value.charAt(0));
  }
}
