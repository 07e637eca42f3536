package dev.datashard;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Deletes the rows matching a filter, in one snapshot: files every row of which matches are
 * removed in metadata; from the others the rows go by copy-on-write or merge-on-read, as the
 * table's {@code write.delete.mode} says (see {@link Transaction#deleteWhere}). A comparison with
 * null is never true, so a row whose filter column is null is never deleted by {@code x < 5}.
 *
 * <pre>{@code
 * table.newDelete().where(Expression.lessThan("ts", cutoff)).commit();
 * }</pre>
 */
public final class RowDelete {
  private final Table table;
  private Expression filter;

  RowDelete(Table table) {
    this.table = table;
  }

  /** The rows to delete (combined by AND with an earlier call). */
  public RowDelete where(Expression filter) {
    requireNonNull(filter, "filter");
    this.filter = this.filter == null ? filter : Expression.and(this.filter, filter);
    return this;
  }

  /**
   * Commits the delete: a {@code delete} snapshot (an {@code overwrite} when copy-on-write wrote
   * surviving rows again); empty when no row matched, and then nothing is committed.
   */
  public Optional<Snapshot> commit() {
    if (filter == null) {
      throw new ValidationException("a delete needs a filter (where): Expression.alwaysTrue() deletes every row");
    }
    try (Transaction tx = table.newTransaction()) {
      return tx.deleteWhere(filter).commit();
    }
  }
}
