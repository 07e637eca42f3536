package dev.datashard.partition;

import static java.util.Objects.requireNonNull;

import dev.datashard.Field;
import dev.datashard.Type;
import dev.datashard.Type.Primitive;
import dev.datashard.arrow.ArrowSchemas;
import java.math.BigInteger;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Transforms a whole Arrow column at once: reads the source vector's buffers in place (no value
 * objects per row) and writes a new vector of the result type, null where the source is null.
 * The arithmetic is {@link TransformValues}', so vectors and single values agree.
 */
final class VectorTransforms {
  private static final int DECIMAL_BYTES = 16;

  private VectorTransforms() {}

  /**
   * The partition values of every row of {@code source}, a column of type {@code sourceType} in
   * DataShard's Arrow mapping, as a vector of {@code result} (which the caller closes).
   */
  static FieldVector apply(Transform transform, Type sourceType, FieldVector source, Field result,
      BufferAllocator allocator) {
    requireNonNull(transform, "transform");
    requireNonNull(source, "source");
    requireNonNull(allocator, "allocator");
    if (!transform.canTransform(sourceType)) {
      throw new IllegalArgumentException(transform + " cannot transform " + sourceType.typeName());
    }
    org.apache.arrow.vector.types.pojo.Field expected = ArrowSchemas.toArrow(
        Field.optional(0, source.getName(), sourceType));
    if (!ArrowSchemas.compatible(expected, source.getField())) {
      throw new IllegalArgumentException("column '" + source.getName() + "' is "
          + ArrowSchemas.describe(source.getField()) + ", not the Arrow form of " + sourceType.typeName());
    }
    if (transform instanceof Transform.Identity) {
      // Shares the source's buffers (reference counted), renamed to the partition field.
      TransferPair copy = source.getTransferPair(ArrowSchemas.toArrow(result), allocator);
      copy.splitAndTransfer(0, source.getValueCount());
      return (FieldVector) copy.getTo();
    }
    int rows = source.getValueCount();
    FieldVector out = ArrowSchemas.toArrow(result).createVector(allocator);
    try {
      out.setInitialCapacity(rows);
      out.allocateNew();
      if (transform instanceof Transform.Void) {
        for (int row = 0; row < rows; row++) {
          out.setNull(row);
        }
      } else if (transform instanceof Transform.Bucket bucket) {
        bucket(source, sourceType, bucket.numBuckets(), (IntVector) out);
      } else if (transform instanceof Transform.Truncate truncate) {
        truncate(source, sourceType, truncate.width(), out);
      } else {
        time(transform, source, sourceType, out);
      }
      out.setValueCount(rows);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private static void bucket(FieldVector source, Type type, int numBuckets, IntVector out) {
    int rows = source.getValueCount();
    byte[] scratch = new byte[DECIMAL_BYTES];
    for (int row = 0; row < rows; row++) {
      if (source.isNull(row)) {
        out.setNull(row);
      } else {
        out.set(row, TransformValues.bucket(hash(source, type, row, scratch), numBuckets));
      }
    }
  }

  private static int hash(FieldVector source, Type type, int row, byte[] scratch) {
    if (type instanceof Type.Decimal) {
      int length = unscaledBytes(source.getDataBuffer(), row, scratch);
      return Murmur3.hash(scratch, length);
    }
    if (type instanceof Type.Fixed || type == Primitive.UUID) {
      int width = ((FixedSizeBinaryVector) source).getByteWidth();
      return Murmur3.hash(source.getDataBuffer(), (long) row * width, width);
    }
    if (type == Primitive.STRING || type == Primitive.BINARY) {
      BaseVariableWidthVector bytes = (BaseVariableWidthVector) source;
      return Murmur3.hash(bytes.getDataBuffer(), bytes.getStartOffset(row), bytes.getValueLength(row));
    }
    return Murmur3.hashLong(longValue(source, type, row));
  }

  /**
   * Writes the decimal's unscaled value as the spec hashes it, minimal two's complement
   * big-endian (BigInteger.toByteArray's form), into {@code scratch}; returns its length.
   */
  private static int unscaledBytes(ArrowBuf data, int row, byte[] scratch) {
    long start = (long) row * DECIMAL_BYTES;
    for (int i = 0; i < DECIMAL_BYTES; i++) {
      scratch[i] = data.getByte(start + DECIMAL_BYTES - 1 - i); // Arrow stores them little-endian
    }
    int skip = 0;
    // A leading byte is redundant when it only repeats the sign of the byte after it.
    while (skip < DECIMAL_BYTES - 1 && (scratch[skip] == 0 || scratch[skip] == -1)
        && (scratch[skip] < 0) == (scratch[skip + 1] < 0)) {
      skip++;
    }
    System.arraycopy(scratch, skip, scratch, 0, DECIMAL_BYTES - skip);
    return DECIMAL_BYTES - skip;
  }

  /** An int, long, date, time or timestamp column's value as the long the spec hashes. */
  private static long longValue(FieldVector source, Type type, int row) {
    return switch ((Primitive) type) {
      case INT, LONG -> ((BaseIntVector) source).getValueAsLong(row);
      case DATE -> ((DateDayVector) source).get(row);
      case TIME -> ((TimeMicroVector) source).get(row);
      case TIMESTAMP, TIMESTAMPTZ -> ((TimeStampVector) source).get(row);
      default -> throw new IllegalArgumentException(type.typeName() + " is not integral");
    };
  }

  private static void truncate(FieldVector source, Type type, int width, FieldVector out) {
    int rows = source.getValueCount();
    if (type instanceof Type.Decimal decimal) {
      truncateDecimals((DecimalVector) source, decimal, width, (DecimalVector) out);
      return;
    }
    for (int row = 0; row < rows; row++) {
      if (source.isNull(row)) {
        out.setNull(row);
      } else if (type == Primitive.INT) {
        ((IntVector) out).set(row, TransformValues.truncateInt((int) longValue(source, type, row), width));
      } else if (type == Primitive.LONG) {
        ((BigIntVector) out).set(row, TransformValues.truncateLong(longValue(source, type, row), width));
      } else {
        BaseVariableWidthVector bytes = (BaseVariableWidthVector) source;
        ArrowBuf data = bytes.getDataBuffer();
        int start = bytes.getStartOffset(row);
        int length = bytes.getValueLength(row);
        int kept = type == Primitive.STRING ? utf8PrefixLength(data, start, length, width) : Math.min(width, length);
        ((BaseVariableWidthVector) out).setSafe(row, 1, start, start + kept, data);
      }
    }
  }

  /** As {@link TransformValues#utf8PrefixLength}, over an Arrow buffer. */
  private static int utf8PrefixLength(ArrowBuf data, int start, int length, int codePoints) {
    int seen = 0;
    for (int i = 0; i < length; i++) {
      if ((data.getByte(start + i) & 0xC0) != 0x80 && seen++ == codePoints) {
        return i;
      }
    }
    return length;
  }

  private static void truncateDecimals(DecimalVector source, Type.Decimal type, int width, DecimalVector out) {
    int rows = source.getValueCount();
    ArrowBuf data = source.getDataBuffer();
    for (int row = 0; row < rows; row++) {
      if (source.isNull(row)) {
        out.setNull(row);
      } else if (type.precision() <= 18) {
        // The unscaled value fits the low 8 bytes, and truncating it cannot overflow a long.
        long unscaled = data.getLong((long) row * DECIMAL_BYTES);
        out.set(row, TransformValues.truncateLong(unscaled, width));
      } else {
        BigInteger unscaled = source.getObject(row).unscaledValue();
        // Raw bytes: a truncated value may have one digit more than the column's precision.
        out.setBigEndian(row, TransformValues.truncateUnscaled(unscaled, width).toByteArray());
      }
    }
  }

  private static void time(Transform transform, FieldVector source, Type type, FieldVector out) {
    int rows = source.getValueCount();
    boolean date = type == Primitive.DATE;
    for (int row = 0; row < rows; row++) {
      if (source.isNull(row)) {
        out.setNull(row);
        continue;
      }
      long value = date ? ((DateDayVector) source).get(row) : ((TimeStampVector) source).get(row);
      if (transform instanceof Transform.Hour) {
        ((IntVector) out).set(row, TransformValues.hours(value));
        continue;
      }
      int days = date ? (int) value : TransformValues.days(value);
      if (transform instanceof Transform.Day) {
        ((DateDayVector) out).set(row, days);
      } else if (transform instanceof Transform.Month) {
        ((IntVector) out).set(row, TransformValues.monthsFromDays(days));
      } else {
        ((IntVector) out).set(row, TransformValues.yearsFromDays(days));
      }
    }
  }
}
