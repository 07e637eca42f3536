package dev.datashard.commit;

import dev.datashard.AmbiguousCommitException;
import dev.datashard.Snapshot;
import dev.datashard.io.Storage;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every operation that produces a snapshot (append, delete, overwrite, compaction), as Iceberg's
 * SnapshotProducer: build the snapshot on the newest metadata, validate it against what was
 * committed since the operation began, publish the next version only if nobody else did, and on
 * losing the race rebuild on the winner's metadata and try again.
 *
 * <p>What does not depend on the base (data files, manifests of added files) is written once,
 * by the operation before {@link #commit()}; what does (rewritten manifests, the manifest list,
 * the metadata) is written per attempt, through {@link Attempt}.
 *
 * <p>The loop itself is {@link MetadataCommit}'s, the one every change to a table goes through.
 * When the store does not answer a publish, nothing the commit wrote is deleted until it is known
 * that the publish can no longer land; giving up then is an {@link AmbiguousCommitException},
 * never a failure: the PUT may still reach the store late.
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
      return ops.newFilesLocation() + "/metadata/" + commitId + "-" + kind + "-" + number + "-" + files.size() + ".avro";
    }

    /** Starts writing {@code content}; the publish waits for it. */
    public void write(String location, byte[] content) {
      files.add(location);
      writes.add(ops.storage().writeAsync(location, content));
    }
  }

  /** The new snapshot; empty when {@link #apply} found nothing to commit. */
  public final Optional<Snapshot> commit() {
    List<Attempt> attemptsMade = new ArrayList<>();
    Map<String, List<ManifestFile>> manifestsByList = new HashMap<>();
    Snapshot committed = null;
    // A publish the store did not answer may still land: then nothing this commit wrote may go.
    boolean ambiguous = false;
    try {
      Optional<TableOperations.Version> published = MetadataCommit.commit(ops, operation(), ops.current(),
          new MetadataCommit.Change() {
            private Attempt current;

            @Override
            public Optional<TableMetadata> apply(TableOperations.Version base) {
              attempts++;
              current = new Attempt(attempts);
              attemptsMade.add(current);
              return snapshotOn(base, current, manifestsByList);
            }

            @Override
            public CompletableFuture<?> prerequisites() {
              List<CompletableFuture<Void>> writes = new ArrayList<>(writtenOnce());
              writes.addAll(current.writes);
              return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
            }

            @Override
            public String ambiguityHint() {
              return "reload the table and look for summary " + Snapshot.COMMIT_ID + "=" + commitId
                  + " before trying again";
            }
          });
      if (published.isEmpty()) {
        return Optional.empty();
      }
      committed = published.get().metadata().snapshot(snapshotId).orElseThrow();
      ops.cacheManifests(committed.manifestList(), manifestsByList.get(committed.manifestList()));
      return Optional.of(committed);
    } catch (AmbiguousCommitException e) {
      ambiguous = true;
      throw e;
    } finally {
      List<CompletableFuture<Void>> started = new ArrayList<>(writtenOnce());
      attemptsMade.forEach(attempt -> started.addAll(attempt.writes));
      // None may still be running when the commit deletes its files.
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).handle((ok, failure) -> null).join();
      Storage storage = ops.storage();
      if (committed != null) {
        // The files of lost attempts are referenced by nothing. The winner is not always the
        // last attempt: an earlier publish whose answer was lost may have landed after all.
        String winner = committed.manifestList();
        attemptsMade.stream().filter(attempt -> !attempt.files.contains(winner))
            .forEach(attempt -> attempt.files.forEach(file -> deleteQuietly(storage, file)));
      } else if (!ambiguous) {
        // Only files that no published metadata can reference: the commit failed for certain.
        discardWrittenOnce();
        attemptsMade.forEach(attempt -> attempt.files.forEach(file -> deleteQuietly(storage, file)));
      }
      // Otherwise the commit may still appear: keep all it wrote (orphans if it never does).
    }
  }

  /** The metadata of {@code base} with this operation's snapshot on top, its files written through {@code attempt}. */
  private Optional<TableMetadata> snapshotOn(TableOperations.Version base, Attempt attempt,
      Map<String, List<ManifestFile>> manifestsByList) {
    long sequenceNumber = base.metadata().lastSequenceNumber() + 1;
    Optional<Changes> changes = apply(base.metadata(), sequenceNumber, attempt);
    if (changes.isEmpty()) {
      return Optional.empty();
    }
    Snapshot parent = base.metadata().currentSnapshot().orElse(null);
    String manifestList = ops.newFilesLocation() + "/metadata/snap-" + snapshotId + "-" + attempts + "-" + commitId + ".avro";
    List<ManifestFile> manifests = changes.get().manifests();
    attempt.write(manifestList, Manifests.writeManifestList(
        snapshotId, parent == null ? null : parent.snapshotId(), sequenceNumber, manifests));
    manifestsByList.put(manifestList, manifests);
    Map<String, String> summary = new LinkedHashMap<>(changes.get().summary());
    SnapshotTotals.put(summary, parent, parent == null ? List.of() : ops.manifests(parent));
    summary.put(Snapshot.COMMIT_ID, commitId);
    Snapshot snapshot = new Snapshot(snapshotId, parent == null ? null : parent.snapshotId(), sequenceNumber,
        System.currentTimeMillis(), manifestList, summary, base.metadata().schema().schemaId());
    return Optional.of(base.metadata().withSnapshot(snapshot, base.file()));
  }

  static void deleteQuietly(Storage storage, String location) {
    try {
      storage.delete(location);
    } catch (RuntimeException e) {
      // An undeleted leftover is an orphan, never part of the table.
    }
  }
}
