package dev.datashard.commit;

import dev.datashard.AmbiguousCommitException;
import dev.datashard.CommitFailedException;
import dev.datashard.io.AmbiguousWriteException;
import dev.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Commits a change to table metadata alone (rollback, properties, snapshot expiry, file deletes)
 * with the same optimistic protocol as appends: apply the change to the newest version, publish
 * the next version if absent, otherwise re-apply on the winner's metadata after a backoff.
 *
 * <p>A publish the store did not answer may still land later. Until its version is taken, each
 * later look at the table checks whether that version holds this commit's metadata, so a change
 * whose first PUT landed late is neither applied twice nor reported as failed; giving up while one
 * is unresolved is reported as an {@link AmbiguousCommitException}.
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
    // Version number -> what this commit tried to publish there without an answer (a version can
    // be tried more than once while it stays free, and any of those PUTs may be the one to land).
    Map<Integer, List<TableMetadata>> unanswered = new HashMap<>();
    for (int attempt = 1; ; attempt++) {
      TableMetadata updated = change.apply(base);
      try {
        var published = ops.publish(base, updated);
        if (published.isPresent()) {
          return published.get();
        }
      } catch (AmbiguousWriteException e) {
        unanswered.computeIfAbsent(base.number() + 1, version -> new ArrayList<>()).add(updated);
      }
      if (attempt > retry.maxRetries() || System.currentTimeMillis() > deadline) {
        base = refresh(ops, what, unanswered);
        Optional<TableOperations.Version> own = ownVersion(ops, base, unanswered);
        if (own.isPresent()) {
          return own.get();
        }
        if (!unanswered.isEmpty()) {
          throw new AmbiguousCommitException(what + " on " + ops.location() + " gave up after " + attempt
              + " attempts, one of them without an answer from the store: the change may still appear"
              + " as version " + unanswered.keySet().stream().sorted().map(String::valueOf)
                  .collect(Collectors.joining(" or ")) + "; reload the table to see", null);
        }
        throw new CommitFailedException(what + " on " + ops.location() + " failed after " + attempt
            + " attempts: other writers kept publishing first", null);
      }
      try {
        Thread.sleep(retry.backoffMillis(attempt));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommitFailedException("interrupted while retrying " + what, e);
      }
      base = refresh(ops, what, unanswered);
      Optional<TableOperations.Version> own = ownVersion(ops, base, unanswered);
      if (own.isPresent()) {
        return own.get();
      }
    }
  }

  private static TableOperations.Version refresh(TableOperations ops, String what,
      Map<Integer, List<TableMetadata>> unanswered) {
    try {
      return ops.refresh();
    } catch (RuntimeException e) {
      if (unanswered.isEmpty()) {
        throw e;
      }
      throw new AmbiguousCommitException(what + " on " + ops.location() + ": the store lost its answer"
          + " and the table could not be re-read; reload it to see whether the change is there", e);
    }
  }

  /**
   * The version one of this commit's unanswered publishes landed in, if any; forgets those whose
   * version another writer took, as they can no longer land.
   */
  private static Optional<TableOperations.Version> ownVersion(TableOperations ops,
      TableOperations.Version latest, Map<Integer, List<TableMetadata>> unanswered) {
    for (var it = unanswered.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Integer, List<TableMetadata>> version = it.next();
      if (version.getKey() > latest.number()) {
        continue;
      }
      Optional<TableOperations.Version> taken = ops.holding(version.getKey(), version.getValue());
      if (taken.isPresent()) {
        return taken;
      }
      it.remove();
    }
    return Optional.empty();
  }
}
