package dev.datashard.expressions;

import dev.datashard.Field;
import dev.datashard.metadata.DataFile;
import java.util.function.Function;

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
