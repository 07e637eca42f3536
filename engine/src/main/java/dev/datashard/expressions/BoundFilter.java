package dev.datashard.expressions;

import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.metadata.DataFile;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A filter bound to a schema, every NOT pushed into its predicates, each predicate the set of
 * values it accepts ({@link ValueSet}). A row matches when its value is in the set; a data file may
 * match when the set meets what the file's statistics allow ({@link FileColumn}). One set and one
 * order judge both, so pruning never drops a file holding a matching row. Null is in no set: a
 * comparison with null is never true, {@code !=} and {@code not in} included (SQL's rule).
 */
public final class BoundFilter {
  private final Node root;

  BoundFilter(Node root) {
    this.root = root;
  }

  /** False only when the file's statistics prove that no row matches. */
  public boolean mightMatch(DataFile file) {
    return root.mightMatch(file);
  }

  /** Whether a row matches; {@code values} reads a column of it as {@link ColumnValues#cell} does. */
  boolean matches(Function<Field, Object> values) {
    return root.matches(values);
  }

  /**
   * The rows of {@code batch} that match, by index.
   *
   * @param columns the batch's columns, in order (the filter's columns among them, by name)
   */
  public BitSet matchingRows(VectorSchemaRoot batch, Schema columns) {
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < columns.fields().size(); c++) {
      index.put(columns.fields().get(c).name(), c);
    }
    BitSet matching = new BitSet();
    int[] row = new int[1];
    for (row[0] = 0; row[0] < batch.getRowCount(); row[0]++) {
      if (matches(field -> ColumnValues.cell(batch.getVector(index.get(field.name())), row[0], field.type()))) {
        matching.set(row[0]);
      }
    }
    return matching;
  }

  sealed interface Node {
    boolean matches(Function<Field, Object> values);

    boolean mightMatch(DataFile file);
  }

  record Always() implements Node {
    public boolean matches(Function<Field, Object> values) {
      return true;
    }

    public boolean mightMatch(DataFile file) {
      return true;
    }
  }

  record And(Node left, Node right) implements Node {
    public boolean matches(Function<Field, Object> values) {
      return left.matches(values) && right.matches(values);
    }

    public boolean mightMatch(DataFile file) {
      return left.mightMatch(file) && right.mightMatch(file);
    }
  }

  record Or(Node left, Node right) implements Node {
    public boolean matches(Function<Field, Object> values) {
      return left.matches(values) || right.matches(values);
    }

    public boolean mightMatch(DataFile file) {
      return left.mightMatch(file) || right.mightMatch(file);
    }
  }

  record NullCheck(Field field, boolean isNull) implements Node {
    public boolean matches(Function<Field, Object> values) {
      return (values.apply(field) == null) == isNull;
    }

    public boolean mightMatch(DataFile file) {
      FileColumn column = FileColumn.of(file, field);
      return isNull ? column.mayHoldNull() : column.mayHoldNonNull();
    }
  }

  record ValueCheck(Field field, ValueSet accepted) implements Node {
    public boolean matches(Function<Field, Object> values) {
      Object value = values.apply(field);
      return value != null && accepted.contains(value);
    }

    public boolean mightMatch(DataFile file) {
      return FileColumn.of(file, field).mightHoldAnyOf(accepted);
    }
  }
}
