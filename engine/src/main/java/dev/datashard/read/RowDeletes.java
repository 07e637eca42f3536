package dev.datashard.read;

import static java.util.Objects.requireNonNull;

import dev.datashard.Type;
import dev.datashard.arrow.ArrowValues;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The rows of one data file that its delete files remove: positions, and keys of equality deletes.
 * Tells which rows of a batch of the file are deleted, given the position of the batch's first row.
 */
final class RowDeletes {
  static final RowDeletes NONE = new RowDeletes(new long[0], List.of());

  /**
   * The keys one equality delete file removes.
   *
   * @param columns the indexes in the scan's batches of the compared columns
   * @param types their types
   * @param keys the deleted values of those columns, as {@link #key} makes them
   */
  record EqualityDeletes(int[] columns, List<Type> types, Set<List<Object>> keys) {
    EqualityDeletes {
      requireNonNull(columns, "columns");
      types = List.copyOf(types);
      requireNonNull(keys, "keys");
    }

    boolean deletes(VectorSchemaRoot batch, int row) {
      Object[] values = new Object[columns.length];
      for (int c = 0; c < columns.length; c++) {
        values[c] = comparable(ArrowValues.get(batch.getVector(columns[c]), row, types.get(c)));
      }
      return keys.contains(Arrays.asList(values));
    }
  }

  /** A row's values of some columns as a key: equal when every value is (null equals null, as Iceberg compares them). */
  static List<Object> key(Object[] values) {
    Object[] key = new Object[values.length];
    for (int c = 0; c < values.length; c++) {
      key[c] = comparable(values[c]);
    }
    return Arrays.asList(key);
  }

  /** Byte arrays compare by identity: their contents as a buffer compare by value. */
  private static Object comparable(Object value) {
    return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
  }

  /** Sorted, distinct. */
  private final long[] positions;
  private final List<EqualityDeletes> equalityDeletes;

  RowDeletes(long[] positions, List<EqualityDeletes> equalityDeletes) {
    this.positions = positions;
    this.equalityDeletes = List.copyOf(equalityDeletes);
  }

  boolean isEmpty() {
    return positions.length == 0 && equalityDeletes.isEmpty();
  }

  /** The deleted rows of {@code batch}, whose first row is at position {@code firstRow} of the file. */
  BitSet deleted(VectorSchemaRoot batch, long firstRow) {
    int rows = batch.getRowCount();
    BitSet deleted = new BitSet(rows);
    int search = Arrays.binarySearch(positions, firstRow);
    for (int i = search >= 0 ? search : -search - 1; i < positions.length && positions[i] < firstRow + rows; i++) {
      deleted.set((int) (positions[i] - firstRow));
    }
    for (EqualityDeletes equality : equalityDeletes) {
      for (int row = deleted.nextClearBit(0); row < rows; row = deleted.nextClearBit(row + 1)) {
        if (equality.deletes(batch, row)) {
          deleted.set(row);
        }
      }
    }
    return deleted;
  }
}
