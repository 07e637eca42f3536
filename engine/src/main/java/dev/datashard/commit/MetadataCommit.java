package dev.datashard.commit;

import dev.datashard.AmbiguousCommitException;
import dev.datashard.CommitFailedException;
import dev.datashard.io.AmbiguousWriteException;
import dev.datashard.metadata.TableMetadata;
import java.util.function.Function;

/**
 * Commits a change to table metadata alone (rollback, properties, snapshot expiry) with the same
 * optimistic protocol as appends: apply the change to the newest version, publish the next
 * version if absent, otherwise re-apply on the winner's metadata after a backoff.
 */
public final class MetadataCommit {
  private MetadataCommit() {}

  /**
   * @param change builds the new metadata from a base version; it may throw to refuse a base on
   *     which the change no longer makes sense
   */
  public static TableOperations.Version commit(TableOperations ops, String what,
      Function<TableOperations.Version, TableMetadata> change) {
    TableOperations.Version base = ops.refresh();
    RetryPolicy retry = RetryPolicy.fromProperties(base.metadata().properties());
    long deadline = System.currentTimeMillis() + retry.totalTimeoutMillis();
    for (int attempt = 1; ; attempt++) {
      TableMetadata updated = change.apply(base);
      try {
        var published = ops.publish(base, updated);
        if (published.isPresent()) {
          return published.get();
        }
      } catch (AmbiguousWriteException e) {
        TableOperations.Version latest;
        try {
          latest = ops.refresh();
        } catch (RuntimeException refreshFailure) {
          AmbiguousCommitException ambiguous = new AmbiguousCommitException(what + " on " + ops.location()
              + ": the store lost its answer and the table could not be re-read; reload it to see"
              + " whether the change is there", e);
          ambiguous.addSuppressed(refreshFailure);
          throw ambiguous;
        }
        if (latest.number() == base.number() + 1 && latest.metadata().equals(updated)) {
          return latest;
        }
      }
      if (attempt > retry.maxRetries() || System.currentTimeMillis() > deadline) {
        throw new CommitFailedException(what + " on " + ops.location() + " failed after " + attempt
            + " attempts: other writers kept publishing first", null);
      }
      try {
        Thread.sleep(retry.backoffMillis(attempt));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommitFailedException("interrupted while retrying " + what, e);
      }
      base = ops.refresh();
    }
  }
}
