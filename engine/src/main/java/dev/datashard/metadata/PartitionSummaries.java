package dev.datashard.metadata;

import dev.datashard.Type;
import dev.datashard.partition.PartitionKey;
import dev.datashard.partition.PartitionSpec;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The manifest list's summary of a manifest's partition tuples, per partition field: whether a
 * null or NaN occurs, and the lowest and highest other value in the spec's binary single-value
 * form (strings and bytes ordered as unsigned bytes, which is code point order for UTF-8).
 */
public final class PartitionSummaries {
  private PartitionSummaries() {}

  /** The summaries of {@code files}, all partitioned by {@code spec}; empty for an unpartitioned spec. */
  public static List<ManifestFile.PartitionSummary> of(PartitionSpec spec, List<DataFile> files) {
    return ofPartitions(spec, files.stream().map(DataFile::partition).toList());
  }

  /** The summaries of delete files, all partitioned by {@code spec}. */
  public static List<ManifestFile.PartitionSummary> ofDeletes(PartitionSpec spec, List<DeleteFile> files) {
    return ofPartitions(spec, files.stream().map(DeleteFile::partition).toList());
  }

  private static List<ManifestFile.PartitionSummary> ofPartitions(PartitionSpec spec, List<PartitionKey> partitions) {
    List<ManifestFile.PartitionSummary> summaries = new ArrayList<>();
    for (int i = 0; i < spec.fields().size(); i++) {
      Type type = spec.partitionType().get(i).type();
      boolean containsNull = false;
      boolean containsNan = false;
      Object lower = null;
      Object upper = null;
      for (PartitionKey partition : partitions) {
        Object value = partition.get(i);
        if (value == null) {
          containsNull = true;
        } else if (value instanceof Float f && f.isNaN() || value instanceof Double d && d.isNaN()) {
          containsNan = true;
        } else {
          lower = lower == null || compare(value, lower) < 0 ? value : lower;
          upper = upper == null || compare(value, upper) > 0 ? value : upper;
        }
      }
      summaries.add(new ManifestFile.PartitionSummary(containsNull, containsNan, singleValue(type, lower),
          singleValue(type, upper)));
    }
    return summaries;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a instanceof byte[] x) {
      return Arrays.compareUnsigned(x, (byte[]) b);
    }
    return ((Comparable) a).compareTo(b);
  }

  /** The spec's binary single-value serialization of a storage-form value, or null. */
  public static byte[] singleValue(Type type, Object value) {
    if (value == null) {
      return null;
    }
    if (type instanceof Type.Decimal) {
      return ((BigDecimal) value).unscaledValue().toByteArray();
    }
    if (type instanceof Type.Fixed) {
      return ((byte[]) value).clone();
    }
    ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    switch ((Type.Primitive) type) {
      case BOOLEAN -> buffer.put((byte) ((Boolean) value ? 1 : 0));
      case INT, DATE -> buffer.putInt((Integer) value);
      case LONG, TIME, TIMESTAMP, TIMESTAMPTZ -> buffer.putLong((Long) value);
      case FLOAT -> buffer.putFloat((Float) value);
      case DOUBLE -> buffer.putDouble((Double) value);
      case STRING, UUID, BINARY -> {
        return ((byte[]) value).clone();
      }
    }
    return Arrays.copyOf(buffer.array(), buffer.position());
  }
}
