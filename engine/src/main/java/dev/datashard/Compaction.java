package dev.datashard;

import static java.util.Objects.requireNonNull;

import dev.datashard.change.Compactions;
import java.util.Optional;

/**
 * Rewrites small data files (and files that delete files apply to) into files of the target
 * size, in a {@code replace} snapshot that changes no row: within each partition, files below
 * three quarters of the target size (Iceberg's default minimum) are bin-packed together with the
 * deletes that apply to them applied; the position-delete files made obsolete are dropped and,
 * when the table has several data manifests, they are rewritten into one per partition spec.
 * A concurrent append is kept; a concurrent delete or compaction of the same files makes this one
 * fail with a conflict, changing nothing.
 *
 * <pre>{@code
 * Compaction.Result result = table.rewriteDataFiles().targetSizeBytes(128L << 20).commit();
 * }</pre>
 */
public final class Compaction {
  private final Table table;
  private Expression filter = Expression.alwaysTrue();
  private Long targetSizeBytes;

  /**
   * What a compaction did.
   *
   * @param snapshot the {@code replace} snapshot, empty when there was nothing to rewrite
   */
  public record Result(Optional<Snapshot> snapshot, int rewrittenDataFiles, int addedDataFiles,
      int removedDeleteFiles, long rewrittenBytes) {
    public Result {
      requireNonNull(snapshot, "snapshot");
    }
  }

  Compaction(Table table) {
    this.table = table;
  }

  /** Only files that may hold rows matching {@code filter} (by their statistics) are considered. */
  public Compaction where(Expression filter) {
    requireNonNull(filter, "filter");
    this.filter = this.filter instanceof Expression.True ? filter : Expression.and(this.filter, filter);
    return this;
  }

  /** The size of the files written; the table's {@code write.target-file-size-bytes} by default. */
  public Compaction targetSizeBytes(long bytes) {
    if (bytes <= 0) {
      throw new ValidationException("a compaction's target file size must be positive, not " + bytes);
    }
    this.targetSizeBytes = bytes;
    return this;
  }

  public Result commit() {
    Compactions.Outcome outcome = Compactions.compact(table.operations(), filter, targetSizeBytes, table.allocator());
    return new Result(outcome.snapshot(), outcome.rewrittenDataFiles(), outcome.addedDataFiles(),
        outcome.removedDeleteFiles(), outcome.rewrittenBytes());
  }
}
