package dev.datashard.arrow;

import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.io.parquet.ColumnSummary;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Collects a data file's Iceberg column metrics while its batches stream to the Parquet writer:
 * value, null and NaN counts for every top-level column, and lower/upper bounds (strings and
 * binary truncated to 16, as Iceberg's default metrics mode) for primitive ones.
 */
public final class ColumnStatistics {
  private static final int TRUNCATE_LENGTH = 16;

  private final Schema schema;
  private final Map<Integer, Accumulator> columns = new HashMap<>();
  private long rowCount;

  public ColumnStatistics(Schema schema) {
    this.schema = schema;
    for (Field field : schema.fields()) {
      columns.put(field.id(), new Accumulator(field.type()));
    }
  }

  /** Adds one batch whose vectors are in the schema's column order. */
  public void add(VectorSchemaRoot batch) {
    add(batch, 0, batch.getRowCount());
  }

  /** Adds rows {@code [from, to)} of a batch whose vectors are in the schema's column order. */
  public void add(VectorSchemaRoot batch, int from, int to) {
    rowCount += to - from;
    boolean whole = from == 0 && to == batch.getRowCount();
    for (int c = 0; c < schema.fields().size(); c++) {
      Field field = schema.fields().get(c);
      columns.get(field.id()).add(batch.getVector(c), from, to, whole);
    }
  }

  /**
   * The statistics of a file from what its Parquet writer counted while writing it
   * ({@link ColumnSummary} of each top-level column, in schema order): no value is looked at
   * again, and the result is what {@link #add} would have collected from the same rows.
   */
  public static ColumnStatistics fromSummaries(Schema schema, long rowCount,
      IntFunction<Optional<ColumnSummary>> summaries) {
    ColumnStatistics statistics = new ColumnStatistics(schema);
    statistics.rowCount = rowCount;
    for (int c = 0; c < schema.fields().size(); c++) {
      Accumulator accumulator = statistics.columns.get(schema.fields().get(c).id());
      summaries.apply(c).ifPresent(accumulator::add);
    }
    return statistics;
  }

  public long rowCount() {
    return rowCount;
  }

  public Map<Integer, Long> valueCounts() {
    Map<Integer, Long> counts = new HashMap<>();
    columns.forEach((id, acc) -> {
      if (acc.type.isPrimitive()) {
        counts.put(id, rowCount);
      }
    });
    return counts;
  }

  public Map<Integer, Long> nullCounts() {
    Map<Integer, Long> counts = new HashMap<>();
    columns.forEach((id, acc) -> {
      if (acc.type.isPrimitive()) {
        counts.put(id, acc.nulls);
      }
    });
    return counts;
  }

  public Map<Integer, Long> nanCounts() {
    Map<Integer, Long> counts = new HashMap<>();
    columns.forEach((id, acc) -> {
      if (acc.type == Type.Primitive.FLOAT || acc.type == Type.Primitive.DOUBLE) {
        counts.put(id, acc.nans);
      }
    });
    return counts;
  }

  public Map<Integer, byte[]> lowerBounds() {
    Map<Integer, byte[]> bounds = new HashMap<>();
    columns.forEach((id, acc) -> {
      byte[] bound = acc.lowerBound();
      if (bound != null) {
        bounds.put(id, bound);
      }
    });
    return bounds;
  }

  public Map<Integer, byte[]> upperBounds() {
    Map<Integer, byte[]> bounds = new HashMap<>();
    columns.forEach((id, acc) -> {
      byte[] bound = acc.upperBound();
      if (bound != null) {
        bounds.put(id, bound);
      }
    });
    return bounds;
  }

  /** Running min/max of one column, kept in the comparison domain of its type. */
  private static final class Accumulator {
    private final Type type;
    private long nulls;
    private long nans;
    private boolean seen;
    private long minLong;
    private long maxLong;
    private double minDouble;
    private double maxDouble;
    private BigDecimal minDecimal;
    private BigDecimal maxDecimal;
    private byte[] minBytes;
    private byte[] maxBytes;

    Accumulator(Type type) {
      this.type = type;
    }

    void add(FieldVector vector, int from, int to, boolean whole) {
      if (!type.isPrimitive()) {
        // Nested columns have no counts or bounds of their own in the manifests.
        return;
      }
      if (whole) {
        nulls += vector.getNullCount();
      } else if (vector.getNullCount() > 0) {
        for (int i = from; i < to; i++) {
          if (vector.isNull(i)) {
            nulls++;
          }
        }
      }
      if (type == Type.Primitive.UUID) {
        // A uuid bound would mislead some reader either way: the order is unsigned bytes (Parquet,
        // RFC 9562, DataShard's filters), but Iceberg Java 1.10 compares uuids as signed longs
        // (apache/iceberg#14216) and would prune on it wrongly.
        return;
      }
      if (vector instanceof BigIntVector v) {
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            acceptLong(v.get(i));
          }
        }
      } else if (vector instanceof IntVector v) {
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            acceptLong(v.get(i));
          }
        }
      } else if (vector instanceof DateDayVector v) {
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            acceptLong(v.get(i));
          }
        }
      } else if (vector instanceof TimeMicroVector v) {
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            acceptLong(v.get(i));
          }
        }
      } else if (vector instanceof TimeStampVector v) {
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            acceptLong(v.get(i));
          }
        }
      } else if (vector instanceof BitVector v) {
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            acceptLong(v.get(i));
          }
        }
      } else if (vector instanceof Float8Vector v) {
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            acceptDouble(v.get(i));
          }
        }
      } else if (vector instanceof Float4Vector v) {
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            acceptDouble(v.get(i));
          }
        }
      } else if (vector instanceof DecimalVector v) {
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            BigDecimal value = v.getObject(i);
            minDecimal = minDecimal == null || value.compareTo(minDecimal) < 0 ? value : minDecimal;
            maxDecimal = maxDecimal == null || value.compareTo(maxDecimal) > 0 ? value : maxDecimal;
          }
        }
      } else if (vector instanceof BaseVariableWidthVector v) {
        // Compared in place in Arrow memory: only a new minimum or maximum is copied to the heap
        // (a copy per value was most of an ingest's heap allocation).
        ArrowBuf data = v.getDataBuffer();
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            int start = v.getStartOffset(i);
            int end = start + v.getValueLength(i);
            if (minBytes == null || ByteFunctionHelpers.compare(data, start, end, minBytes, 0, minBytes.length) < 0) {
              minBytes = v.get(i);
            }
            if (maxBytes == null || ByteFunctionHelpers.compare(data, start, end, maxBytes, 0, maxBytes.length) > 0) {
              maxBytes = v.get(i);
            }
          }
        }
      } else if (vector instanceof FixedSizeBinaryVector v) {
        for (int i = from; i < to; i++) {
          if (!v.isNull(i)) {
            acceptBytes(v.get(i));
          }
        }
      }
    }

    /** A writer's summary of the column (values in Parquet's plain encoding of the type). */
    void add(ColumnSummary summary) {
      if (!type.isPrimitive()) {
        return;
      }
      nulls += summary.nullCount();
      nans += summary.nanCount();
      if (type == Type.Primitive.UUID || summary.min() == null) {
        return;
      }
      byte[] min = summary.min();
      byte[] max = summary.max();
      if (type instanceof Type.Decimal decimal) {
        BigDecimal low = decimal(min, decimal);
        BigDecimal high = decimal(max, decimal);
        minDecimal = minDecimal == null || low.compareTo(minDecimal) < 0 ? low : minDecimal;
        maxDecimal = maxDecimal == null || high.compareTo(maxDecimal) > 0 ? high : maxDecimal;
        return;
      }
      if (type instanceof Type.Fixed) {
        acceptBytes(min);
        acceptBytes(max);
        return;
      }
      ByteBuffer low = ByteBuffer.wrap(min).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer high = ByteBuffer.wrap(max).order(ByteOrder.LITTLE_ENDIAN);
      switch ((Type.Primitive) type) {
        case BOOLEAN -> {
          acceptLong(min[0]);
          acceptLong(max[0]);
        }
        case INT, DATE -> {
          acceptLong(low.getInt(0));
          acceptLong(high.getInt(0));
        }
        case LONG, TIME, TIMESTAMP, TIMESTAMPTZ -> {
          acceptLong(low.getLong(0));
          acceptLong(high.getLong(0));
        }
        case FLOAT -> {
          acceptDouble(low.getFloat(0));
          acceptDouble(high.getFloat(0));
        }
        case DOUBLE -> {
          acceptDouble(low.getDouble(0));
          acceptDouble(high.getDouble(0));
        }
        case STRING, BINARY -> {
          acceptBytes(min);
          acceptBytes(max);
        }
        default -> {
        }
      }
    }

    private static BigDecimal decimal(byte[] plain, Type.Decimal type) {
      BigInteger unscaled = type.precision() <= 9
          ? BigInteger.valueOf(ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN).getInt(0))
          : type.precision() <= 18 ? BigInteger.valueOf(ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN).getLong(0))
          : new BigInteger(plain);
      return new BigDecimal(unscaled, type.scale());
    }

    private void acceptLong(long value) {
      if (!seen) {
        minLong = value;
        maxLong = value;
        seen = true;
      } else {
        minLong = Math.min(minLong, value);
        maxLong = Math.max(maxLong, value);
      }
    }

    private void acceptDouble(double value) {
      if (Double.isNaN(value)) {
        nans++;
        return;
      }
      if (!seen) {
        minDouble = value;
        maxDouble = value;
        seen = true;
      } else {
        minDouble = Math.min(minDouble, value);
        maxDouble = Math.max(maxDouble, value);
      }
    }

    private void acceptBytes(byte[] value) {
      if (minBytes == null || Arrays.compareUnsigned(value, minBytes) < 0) {
        minBytes = value;
      }
      if (maxBytes == null || Arrays.compareUnsigned(value, maxBytes) > 0) {
        maxBytes = value;
      }
    }

    byte[] lowerBound() {
      if (minBytes != null) {
        return type == Type.Primitive.STRING ? truncateString(minBytes, false)
            : type == Type.Primitive.BINARY ? truncateBinary(minBytes, false) : minBytes;
      }
      return encode(minLong, minDouble, minDecimal);
    }

    byte[] upperBound() {
      if (maxBytes != null) {
        return type == Type.Primitive.STRING ? truncateString(maxBytes, true)
            : type == Type.Primitive.BINARY ? truncateBinary(maxBytes, true) : maxBytes;
      }
      return encode(maxLong, maxDouble, maxDecimal);
    }

    private byte[] encode(long longValue, double doubleValue, BigDecimal decimal) {
      if (type instanceof Type.Decimal) {
        return decimal == null ? null : decimal.unscaledValue().toByteArray();
      }
      if (!seen) {
        return null;
      }
      return switch ((Type.Primitive) type) {
        case BOOLEAN -> new byte[] {(byte) longValue};
        case INT, DATE -> ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) longValue).array();
        case LONG, TIME, TIMESTAMP, TIMESTAMPTZ ->
            ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(longValue).array();
        case FLOAT -> ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat((float) doubleValue).array();
        case DOUBLE -> ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(doubleValue).array();
        default -> null;
      };
    }
  }

  /** Iceberg's truncate(16) for UTF-8: a prefix below, or a prefix whose last code point is raised above. */
  static byte[] truncateString(byte[] utf8, boolean upper) {
    String value = new String(utf8, StandardCharsets.UTF_8);
    if (value.codePointCount(0, value.length()) <= TRUNCATE_LENGTH) {
      return utf8;
    }
    int end = value.offsetByCodePoints(0, TRUNCATE_LENGTH);
    if (!upper) {
      return value.substring(0, end).getBytes(StandardCharsets.UTF_8);
    }
    int[] codePoints = value.substring(0, end).codePoints().toArray();
    for (int i = codePoints.length - 1; i >= 0; i--) {
      int next = codePoints[i] + 1;
      if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
        next = Character.MAX_SURROGATE + 1;
      }
      if (next <= Character.MAX_CODE_POINT) {
        codePoints[i] = next;
        return new String(codePoints, 0, i + 1).getBytes(StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  static byte[] truncateBinary(byte[] value, boolean upper) {
    if (value.length <= TRUNCATE_LENGTH) {
      return value;
    }
    byte[] prefix = Arrays.copyOf(value, TRUNCATE_LENGTH);
    if (!upper) {
      return prefix;
    }
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        prefix[i]++;
        return Arrays.copyOf(prefix, i + 1);
      }
    }
    return null;
  }
}
