package dev.datashard.plan;

import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.expressions.BoundFilter;
import dev.datashard.io.parquet.ParquetFooter;
import dev.datashard.io.parquet.ParquetFooter.ColumnStatistics;
import dev.datashard.io.parquet.ParquetFooter.RowGroupStatistics;
import dev.datashard.metadata.DataFile;
import dev.datashard.partition.PartitionKey;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Which row groups of a file may hold rows matching a filter, judged from the file's footer by
 * the same rule that prunes whole files ({@link BoundFilter#mightMatch}): each row group's Parquet
 * statistics become the bounds a manifest would record for it. Statistics whose Parquet encoding
 * does not map plainly to the column's Iceberg type are left out, which only ever keeps more.
 */
public final class RowGroups {
  /** Every row group: a scan without a filter. */
  public static final Function<ParquetFooter, BitSet> ALL = ParquetFooter::allRowGroups;

  private RowGroups() {}

  /** A selector for {@link FileScanTask#rowGroups()}: {@code bound} must be bound to {@code schema}. */
  public static Function<ParquetFooter, BitSet> matching(BoundFilter bound, Schema schema) {
    return footer -> {
      BitSet keep = new BitSet();
      for (RowGroupStatistics group : footer.rowGroups()) {
        if (bound.mightMatch(asDataFile(footer, group, schema))) {
          keep.set(group.index());
        }
      }
      return keep;
    };
  }

  private static DataFile asDataFile(ParquetFooter footer, RowGroupStatistics group, Schema schema) {
    Map<Integer, Long> valueCounts = new HashMap<>();
    Map<Integer, Long> nullCounts = new HashMap<>();
    Map<Integer, byte[]> lower = new HashMap<>();
    Map<Integer, byte[]> upper = new HashMap<>();
    for (Field field : schema.fields()) {
      ColumnStatistics stats = group.columns().get(field.id());
      if (stats == null) {
        continue;
      }
      valueCounts.put(field.id(), stats.valueCount());
      if (stats.nullCount() != null) {
        nullCounts.put(field.id(), stats.nullCount());
      }
      byte[] min = bound(field.type(), stats, stats.min());
      byte[] max = bound(field.type(), stats, stats.max());
      if (min != null && max != null) {
        lower.put(field.id(), min);
        upper.put(field.id(), max);
      }
    }
    // NaN counts are not in Parquet's statistics: left unknown, so NaN is assumed possible.
    return new DataFile(footer.location(), "PARQUET", group.rowCount(), footer.fileSize(), Map.of(), valueCounts,
        nullCounts, Map.of(), lower, upper, PartitionKey.UNPARTITIONED);
  }

  /** A Parquet statistic in the Iceberg single-value form of {@code type}, or null when it does not map plainly. */
  static byte[] bound(Type type, ColumnStatistics stats, byte[] value) {
    if (value == null) {
      return null;
    }
    String physical = stats.physicalType();
    if (type instanceof Type.Decimal) {
      return switch (physical) {
        case "INT32" -> value.length == 4 ? BigInteger.valueOf(le(value).getInt()).toByteArray() : null;
        case "INT64" -> value.length == 8 ? BigInteger.valueOf(le(value).getLong()).toByteArray() : null;
        case "FIXED_LEN_BYTE_ARRAY", "BYTE_ARRAY" -> value.length == 0 ? null : new BigInteger(value).toByteArray();
        default -> null;
      };
    }
    if (type instanceof Type.Fixed) {
      return physical.equals("FIXED_LEN_BYTE_ARRAY") ? value : null;
    }
    if (!(type instanceof Type.Primitive primitive)) {
      return null;
    }
    // A column promoted from int or float keeps 4-byte statistics in its older files.
    if (primitive == Type.Primitive.LONG && physical.equals("INT32") && value.length == 4) {
      return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(le(value).getInt()).array();
    }
    if (primitive == Type.Primitive.DOUBLE && physical.equals("FLOAT") && value.length == 4) {
      float single = le(value).getFloat();
      return Float.isNaN(single) ? null : ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(single).array();
    }
    boolean plain = switch (primitive) {
      case BOOLEAN -> physical.equals("BOOLEAN") && value.length == 1;
      case INT, DATE -> physical.equals("INT32") && value.length == 4;
      case LONG -> physical.equals("INT64") && value.length == 8;
      case TIME, TIMESTAMP, TIMESTAMPTZ -> physical.equals("INT64") && value.length == 8 && "MICROS".equals(stats.timeUnit());
      case FLOAT -> physical.equals("FLOAT") && value.length == 4;
      case DOUBLE -> physical.equals("DOUBLE") && value.length == 8;
      case STRING, BINARY -> physical.equals("BYTE_ARRAY");
      case UUID -> physical.equals("FIXED_LEN_BYTE_ARRAY") && value.length == 16;
    };
    if (plain && (primitive == Type.Primitive.FLOAT || primitive == Type.Primitive.DOUBLE) && isNaN(primitive, value)) {
      return null; // bounds never hold NaN
    }
    return plain ? value : null;
  }

  private static boolean isNaN(Type.Primitive type, byte[] value) {
    return type == Type.Primitive.FLOAT ? Float.isNaN(le(value).getFloat()) : Double.isNaN(le(value).getDouble());
  }

  private static ByteBuffer le(byte[] value) {
    return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
  }
}
