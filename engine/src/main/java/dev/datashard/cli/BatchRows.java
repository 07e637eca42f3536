package dev.datashard.cli;

import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.ValidationException;
import dev.datashard.arrow.ArrowSchemas;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One batch of the table's rows being filled from text, row by row, column by column: remembers
 * which columns the current row gave, so that a column given twice is an error and one left out
 * is a null (or an error when required). Owns its root; reused from batch to batch, its buffers
 * handed on by {@link #moveTo}.
 */
final class BatchRows implements AutoCloseable {
  private final VectorSchemaRoot root;
  private final ColumnWriter[] columns;
  private final byte[][] names;
  private final int capacity;
  /** For each column, the row (plus one) that last gave it a value. */
  private final int[] given;
  private int row;

  BatchRows(BufferAllocator allocator, Schema schema, int capacity) {
    this.capacity = capacity;
    root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
    List<Field> fields = schema.fields();
    columns = new ColumnWriter[fields.size()];
    names = new byte[fields.size()][];
    given = new int[fields.size()];
    for (int c = 0; c < columns.length; c++) {
      FieldVector vector = root.getVector(c);
      vector.setInitialCapacity(capacity);
      vector.allocateNew();
      columns[c] = new ColumnWriter(fields.get(c), vector);
      names[c] = fields.get(c).name().getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The table column named by the UTF-8 bytes, trying {@code guess} first (names mostly come in table order); -1 if none. */
  int columnIndex(byte[] bytes, int start, int end, int guess) {
    int length = end - start;
    if (guess >= 0 && guess < names.length && Arrays.equals(names[guess], 0, names[guess].length, bytes, start, end)) {
      return guess;
    }
    for (int c = 0; c < names.length; c++) {
      if (names[c].length == length && Arrays.equals(names[c], 0, length, bytes, start, end)) {
        return c;
      }
    }
    return -1;
  }

  ValidationException unknownColumn(String name, long line) {
    return new ValidationException("line " + line + ": unknown column '" + name + "' (table columns: "
        + Arrays.stream(columns).map(c -> c.field().name()).collect(Collectors.joining(", ")) + ")");
  }

  int columnCount() {
    return columns.length;
  }

  /** The writer of column {@code c} for the current row, which must not have given it yet. */
  ColumnWriter give(int c, long line) {
    if (given[c] == row + 1) {
      // JSON parsers disagree on which of the two counts; taking either would be a guess.
      throw new ValidationException("line " + line + ": field '" + columns[c].field().name() + "' appears twice");
    }
    given[c] = row + 1;
    return columns[c];
  }

  /** The current row's index in the batch. */
  int row() {
    return row;
  }

  /** Ends the current row: the columns it did not give are null. */
  void endRow(long line) {
    for (int c = 0; c < columns.length; c++) {
      if (given[c] != row + 1) {
        columns[c].value(row, null, line);
      }
    }
    row++;
  }

  /** Forgets what the current row gave, for writing it again from the start. */
  void restartRow() {
    for (int c = 0; c < columns.length; c++) {
      if (given[c] == row + 1) {
        given[c] = 0;
      }
    }
  }

  boolean isFull() {
    return row == capacity;
  }

  /** Seals the rows written so far as the root's batch; the number of rows. */
  int seal() {
    root.setRowCount(row);
    return row;
  }

  /** Starts an empty batch, in new buffers if the last batch's were moved out. */
  void clear() {
    for (FieldVector vector : root.getFieldVectors()) {
      if (vector.getValueCapacity() == 0) {
        vector.setInitialCapacity(capacity);
        vector.allocateNew();
      } else {
        vector.reset();
      }
    }
    Arrays.fill(given, 0);
    row = 0;
  }

  /** Moves the sealed batch's buffers, without copying them, into {@code target} (of the same schema). */
  void moveTo(VectorSchemaRoot target) {
    for (int c = 0; c < columns.length; c++) {
      root.getVector(c).makeTransferPair(target.getVector(c)).transfer();
    }
    target.setRowCount(root.getRowCount());
  }

  @Override
  public void close() {
    root.close();
  }
}
