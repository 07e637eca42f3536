package dev.datashard.arrow;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Batches of some rows of other batches: what a reader that drops rows (a filter, delete files)
 * hands out. The output batch has the leading columns of the input and belongs to the reader.
 */
public final class SelectedRows {
  private SelectedRows() {}

  /** An empty batch of the first {@code columns} columns of {@code like}, for the caller to close. */
  public static VectorSchemaRoot emptyLike(VectorSchemaRoot like, int columns, BufferAllocator allocator) {
    List<FieldVector> vectors = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      vectors.add(like.getVector(c).getField().createVector(allocator));
    }
    return new VectorSchemaRoot(vectors);
  }

  /** Fills {@code to} (its columns the first of {@code from}) with the rows of {@code from} set in {@code rows}. */
  public static void copy(VectorSchemaRoot from, BitSet rows, VectorSchemaRoot to) {
    to.clear();
    int count = rows.cardinality();
    for (int c = 0; c < to.getFieldVectors().size(); c++) {
      FieldVector target = to.getVector(c);
      target.allocateNew();
      TransferPair copier = from.getVector(c).makeTransferPair(target);
      int at = 0;
      for (int row = rows.nextSetBit(0); row >= 0; row = rows.nextSetBit(row + 1)) {
        copier.copyValueSafe(row, at++);
      }
      target.setValueCount(count);
    }
    to.setRowCount(count);
  }

  /** Moves every row of the first columns of {@code from} into {@code to}, without copying. */
  public static void transfer(VectorSchemaRoot from, VectorSchemaRoot to) {
    to.clear();
    for (int c = 0; c < to.getFieldVectors().size(); c++) {
      from.getVector(c).makeTransferPair(to.getVector(c)).transfer();
    }
    to.setRowCount(from.getRowCount());
  }
}
