package dev.datashard.partition;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One partition's values, in spec field order and storage form ({@link TransformValues}), null
 * where the partition value is null. Immutable; equal when the values are (byte arrays by content).
 */
public final class PartitionKey {
  /** The tuple of a file of an unpartitioned table: no values. */
  public static final PartitionKey UNPARTITIONED = new PartitionKey(List.of());

  private final Object[] values;

  public PartitionKey(List<Object> values) {
    this.values = values.stream().map(PartitionKey::copy).toArray();
  }

  public int size() {
    return values.length;
  }

  /** The value of the {@code index}th partition field (a byte array is a copy). */
  public Object get(int index) {
    return copy(values[index]);
  }

  public List<Object> values() {
    return Collections.unmodifiableList(Arrays.asList(values.clone()));
  }

  private static Object copy(Object value) {
    return value instanceof byte[] bytes ? bytes.clone() : value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PartitionKey other && Arrays.deepEquals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    return Arrays.deepToString(values);
  }
}
