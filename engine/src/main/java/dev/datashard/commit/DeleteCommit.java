package dev.datashard.commit;

import dev.datashard.CommitFailedException;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.ValidationException;
import dev.datashard.io.Location;
import dev.datashard.io.StorageException;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Removes whole data files from the table in a {@code delete} snapshot: the manifests that list
 * them are rewritten with those entries marked {@code DELETED} (the others kept as
 * {@code EXISTING}), as Iceberg's DeleteFiles does. The files stay on storage for older snapshots
 * until snapshot expiry removes them. Concurrent appends are rebased onto; a concurrent delete of
 * the same file makes this one fail.
 */
public final class DeleteCommit {
  private DeleteCommit() {}

  /** @param given the files to delete, in any spelling of their locations ({@link Location}) */
  public static Snapshot delete(TableOperations ops, Set<String> given) {
    if (given.isEmpty()) {
      throw new ValidationException("no data files named to delete");
    }
    Set<Location> locations = new HashSet<>();
    given.forEach(location -> locations.add(Location.of(location)));
    long snapshotId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    String commitId = UUID.randomUUID().toString();
    List<List<String>> attempts = new ArrayList<>();
    // Every write any attempt started: none may still be running when files are deleted.
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    boolean[] firstAttempt = {true};
    try {
      TableOperations.Version published = MetadataCommit.commit(ops, "deleting data files", base -> {
        List<String> written = new ArrayList<>();
        attempts.add(written);
        Snapshot snapshot = build(ops, base.metadata(), locations, snapshotId, commitId, attempts.size(),
            written, writes, firstAttempt[0]);
        firstAttempt[0] = false;
        return base.metadata().withSnapshot(snapshot, base.file());
      });
      settle(writes);
      Snapshot committed = published.metadata().snapshot(snapshotId).orElseThrow();
      attempts.stream().filter(files -> !files.contains(committed.manifestList()))
          .forEach(files -> files.forEach(f -> deleteQuietly(ops, f)));
      return committed;
    } catch (RuntimeException e) {
      settle(writes);
      if (!(e instanceof dev.datashard.AmbiguousCommitException)) {
        attempts.forEach(files -> files.forEach(f -> deleteQuietly(ops, f)));
      }
      throw e;
    }
  }

  private static void settle(List<CompletableFuture<Void>> writes) {
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).handle((ok, failure) -> null).join();
  }

  private static Snapshot build(TableOperations ops, TableMetadata metadata, Set<Location> locations,
      long snapshotId, String commitId, int attempt, List<String> written,
      List<CompletableFuture<Void>> writes, boolean firstAttempt) {
    Snapshot parent = metadata.currentSnapshot().orElseThrow(() ->
        new ValidationException("table " + ops.location() + " has no data files to delete"));
    Schema schema = metadata.schema();
    long sequenceNumber = metadata.lastSequenceNumber() + 1;
    List<ManifestFile> parentManifests = ops.manifests(parent);
    List<CompletableFuture<byte[]>> reads = parentManifests.stream()
        .map(m -> m.content() == ManifestFile.Content.DATA ? ops.readAsync(m.path()) : null).toList();
    List<ManifestFile> manifests = new ArrayList<>();
    int firstWrite = writes.size();
    Set<Location> found = new HashSet<>();
    long deletedRecords = 0;
    long deletedSize = 0;
    for (int i = 0; i < parentManifests.size(); i++) {
      ManifestFile manifest = parentManifests.get(i);
      if (reads.get(i) == null) {
        // Delete files stay as they are: on a removed data file they remove nothing, as in Iceberg.
        manifests.add(manifest);
        continue;
      }
      List<ManifestEntry> entries = Manifests.readManifest(StorageException.join(reads.get(i)), manifest.path());
      boolean touched = entries.stream().anyMatch(e -> e.isLive() && locations.contains(Location.of(e.file().location())));
      if (!touched) {
        manifests.add(manifest);
        continue;
      }
      List<ManifestEntry> rewritten = new ArrayList<>();
      int existing = 0;
      int deleted = 0;
      long existingRows = 0;
      long manifestDeletedRows = 0;
      long minSequence = Long.MAX_VALUE;
      for (ManifestEntry entry : entries) {
        if (!entry.isLive()) {
          continue;
        }
        long dataSequence = entry.sequenceNumber() != null ? entry.sequenceNumber() : manifest.sequenceNumber();
        long fileSequence = entry.fileSequenceNumber() != null ? entry.fileSequenceNumber() : manifest.sequenceNumber();
        minSequence = Math.min(minSequence, dataSequence);
        if (locations.contains(Location.of(entry.file().location()))) {
          found.add(Location.of(entry.file().location()));
          rewritten.add(new ManifestEntry(ManifestEntry.Status.DELETED, snapshotId, dataSequence, fileSequence,
              entry.file()));
          deleted++;
          manifestDeletedRows += entry.file().recordCount();
          deletedSize += entry.file().fileSizeBytes();
        } else {
          rewritten.add(new ManifestEntry(ManifestEntry.Status.EXISTING,
              entry.snapshotId() != null ? entry.snapshotId() : manifest.addedSnapshotId(), dataSequence,
              fileSequence, entry.file()));
          existing++;
          existingRows += entry.file().recordCount();
        }
      }
      deletedRecords += manifestDeletedRows;
      String location = ops.location() + "/metadata/" + commitId + "-d" + attempt + "-" + i + ".avro";
      byte[] content = Manifests.writeManifest(schema, metadata.spec(manifest.specId()), rewritten);
      written.add(location);
      writes.add(ops.storage().writeAsync(location, content));
      manifests.add(new ManifestFile(location, content.length, manifest.specId(), ManifestFile.Content.DATA,
          sequenceNumber, minSequence, snapshotId, 0, existing, deleted, 0, existingRows, manifestDeletedRows,
          manifest.partitions(), null));
    }
    Set<Location> missing = new HashSet<>(locations);
    missing.removeAll(found);
    if (!missing.isEmpty()) {
      String message = "not a live data file of " + ops.location() + ": "
          + String.join(", ", missing.stream().map(Location::toString).sorted().toList());
      throw firstAttempt ? new ValidationException(message)
          : new CommitFailedException(message + " (deleted by a concurrent commit)", null);
    }
    String manifestList = ops.location() + "/metadata/snap-" + snapshotId + "-" + attempt + "-" + commitId + ".avro";
    written.add(manifestList);
    writes.add(ops.storage().writeAsync(manifestList,
        Manifests.writeManifestList(snapshotId, parent.snapshotId(), sequenceNumber, manifests)));
    StorageException.join(CompletableFuture.allOf(
        writes.subList(firstWrite, writes.size()).toArray(CompletableFuture[]::new)));

    Map<String, String> summary = new LinkedHashMap<>();
    summary.put("operation", "delete");
    summary.put("deleted-data-files", Integer.toString(found.size()));
    summary.put("deleted-records", Long.toString(deletedRecords));
    summary.put("removed-files-size", Long.toString(deletedSize));
    summary.put("changed-partition-count", "1");
    Map<String, String> previous = parent.summary();
    subtract(summary, previous, "total-records", deletedRecords);
    subtract(summary, previous, "total-files-size", deletedSize);
    subtract(summary, previous, "total-data-files", found.size());
    for (String key : List.of("total-delete-files", "total-position-deletes", "total-equality-deletes")) {
      if (previous.containsKey(key)) {
        summary.put(key, previous.get(key));
      }
    }
    summary.put(Snapshot.COMMIT_ID, commitId);
    return new Snapshot(snapshotId, parent.snapshotId(), sequenceNumber, System.currentTimeMillis(),
        manifestList, summary, schema.schemaId());
  }

  private static void subtract(Map<String, String> summary, Map<String, String> previous, String key, long removed) {
    if (previous.containsKey(key)) {
      summary.put(key, Long.toString(Long.parseLong(previous.get(key)) - removed));
    }
  }

  private static void deleteQuietly(TableOperations ops, String location) {
    try {
      ops.storage().delete(location);
    } catch (StorageException e) {
      // An unreferenced leftover; orphan removal deletes it.
    }
  }
}
