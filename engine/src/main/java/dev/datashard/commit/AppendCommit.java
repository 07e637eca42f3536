package dev.datashard.commit;

import dev.datashard.AmbiguousCommitException;
import dev.datashard.CommitFailedException;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.ValidationException;
import dev.datashard.io.AmbiguousWriteException;
import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.PartitionSummaries;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.partition.PartitionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Commits data files as one new {@code append} snapshot, optimistically: build the snapshot on
 * the newest metadata, publish the next version only if nobody else did, and on losing the race
 * rebuild on the winner's metadata and try again. Appends never conflict logically, so every
 * retry succeeds unless the retry budget runs out.
 *
 * <p>The data files and the manifest are written once; only the manifest list (which names the
 * parent's manifests and the sequence number) and the metadata are rewritten per attempt.
 *
 * <p>When the store does not answer a publish, the commit reloads the table to find out. Until it
 * knows that attempt can no longer land (its version exists, holding this commit or another),
 * nothing the commit wrote is deleted, and giving up is reported as an
 * {@link AmbiguousCommitException}, never as a failure: the PUT may still reach the store late.
 *
 * <p>An append with an idempotency key checks every base it builds on: when the key is committed
 * there already (an earlier try of the same append landed), it publishes nothing and deletes what
 * it wrote. Since a publish succeeds only on the newest version, the check always sees the newest.
 */
public final class AppendCommit {
  private final TableOperations ops;
  private final Schema schema;
  private final PartitionSpec spec;
  private final List<PendingFile> files;
  private final String idempotencyKey;
  private final String commitId = UUID.randomUUID().toString();
  private final long snapshotId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
  private int attempts;
  private IdempotencyKeys.EarlierCommit earlierCommit;

  /** @param idempotencyKey the key to record, or null for an append without one */
  /** @param spec the partition spec the files were written with (bound to the schema they fit) */
  public AppendCommit(TableOperations ops, PartitionSpec spec, List<PendingFile> files, String idempotencyKey) {
    this.ops = ops;
    this.schema = spec.schema();
    this.spec = spec;
    this.files = List.copyOf(files);
    this.idempotencyKey = idempotencyKey;
  }

  /** The earlier commit of this append's idempotency key, when {@link #commit()} found one. */
  public Optional<IdempotencyKeys.EarlierCommit> earlierCommit() {
    return Optional.ofNullable(earlierCommit);
  }

  /** Publishing attempts made so far (1 when the first attempt won). */
  public int attempts() {
    return attempts;
  }

  /** The new snapshot; empty when the idempotency key was committed already ({@link #earlierCommit()}). */
  public Optional<Snapshot> commit() {
    Storage storage = ops.storage();
    List<DataFile> dataFiles = files.stream().map(PendingFile::file).toList();
    String manifest = ops.location() + "/metadata/" + commitId + "-m0.avro";
    int specId = spec.specId();
    byte[] manifestBytes = Manifests.writeManifest(schema, spec, dataFiles.stream()
        .map(f -> new ManifestEntry(ManifestEntry.Status.ADDED, snapshotId, null, null, f)).toList());
    List<CompletableFuture<Void>> uploads = new ArrayList<>();
    files.forEach(f -> uploads.add(f.upload()));
    uploads.add(storage.writeAsync(manifest, manifestBytes));
    // Every write this commit started: none may still be running when the commit deletes its files.
    List<CompletableFuture<Void>> started = new ArrayList<>(uploads);
    long addedRows = dataFiles.stream().mapToLong(DataFile::recordCount).sum();
    List<ManifestFile.PartitionSummary> partitions = PartitionSummaries.of(spec, dataFiles);
    // Per attempt: its manifest list and, when it merged, its merged manifest.
    List<List<String>> attemptFiles = new ArrayList<>();
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
        checkAppendable(base.metadata(), specId);
        if (idempotencyKey != null) {
          earlierCommit = IdempotencyKeys.find(base.metadata(), idempotencyKey).orElse(null);
          if (earlierCommit != null) {
            return Optional.empty();
          }
        }
        Snapshot parent = base.metadata().currentSnapshot().orElse(null);
        checkNotInTable(parent);
        long sequenceNumber = base.metadata().lastSequenceNumber() + 1;
        ManifestFile added = new ManifestFile(manifest, manifestBytes.length, specId,
            ManifestFile.Content.DATA, sequenceNumber, sequenceNumber, snapshotId, dataFiles.size(), 0, 0,
            addedRows, 0, 0, partitions, null);
        List<ManifestFile> parentManifests = parent == null ? List.of() : ops.manifests(parent);
        List<ManifestFile> manifests = new ArrayList<>();
        manifests.add(added);
        List<CompletableFuture<Void>> round = new ArrayList<>(uploads);
        String mergedLocation = ops.location() + "/metadata/" + commitId + "-merged-" + attempts + ".avro";
        Optional<ManifestMerge.Merged> merge = ManifestMerge.plan(ops, base.metadata(), spec,
            parentManifests, snapshotId, sequenceNumber, mergedLocation);
        List<String> thisAttempt = new ArrayList<>();
        attemptFiles.add(thisAttempt);
        if (merge.isPresent()) {
          thisAttempt.add(mergedLocation);
          CompletableFuture<Void> mergedWrite = storage.writeAsync(mergedLocation, merge.get().content());
          round.add(mergedWrite);
          started.add(mergedWrite);
          manifests.add(merge.get().manifest());
          parentManifests.stream().filter(m -> !merge.get().replaced().contains(m)).forEach(manifests::add);
        } else {
          manifests.addAll(parentManifests);
        }
        String manifestList = ops.location() + "/metadata/snap-" + snapshotId + "-" + attempts + "-"
            + commitId + ".avro";
        thisAttempt.add(manifestList);
        CompletableFuture<Void> listWrite = storage.writeAsync(manifestList, Manifests.writeManifestList(
            snapshotId, parent == null ? null : parent.snapshotId(), sequenceNumber, manifests));
        round.add(listWrite);
        started.add(listWrite);
        Snapshot snapshot = new Snapshot(snapshotId, parent == null ? null : parent.snapshotId(),
            sequenceNumber, System.currentTimeMillis(), manifestList,
            summary(parent, parentManifests, dataFiles), schema.schemaId());
        TableMetadata updated = base.metadata().withSnapshot(snapshot, base.file());
        int version = base.number() + 1;
        try {
          // Published only once everything the new version references is stored.
          if (ops.publish(base, updated, CompletableFuture.allOf(round.toArray(CompletableFuture[]::new)))
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
            throw new AmbiguousCommitException("commit " + commitId + " to " + ops.location()
                + " gave up after " + attempts + " attempts, the last without an answer from the store:"
                + " it may still appear as version " + unresolvedVersion + "; reload the table and look"
                + " for summary " + Snapshot.COMMIT_ID + "=" + commitId + " before appending again", null);
          }
          throw new CommitFailedException("commit to " + ops.location() + " failed after " + attempts
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
        throw new AmbiguousCommitException("commit " + commitId + " to " + ops.location() + " failed ("
            + e.getMessage() + ") after an attempt the store did not answer: it may still appear as"
            + " version " + unresolvedVersion + "; reload the table and look for summary "
            + Snapshot.COMMIT_ID + "=" + commitId + " before appending again", e);
      }
      throw e;
    } finally {
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).handle((ok, failure) -> null).join();
      if (committed != null) {
        // The files of lost attempts are referenced by nothing. The winner is not always the
        // last attempt: an earlier publish whose answer was lost may have landed after all.
        String winner = committed.manifestList();
        attemptFiles.stream().filter(files -> !files.contains(winner))
            .forEach(files -> files.forEach(file -> deleteQuietly(storage, file)));
      } else if (unresolvedVersion == null) {
        cleanUp(storage, manifest, attemptFiles);
      }
      // Otherwise the commit may still appear: keep all it wrote (orphans if it never does).
    }
  }

  private TableOperations.Version refreshAfterAmbiguity(AmbiguousWriteException cause) {
    try {
      return ops.refresh();
    } catch (RuntimeException e) {
      AmbiguousCommitException ambiguous = new AmbiguousCommitException("the store lost its answer to "
          + "commit " + commitId + " on " + ops.location() + " and the table could not be re-read to "
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

  private void checkAppendable(TableMetadata metadata, int specId) {
    if (metadata.defaultSpecId() != specId) {
      throw new CommitFailedException("the partition spec of " + ops.location() + " changed while "
          + "appending; reload the table and append again", null);
    }
    if (!metadata.schema().sameStructure(schema)) {
      throw new CommitFailedException("the schema of " + ops.location() + " changed while appending; "
          + "reload the table and append again", null);
    }
  }

  /** Files added in place must not be data files of the table already: their rows would count twice. */
  private void checkNotInTable(Snapshot parent) {
    Set<Location> referenced = files.stream().filter(f -> !f.owned())
        .map(f -> Location.of(f.file().location())).collect(Collectors.toSet());
    if (referenced.isEmpty() || parent == null) {
      return;
    }
    for (ManifestFile manifest : ops.manifests(parent)) {
      if (manifest.content() != ManifestFile.Content.DATA) {
        continue;
      }
      for (ManifestEntry entry : Manifests.readManifest(ops.readMetadataFile(manifest.path()), manifest.path())) {
        if (entry.isLive() && referenced.contains(Location.of(entry.file().location()))) {
          throw new ValidationException(entry.file().location() + " is a data file of " + ops.location()
              + " already; adding it again would count its rows twice");
        }
      }
    }
  }

  private Map<String, String> summary(Snapshot parent, List<ManifestFile> parentManifests,
      List<DataFile> added) {
    long addedRecords = added.stream().mapToLong(DataFile::recordCount).sum();
    long addedSize = added.stream().mapToLong(DataFile::fileSizeBytes).sum();
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put("operation", "append");
    summary.put("added-data-files", Integer.toString(added.size()));
    summary.put("added-records", Long.toString(addedRecords));
    summary.put("added-files-size", Long.toString(addedSize));
    summary.put("changed-partition-count", Long.toString(added.stream().map(DataFile::partition).distinct().count()));
    // Totals are the parent's plus this commit's. A total the parent's summary lacks is counted
    // from its manifests where they tell it, and otherwise left out, as Iceberg does.
    Map<String, String> previous = parent == null ? Map.of() : parent.summary();
    List<ManifestFile> data = parentManifests.stream()
        .filter(m -> m.content() == ManifestFile.Content.DATA).toList();
    List<ManifestFile> deletes = parentManifests.stream()
        .filter(m -> m.content() == ManifestFile.Content.DELETES).toList();
    Long noneIfNoDeletes = deletes.isEmpty() ? 0L : null;
    putTotal(summary, "total-records", previous, addedRecords,
        data.stream().mapToLong(ManifestFile::liveRows).sum());
    putTotal(summary, "total-files-size", previous, addedSize, parent == null ? 0L : null);
    putTotal(summary, "total-data-files", previous, added.size(),
        data.stream().mapToLong(m -> m.addedFilesCount() + m.existingFilesCount()).sum());
    putTotal(summary, "total-delete-files", previous, 0,
        deletes.stream().mapToLong(m -> m.addedFilesCount() + m.existingFilesCount()).sum());
    putTotal(summary, "total-position-deletes", previous, 0, noneIfNoDeletes);
    putTotal(summary, "total-equality-deletes", previous, 0, noneIfNoDeletes);
    summary.put(Snapshot.COMMIT_ID, commitId);
    if (idempotencyKey != null) {
      summary.put(Snapshot.IDEMPOTENCY_KEY, idempotencyKey);
    }
    return summary;
  }

  private static void putTotal(Map<String, String> summary, String key, Map<String, String> previous,
      long added, Long parentTotalIfUnrecorded) {
    String recorded = previous.get(key);
    Long parentTotal = recorded != null ? Long.valueOf(recorded) : parentTotalIfUnrecorded;
    if (parentTotal != null) {
      summary.put(key, Long.toString(parentTotal + added));
    }
  }

  private void cleanUp(Storage storage, String manifest, List<List<String>> attemptFiles) {
    // Only files that no published metadata can reference: the commit failed for certain.
    files.forEach(file -> file.discard(storage));
    deleteQuietly(storage, manifest);
    attemptFiles.forEach(files -> files.forEach(file -> deleteQuietly(storage, file)));
  }

  private static void deleteQuietly(Storage storage, String location) {
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
