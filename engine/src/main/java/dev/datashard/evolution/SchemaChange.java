package dev.datashard.evolution;

import static java.util.Objects.requireNonNull;

import dev.datashard.Type;

/**
 * One change of a schema update, naming columns by their dotted path ({@code parent.child} for a
 * field of a struct). Changes apply in order, each to the schema the previous ones left.
 */
public sealed interface SchemaChange {

  /** The column the change is about, as the caller named it. */
  String column();

  /** An optional column added as the last field of its struct ({@code parent.child}) or of the table. */
  record AddColumn(String column, Type type, String doc) implements SchemaChange {
    public AddColumn {
      requireNonNull(column, "column");
      requireNonNull(type, "type");
    }
  }

  record Rename(String column, String newName) implements SchemaChange {
    public Rename {
      requireNonNull(column, "column");
      requireNonNull(newName, "newName");
    }
  }

  record Drop(String column) implements SchemaChange {
    public Drop {
      requireNonNull(column, "column");
    }
  }

  /** A type promotion the spec allows: int to long, float to double, a wider decimal of the same scale. */
  record Promote(String column, Type newType) implements SchemaChange {
    public Promote {
      requireNonNull(column, "column");
      requireNonNull(newType, "newType");
    }
  }

  record MakeOptional(String column) implements SchemaChange {
    public MakeOptional {
      requireNonNull(column, "column");
    }
  }

  /** Moves a column first in its struct, or just before or after a sibling. */
  record Move(String column, Placement placement, String reference) implements SchemaChange {
    public enum Placement { FIRST, BEFORE, AFTER }

    public Move {
      requireNonNull(column, "column");
      requireNonNull(placement, "placement");
      if ((placement == Placement.FIRST) != (reference == null)) {
        throw new IllegalArgumentException(placement + " " + (reference == null ? "needs" : "takes no")
            + " reference column");
      }
    }
  }
}
