package dev.datashard.partition;

import static java.util.Objects.requireNonNull;

import dev.datashard.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The rows of a batch grouped by partition: the distinct partition keys in order of first
 * appearance and, per group, its row indexes in batch order. Built by hashing and comparing the
 * partition vectors' bytes in place; only one {@link PartitionKey} per group is made.
 */
public final class PartitionGroups {
  private static final int NULL_HASH = 0x5bd1e995;

  private final List<PartitionKey> keys;
  private final int[] groupOfRow;
  private final int[] groupStart;
  private final int[] rowsByGroup;

  private PartitionGroups(List<PartitionKey> keys, int[] groupOfRow) {
    this.keys = List.copyOf(keys);
    this.groupOfRow = groupOfRow;
    // A counting sort of the rows by group keeps each group's rows in batch order.
    groupStart = new int[keys.size() + 1];
    for (int group : groupOfRow) {
      groupStart[group + 1]++;
    }
    for (int g = 0; g < keys.size(); g++) {
      groupStart[g + 1] += groupStart[g];
    }
    rowsByGroup = new int[groupOfRow.length];
    int[] next = Arrays.copyOf(groupStart, keys.size());
    for (int row = 0; row < groupOfRow.length; row++) {
      rowsByGroup[next[groupOfRow[row]]++] = row;
    }
  }

  /** Groups the rows of {@code values}, the partition vectors {@link PartitionSpec#partitionValues} made. */
  static PartitionGroups of(PartitionSpec spec, VectorSchemaRoot values) {
    requireNonNull(values, "values");
    List<FieldVector> vectors = values.getFieldVectors();
    int rows = values.getRowCount();
    int[] groupOfRow = new int[rows];
    List<Integer> firstRows = new ArrayList<>();
    int[] slots = emptySlots(16);
    for (int row = 0; row < rows; row++) {
      int slot = probe(vectors, firstRows, slots, row);
      if (slots[slot] < 0) {
        slots[slot] = firstRows.size();
        firstRows.add(row);
      }
      groupOfRow[row] = slots[slot];
      if (firstRows.size() * 2 > slots.length) {
        slots = rehash(vectors, firstRows, slots.length * 2);
      }
    }
    List<PartitionKey> keys = new ArrayList<>();
    List<Field> types = spec.partitionType();
    for (int first : firstRows) {
      List<Object> key = new ArrayList<>();
      for (int f = 0; f < vectors.size(); f++) {
        key.add(PartitionValues.read(vectors.get(f), first, types.get(f).type()));
      }
      keys.add(new PartitionKey(key));
    }
    return new PartitionGroups(keys, groupOfRow);
  }

  /** The number of partitions in the batch. */
  public int size() {
    return keys.size();
  }

  public PartitionKey key(int group) {
    return keys.get(group);
  }

  public List<PartitionKey> keys() {
    return keys;
  }

  /** The group of row {@code row} of the batch. */
  public int groupOf(int row) {
    return groupOfRow[row];
  }

  /** The rows of group {@code group}, ascending. */
  public int[] rows(int group) {
    return Arrays.copyOfRange(rowsByGroup, groupStart[group], groupStart[group + 1]);
  }

  /** The slot of the group of rows equal to {@code row}, or the empty slot where it belongs (linear probing). */
  private static int probe(List<FieldVector> vectors, List<Integer> firstRows, int[] slots, int row) {
    int mask = slots.length - 1;
    int slot = rowHash(vectors, row) & mask;
    while (slots[slot] >= 0 && !sameRow(vectors, firstRows.get(slots[slot]), row)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private static int[] emptySlots(int size) {
    int[] slots = new int[size];
    Arrays.fill(slots, -1);
    return slots;
  }

  private static int[] rehash(List<FieldVector> vectors, List<Integer> firstRows, int size) {
    int[] slots = emptySlots(size);
    for (int group = 0; group < firstRows.size(); group++) {
      int slot = rowHash(vectors, firstRows.get(group)) & (size - 1);
      while (slots[slot] >= 0) {
        slot = (slot + 1) & (size - 1);
      }
      slots[slot] = group;
    }
    return slots;
  }

  private static int rowHash(List<FieldVector> vectors, int row) {
    int hash = 1;
    // Indexed, here and in sameRow: they run per row, and an iterator each allocated about 1 GB
    // per million rows of a 100-partition append (JFR).
    for (int i = 0; i < vectors.size(); i++) {
      hash = hash * 31 + valueHash(vectors.get(i), row);
    }
    return hash ^ hash >>> 16;
  }

  private static int valueHash(FieldVector vector, int row) {
    if (vector.isNull(row)) {
      return NULL_HASH;
    }
    if (vector instanceof BitVector bits) {
      return bits.get(row);
    }
    if (vector instanceof BaseFixedWidthVector fixed) {
      int width = fixed.getTypeWidth();
      return Murmur3.hash(fixed.getDataBuffer(), (long) row * width, width);
    }
    BaseVariableWidthVector variable = (BaseVariableWidthVector) vector;
    return Murmur3.hash(variable.getDataBuffer(), variable.getStartOffset(row), variable.getValueLength(row));
  }

  private static boolean sameRow(List<FieldVector> vectors, int a, int b) {
    for (int i = 0; i < vectors.size(); i++) {
      if (!sameValue(vectors.get(i), a, b)) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameValue(FieldVector vector, int a, int b) {
    boolean aNull = vector.isNull(a);
    if (aNull || vector.isNull(b)) {
      return aNull && vector.isNull(b);
    }
    if (vector instanceof BitVector bits) {
      return bits.get(a) == bits.get(b);
    }
    ArrowBuf data = vector.getDataBuffer();
    long aStart;
    long bStart;
    int aLength;
    int bLength;
    if (vector instanceof BaseFixedWidthVector fixed) {
      aLength = bLength = fixed.getTypeWidth();
      aStart = (long) a * aLength;
      bStart = (long) b * bLength;
    } else {
      BaseVariableWidthVector variable = (BaseVariableWidthVector) vector;
      aStart = variable.getStartOffset(a);
      bStart = variable.getStartOffset(b);
      aLength = variable.getValueLength(a);
      bLength = variable.getValueLength(b);
    }
    return aLength == bLength
        && ByteFunctionHelpers.equal(data, aStart, aStart + aLength, data, bStart, bStart + bLength) == 1;
  }
}
