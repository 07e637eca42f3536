package dev.datashard.commit;

import dev.datashard.AmbiguousCommitException;
import dev.datashard.CommitFailedException;
import dev.datashard.DataShardException;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.io.AmbiguousWriteException;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Commits data files as one new {@code append} snapshot, optimistically: build the snapshot on
 * the newest metadata, publish the next version only if nobody else did, and on losing the race
 * rebuild on the winner's metadata and try again. Appends never conflict logically, so every
 * retry succeeds unless the retry budget runs out.
 *
 * <p>The data files and the manifest are written once; only the manifest list (which names the
 * parent's manifests and the sequence number) and the metadata are rewritten per attempt.
 */
public final class AppendCommit {
  private final TableOperations ops;
  private final Schema schema;
  private final List<PendingFile> files;
  private final String commitId = UUID.randomUUID().toString();
  private final long snapshotId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
  private int attempts;

  public AppendCommit(TableOperations ops, Schema schema, List<PendingFile> files) {
    this.ops = ops;
    this.schema = schema;
    this.files = List.copyOf(files);
  }

  /** Publishing attempts made so far (1 when the first attempt won). */
  public int attempts() {
    return attempts;
  }

  public Snapshot commit() {
    Storage storage = ops.storage();
    List<DataFile> dataFiles = files.stream().map(PendingFile::file).toList();
    String manifest = ops.location() + "/metadata/" + commitId + "-m0.avro";
    int specId = ops.current().metadata().defaultSpecId();
    byte[] manifestBytes = Manifests.writeManifest(schema, specId, snapshotId, dataFiles);
    List<CompletableFuture<Void>> uploads = new ArrayList<>();
    files.forEach(f -> uploads.add(f.upload()));
    uploads.add(storage.writeAsync(manifest, manifestBytes));
    long addedRows = dataFiles.stream().mapToLong(DataFile::recordCount).sum();
    ManifestFile.PartitionSummary[] none = {};
    List<String> writtenLists = new ArrayList<>();
    boolean published = false;
    boolean outcomeUnknown = false;
    try {
      TableOperations.Version base = ops.current();
      RetryPolicy retry = RetryPolicy.fromProperties(base.metadata().properties());
      long deadline = System.currentTimeMillis() + retry.totalTimeoutMillis();
      while (true) {
        attempts++;
        checkAppendable(base.metadata(), specId);
        Snapshot parent = base.metadata().currentSnapshot().orElse(null);
        long sequenceNumber = base.metadata().lastSequenceNumber() + 1;
        ManifestFile added = new ManifestFile(manifest, manifestBytes.length, specId,
            ManifestFile.Content.DATA, sequenceNumber, sequenceNumber, snapshotId, dataFiles.size(), 0, 0,
            addedRows, 0, 0, List.of(none), null);
        List<ManifestFile> manifests = new ArrayList<>();
        manifests.add(added);
        if (parent != null) {
          manifests.addAll(ops.manifests(parent));
        }
        String manifestList = ops.location() + "/metadata/snap-" + snapshotId + "-" + attempts + "-"
            + commitId + ".avro";
        writtenLists.add(manifestList);
        List<CompletableFuture<Void>> round = new ArrayList<>(uploads);
        round.add(storage.writeAsync(manifestList, Manifests.writeManifestList(snapshotId,
            parent == null ? null : parent.snapshotId(), sequenceNumber, manifests)));
        StorageException.join(CompletableFuture.allOf(round.toArray(CompletableFuture[]::new)));

        Snapshot snapshot = new Snapshot(snapshotId, parent == null ? null : parent.snapshotId(),
            sequenceNumber, System.currentTimeMillis(), manifestList,
            summary(parent, manifests.subList(1, manifests.size()), dataFiles), schema.schemaId());
        TableMetadata updated = base.metadata().withSnapshot(snapshot, base.file());
        try {
          if (ops.publish(base, updated).isPresent()) {
            published = true;
            ops.cacheManifests(manifestList, manifests);
            return snapshot;
          }
        } catch (AmbiguousWriteException e) {
          outcomeUnknown = true;
          TableOperations.Version latest = refreshAfterAmbiguity(e);
          outcomeUnknown = false;
          if (containsOwnCommit(latest.metadata())) {
            published = true;
            return latest.metadata().snapshot(snapshotId).orElseThrow();
          }
        }
        if (attempts > retry.maxRetries() || System.currentTimeMillis() > deadline) {
          throw new CommitFailedException("commit to " + ops.location() + " failed after " + attempts
              + " attempts: other writers kept publishing first (raise " + RetryPolicy.NUM_RETRIES
              + " for more contention)", null);
        }
        sleep(retry.backoffMillis(attempts));
        base = ops.refresh();
        if (containsOwnCommit(base.metadata())) {
          published = true;
          return base.metadata().snapshot(snapshotId).orElseThrow();
        }
      }
    } finally {
      if (!published && !outcomeUnknown) {
        cleanUp(storage, manifest, writtenLists);
      } else {
        // Manifest lists of lost attempts are referenced by nothing.
        writtenLists.subList(0, writtenLists.size() - 1).forEach(list -> deleteQuietly(storage, list));
      }
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

  private boolean containsOwnCommit(TableMetadata metadata) {
    return metadata.snapshot(snapshotId).map(s -> commitId.equals(s.summary().get(Snapshot.COMMIT_ID)))
        .orElse(false);
  }

  private void checkAppendable(TableMetadata metadata, int specId) {
    if (metadata.isPartitioned()) {
      throw new DataShardException("table " + ops.location() + " is partitioned; DataShard appends "
          + "only to unpartitioned tables");
    }
    if (metadata.defaultSpecId() != specId) {
      throw new CommitFailedException("the partition spec of " + ops.location() + " changed while "
          + "appending; reload the table and append again", null);
    }
    if (!metadata.schema().sameStructure(schema)) {
      throw new CommitFailedException("the schema of " + ops.location() + " changed while appending; "
          + "reload the table and append again", null);
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
    summary.put("changed-partition-count", "1");
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

  private void cleanUp(Storage storage, String manifest, List<String> manifestLists) {
    // Only files that no published metadata can reference: the commit failed for certain.
    for (PendingFile file : files) {
      file.upload().handle((ok, failure) -> {
        deleteQuietly(storage, file.file().location());
        return null;
      });
    }
    deleteQuietly(storage, manifest);
    manifestLists.forEach(list -> deleteQuietly(storage, list));
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
