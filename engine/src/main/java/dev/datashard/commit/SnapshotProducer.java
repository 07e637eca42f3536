package dev.datashard.commit;

import dev.datashard.AmbiguousCommitException;
import dev.datashard.CommitFailedException;
import dev.datashard.Snapshot;
import dev.datashard.io.AmbiguousWriteException;
import dev.datashard.io.Storage;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one commit loop of every operation that produces a snapshot (append, delete, overwrite,
 * compaction), as Iceberg's SnapshotProducer: build the snapshot on the newest metadata,
 * validate it against what was committed since the operation began, publish the next version
 * only if nobody else did, and on losing the race rebuild on the winner's metadata and try again.
 *
 * <p>What does not depend on the base (data files, manifests of added files) is written once,
 * by the operation before {@link #commit()}; what does (rewritten manifests, the manifest list,
 * the metadata) is written per attempt, through {@link Attempt}.
 *
 * <p>When the store does not answer a publish, the loop reloads the table to find out. Until it
 * knows that attempt can no longer land (its version exists, holding this commit or another),
 * nothing the commit wrote is deleted, and giving up is reported as an
 * {@link AmbiguousCommitException}, never as a failure: the PUT may still reach the store late.
 */
public abstract class SnapshotProducer {
  protected final TableOperations ops;
  private final String commitId = UUID.randomUUID().toString();
  private final long snapshotId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
  private int attempts;

  protected SnapshotProducer(TableOperations ops) {
    this.ops = ops;
  }

  /** The new snapshot's manifests and summary (without totals or the commit id, added here). */
  protected record Changes(List<ManifestFile> manifests, Map<String, String> summary) {}

  /**
   * Validates the operation against {@code base} and builds the new snapshot's manifests, writing
   * per-attempt files through {@code attempt}. Throws {@link CommitFailedException} for a
   * conflict with a commit made since the operation began (nothing is retried then).
   *
   * @return empty when nothing is to be committed on this base (an idempotency key found)
   */
  protected abstract Optional<Changes> apply(TableMetadata base, long sequenceNumber, Attempt attempt);

  /** The writes made once before the commit, which every attempt's snapshot references. */
  protected abstract List<CompletableFuture<Void>> writtenOnce();

  /** Deletes what was written once: the commit failed for certain and nothing references it. */
  protected abstract void discardWrittenOnce();

  /** What the operation is, for error messages ("append", "delete"...). */
  protected abstract String operation();

  /** The id the new snapshot gets, the same on every attempt. */
  protected final long snapshotId() {
    return snapshotId;
  }

  protected final String commitId() {
    return commitId;
  }

  /** Publishing attempts made so far (1 when the first attempt won). */
  public final int attempts() {
    return attempts;
  }

  /** The files one attempt writes, deleted again when another attempt wins. */
  protected final class Attempt {
    private final List<String> files = new ArrayList<>();
    private final List<CompletableFuture<Void>> writes = new ArrayList<>();
    private final int number;

    private Attempt(int number) {
      this.number = number;
    }

    /** A fresh location in the table's metadata directory for a file of this attempt. */
    public String newMetadataLocation(String kind) {
      return ops.location() + "/metadata/" + commitId + "-" + kind + "-" + number + "-" + files.size() + ".avro";
    }

    /** Starts writing {@code content}; the publish waits for it. */
    public void write(String location, byte[] content) {
      files.add(location);
      writes.add(ops.storage().writeAsync(location, content));
    }
  }

  /** The new snapshot; empty when {@link #apply} found nothing to commit. */
  public final Optional<Snapshot> commit() {
    Storage storage = ops.storage();
    List<Attempt> attemptsMade = new ArrayList<>();
    Snapshot committed = null;
    // A metadata version whose publish by this commit was ambiguous and that nobody is known to
    // have taken yet: the conditional PUT may still land there (a request stuck in the network
    // reaches the store late), so until then nothing this commit wrote may be deleted, and a
    // failure is not a failure for certain.
    Integer unresolvedVersion = null;
    try {
      TableOperations.Version base = ops.current();
      RetryPolicy retry = RetryPolicy.fromProperties(base.metadata().properties());
      long deadline = System.currentTimeMillis() + retry.totalTimeoutMillis();
      while (true) {
        attempts++;
        Attempt attempt = new Attempt(attempts);
        attemptsMade.add(attempt);
        long sequenceNumber = base.metadata().lastSequenceNumber() + 1;
        Optional<Changes> changes = apply(base.metadata(), sequenceNumber, attempt);
        if (changes.isEmpty()) {
          return Optional.empty();
        }
        Snapshot parent = base.metadata().currentSnapshot().orElse(null);
        String manifestList = ops.location() + "/metadata/snap-" + snapshotId + "-" + attempts + "-"
            + commitId + ".avro";
        List<ManifestFile> manifests = changes.get().manifests();
        attempt.write(manifestList, Manifests.writeManifestList(
            snapshotId, parent == null ? null : parent.snapshotId(), sequenceNumber, manifests));
        Map<String, String> summary = new LinkedHashMap<>(changes.get().summary());
        SnapshotTotals.put(summary, parent, parent == null ? List.of() : ops.manifests(parent));
        summary.put(Snapshot.COMMIT_ID, commitId);
        Snapshot snapshot = new Snapshot(snapshotId, parent == null ? null : parent.snapshotId(),
            sequenceNumber, System.currentTimeMillis(), manifestList, summary,
            base.metadata().schema().schemaId());
        TableMetadata updated = base.metadata().withSnapshot(snapshot, base.file());
        List<CompletableFuture<Void>> prerequisites = new ArrayList<>(writtenOnce());
        prerequisites.addAll(attempt.writes);
        int version = base.number() + 1;
        try {
          // Published only once everything the new version references is stored.
          if (ops.publish(base, updated, CompletableFuture.allOf(prerequisites.toArray(CompletableFuture[]::new)))
              .isPresent()) {
            ops.cacheManifests(manifestList, manifests);
            committed = snapshot;
            return Optional.of(snapshot);
          }
          // Someone published this version first: another writer, or a late PUT of this commit's
          // own (then the refresh below finds it).
        } catch (AmbiguousWriteException e) {
          unresolvedVersion = version;
          TableOperations.Version latest = refreshAfterAmbiguity(e);
          Optional<Snapshot> own = ownCommit(latest.metadata());
          if (own.isPresent()) {
            committed = own.get();
            return Optional.of(committed);
          }
          unresolvedVersion = resolve(unresolvedVersion, latest);
        }
        if (attempts > retry.maxRetries() || System.currentTimeMillis() > deadline) {
          if (unresolvedVersion != null) {
            throw new AmbiguousCommitException(operation() + " " + commitId + " to " + ops.location()
                + " gave up after " + attempts + " attempts, the last without an answer from the store:"
                + " it may still appear as version " + unresolvedVersion + "; reload the table and look"
                + " for summary " + Snapshot.COMMIT_ID + "=" + commitId + " before trying again", null);
          }
          throw new CommitFailedException(operation() + " on " + ops.location() + " failed after " + attempts
              + " attempts: other writers kept publishing first (raise " + RetryPolicy.NUM_RETRIES
              + " for more contention)", null);
        }
        sleep(retry.backoffMillis(attempts));
        base = ops.refresh();
        Optional<Snapshot> own = ownCommit(base.metadata());
        if (own.isPresent()) {
          committed = own.get();
          return Optional.of(committed);
        }
        unresolvedVersion = resolve(unresolvedVersion, base);
      }
    } catch (RuntimeException e) {
      if (unresolvedVersion != null && !(e instanceof AmbiguousCommitException)) {
        throw new AmbiguousCommitException(operation() + " " + commitId + " to " + ops.location() + " failed ("
            + e.getMessage() + ") after an attempt the store did not answer: it may still appear as"
            + " version " + unresolvedVersion + "; reload the table and look for summary "
            + Snapshot.COMMIT_ID + "=" + commitId + " before trying again", e);
      }
      throw e;
    } finally {
      List<CompletableFuture<Void>> started = new ArrayList<>(writtenOnce());
      attemptsMade.forEach(attempt -> started.addAll(attempt.writes));
      // None may still be running when the commit deletes its files.
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).handle((ok, failure) -> null).join();
      if (committed != null) {
        // The files of lost attempts are referenced by nothing. The winner is not always the
        // last attempt: an earlier publish whose answer was lost may have landed after all.
        String winner = committed.manifestList();
        attemptsMade.stream().filter(attempt -> !attempt.files.contains(winner))
            .forEach(attempt -> attempt.files.forEach(file -> deleteQuietly(storage, file)));
      } else if (unresolvedVersion == null) {
        // Only files that no published metadata can reference: the commit failed for certain.
        discardWrittenOnce();
        attemptsMade.forEach(attempt -> attempt.files.forEach(file -> deleteQuietly(storage, file)));
      }
      // Otherwise the commit may still appear: keep all it wrote (orphans if it never does).
    }
  }

  private TableOperations.Version refreshAfterAmbiguity(AmbiguousWriteException cause) {
    try {
      return ops.refresh();
    } catch (RuntimeException e) {
      AmbiguousCommitException ambiguous = new AmbiguousCommitException("the store lost its answer to "
          + operation() + " " + commitId + " on " + ops.location() + " and the table could not be re-read to "
          + "find out whether it was published; look for summary " + Snapshot.COMMIT_ID + "="
          + commitId, cause);
      ambiguous.addSuppressed(e);
      throw ambiguous;
    }
  }

  /** Still unresolved unless {@code latest} shows someone else took the version. */
  private static Integer resolve(Integer unresolvedVersion, TableOperations.Version latest) {
    return unresolvedVersion != null && latest.number() >= unresolvedVersion ? null : unresolvedVersion;
  }

  /** This commit's snapshot, when {@code metadata} holds it. */
  private Optional<Snapshot> ownCommit(TableMetadata metadata) {
    return metadata.snapshot(snapshotId).filter(s -> commitId.equals(s.summary().get(Snapshot.COMMIT_ID)));
  }

  static void deleteQuietly(Storage storage, String location) {
    try {
      storage.delete(location);
    } catch (RuntimeException e) {
      // An undeleted leftover is an orphan, never part of the table.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommitFailedException("interrupted while waiting to retry a commit", e);
    }
  }
}
