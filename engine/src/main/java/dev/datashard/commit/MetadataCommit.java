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
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one optimistic commit loop of every change to a table: snapshot-producing operations
 * (through {@link SnapshotProducer}) and changes to metadata alone (schema, partition spec,
 * properties, rollback, snapshot expiry). Apply the change to the newest version, publish the
 * next version if absent, otherwise re-apply on the winner's metadata after a backoff, as long as
 * the table's {@code commit.retry.*} properties allow.
 *
 * <p>A publish the store did not answer may still land later. Until its version is taken, each
 * later look at the table checks whether that version holds exactly what this commit tried to
 * publish there, so a change whose first PUT landed late is neither applied twice nor reported as
 * failed; giving up, or a change refusing a base, while one is unresolved is reported as an
 * {@link AmbiguousCommitException}.
 */
public final class MetadataCommit {
  private MetadataCommit() {}

  /** One change, applied afresh on each base the loop tries. */
  public interface Change {
    /**
     * The metadata to publish after {@code base}; empty when there is nothing to commit on this
     * base. May throw to refuse a base on which the change no longer makes sense.
     */
    Optional<TableMetadata> apply(TableOperations.Version base);

    /** The writes of the files the last applied metadata references: published only once they are stored. */
    default CompletableFuture<?> prerequisites() {
      return CompletableFuture.completedFuture(null);
    }

    /** What to tell a caller who cannot know whether the change landed, beyond "reload the table". */
    default String ambiguityHint() {
      return "reload the table to see";
    }
  }

  /** Commits a change to metadata alone, starting from a fresh look at the table. */
  public static TableOperations.Version commit(TableOperations ops, String what,
      Function<TableOperations.Version, TableMetadata> change) {
    return commit(ops, what, ops.refresh(), base -> Optional.of(change.apply(base))).orElseThrow();
  }

  /**
   * Commits {@code change}, first applied to {@code start}.
   *
   * @return the published version, or empty when the change found nothing to commit
   */
  public static Optional<TableOperations.Version> commit(TableOperations ops, String what,
      TableOperations.Version start, Change change) {
    TableOperations.Version base = start;
    RetryPolicy retry = RetryPolicy.fromProperties(base.metadata().properties());
    long deadline = System.currentTimeMillis() + retry.totalTimeoutMillis();
    // Version number -> what this commit tried to publish there without an answer (a version can
    // be tried more than once while it stays free, and any of those PUTs may be the one to land).
    Map<Integer, List<TableMetadata>> unanswered = new HashMap<>();
    for (int attempt = 1; ; attempt++) {
      Optional<TableMetadata> updated;
      try {
        updated = change.apply(base);
      } catch (RuntimeException e) {
        if (unanswered.isEmpty() || e instanceof AmbiguousCommitException) {
          throw e;
        }
        throw new AmbiguousCommitException(what + " on " + ops.location() + " failed (" + e.getMessage()
            + ") after an attempt the store did not answer: the change may still appear as version "
            + versions(unanswered) + "; " + change.ambiguityHint(), e);
      }
      if (updated.isEmpty()) {
        return Optional.empty();
      }
      try {
        Optional<TableOperations.Version> published = ops.publish(base, updated.get(), change.prerequisites());
        if (published.isPresent()) {
          return published;
        }
        // Someone published this version first: another writer, or a late PUT of this commit's
        // own (then the look below finds it).
      } catch (AmbiguousWriteException e) {
        unanswered.computeIfAbsent(base.number() + 1, version -> new ArrayList<>()).add(updated.get());
      }
      if (attempt > retry.maxRetries() || System.currentTimeMillis() > deadline) {
        base = refresh(ops, what, unanswered, change);
        Optional<TableOperations.Version> own = ownVersion(ops, base, unanswered);
        if (own.isPresent()) {
          return own;
        }
        if (!unanswered.isEmpty()) {
          throw new AmbiguousCommitException(what + " on " + ops.location() + " gave up after " + attempt
              + " attempts, one of them without an answer from the store: the change may still appear"
              + " as version " + versions(unanswered) + "; " + change.ambiguityHint(), null);
        }
        throw new CommitFailedException(what + " on " + ops.location() + " failed after " + attempt
            + " attempts: other writers kept publishing first (raise " + RetryPolicy.NUM_RETRIES
            + " for more contention)", null);
      }
      try {
        Thread.sleep(retry.backoffMillis(attempt));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommitFailedException("interrupted while retrying " + what, e);
      }
      base = refresh(ops, what, unanswered, change);
      Optional<TableOperations.Version> own = ownVersion(ops, base, unanswered);
      if (own.isPresent()) {
        return own;
      }
    }
  }

  private static String versions(Map<Integer, List<TableMetadata>> unanswered) {
    return unanswered.keySet().stream().sorted().map(String::valueOf).collect(Collectors.joining(" or "));
  }

  private static TableOperations.Version refresh(TableOperations ops, String what,
      Map<Integer, List<TableMetadata>> unanswered, Change change) {
    try {
      return ops.refresh();
    } catch (RuntimeException e) {
      if (unanswered.isEmpty()) {
        throw e;
      }
      throw new AmbiguousCommitException(what + " on " + ops.location() + ": the store lost its answer"
          + " and the table could not be re-read to find out whether the change is there; "
          + change.ambiguityHint(), e);
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
