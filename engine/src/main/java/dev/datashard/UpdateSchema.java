package dev.datashard;

import static java.util.Objects.requireNonNull;

import dev.datashard.commit.MetadataCommit;
import dev.datashard.commit.TableOperations;
import dev.datashard.evolution.SchemaChange;
import dev.datashard.evolution.SchemaChanges;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes to a table's schema, committed together as one new schema in one metadata version
 * ({@link Table#updateSchema()}). Columns are named by their dotted path ({@code parent.child}
 * for a field of a struct); changes apply in the order given. Only what the Iceberg spec allows
 * is accepted; anything else raises a {@link ValidationException} naming the column and the rule,
 * at the latest by {@link #commit()}, and the table stays unchanged.
 *
 * <pre>{@code
 * table.updateSchema().addColumn("country", Type.Primitive.STRING).moveAfter("country", "user_id")
 *     .renameColumn("ts", "event_time").updateColumn("count", Type.Primitive.LONG).commit();
 * }</pre>
 */
public final class UpdateSchema {
  private final Table table;
  private final List<SchemaChange> changes = new ArrayList<>();

  UpdateSchema(Table table) {
    this.table = requireNonNull(table, "table");
  }

  /** Adds an optional column at the end of the table, or of a struct for {@code parent.child}. */
  public UpdateSchema addColumn(String name, Type type) {
    return addColumn(name, type, null);
  }

  public UpdateSchema addColumn(String name, Type type, String doc) {
    changes.add(new SchemaChange.AddColumn(name, type, doc));
    return this;
  }

  /**
   * Refused: format version 2 has no {@code initial-default} (it came with format version 3), so
   * rows written before the column existed would have no value for a required column.
   */
  public UpdateSchema addRequiredColumn(String name, Type type) {
    requireNonNull(type, "type");
    throw new ValidationException("column '" + name + "': a required column cannot be added to a format "
        + "version 2 table; rows already written have no value for it (initial defaults need format "
        + "version 3); add it as optional");
  }

  public UpdateSchema renameColumn(String name, String newName) {
    changes.add(new SchemaChange.Rename(name, newName));
    return this;
  }

  /** Drops a column (with its nested fields); its field id is never reused, its data never read again. */
  public UpdateSchema deleteColumn(String name) {
    changes.add(new SchemaChange.Drop(name));
    return this;
  }

  /** Promotes a column's type: int to long, float to double, decimal(P,S) to decimal(P',S) with P' > P. */
  public UpdateSchema updateColumn(String name, Type newType) {
    changes.add(new SchemaChange.Promote(name, newType));
    return this;
  }

  public UpdateSchema makeColumnOptional(String name) {
    changes.add(new SchemaChange.MakeOptional(name));
    return this;
  }

  /** Refused: rows already written may hold nulls in an optional column. */
  public UpdateSchema requireColumn(String name) {
    throw new ValidationException("column '" + name + "': an optional column cannot be made required; "
        + "rows already written may hold nulls in it");
  }

  public UpdateSchema moveFirst(String name) {
    changes.add(new SchemaChange.Move(name, SchemaChange.Move.Placement.FIRST, null));
    return this;
  }

  public UpdateSchema moveBefore(String name, String before) {
    changes.add(new SchemaChange.Move(name, SchemaChange.Move.Placement.BEFORE, before));
    return this;
  }

  public UpdateSchema moveAfter(String name, String after) {
    changes.add(new SchemaChange.Move(name, SchemaChange.Move.Placement.AFTER, after));
    return this;
  }

  /** The schema the changes would make of the table's current schema, without committing. */
  public Schema apply() {
    return SchemaChanges.apply(table.metadata(), changes).schema();
  }

  /**
   * Commits the new schema as the table's current one in one new metadata version, with the same
   * optimistic retry as appends: the changes are applied again to the newest version after a
   * lost race, and refused if they no longer apply to it (another writer dropped the column...).
   * Returns the table's schema after the commit.
   */
  public Schema commit() {
    if (changes.isEmpty()) {
      return table.schema(); // nothing to change: no new version, as in Iceberg
    }
    TableOperations ops = table.operations();
    // The version the changes were first applied to: a refusal on a later one is due to another writer.
    int[] firstBase = {-1};
    MetadataCommit.commit(ops, "schema update", base -> {
      if (firstBase[0] < 0) {
        firstBase[0] = base.number();
      }
      SchemaChanges.Result result;
      try {
        result = SchemaChanges.apply(base.metadata(), changes);
      } catch (ValidationException e) {
        if (base.number() == firstBase[0]) {
          throw e;
        }
        throw new ValidationException("the schema change no longer applies to " + ops.location()
            + ", which another writer changed meanwhile (version " + base.number() + "): " + e.getMessage(), e);
      }
      return base.metadata().withCurrentSchema(result.schema(), result.lastColumnId(),
          System.currentTimeMillis(), base.file());
    });
    return table.schema();
  }
}
