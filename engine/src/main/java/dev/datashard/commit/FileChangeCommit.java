package dev.datashard.commit;

import static java.util.Objects.requireNonNull;

import dev.datashard.CommitFailedException;
import dev.datashard.Snapshot;
import dev.datashard.ValidationException;
import dev.datashard.io.Location;
import dev.datashard.io.StorageException;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.DeleteEntry;
import dev.datashard.metadata.DeleteFile;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.PartitionSummaries;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.partition.PartitionKey;
import dev.datashard.partition.PartitionSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Removes files from the table and adds others in one snapshot ({@link FileChanges}): a delete
 * of whole files, a row-level delete or overwrite (copy-on-write or merge-on-read), a
 * compaction. Removed files are marked {@code DELETED} in rewritten copies of the manifests that
 * list them (the other entries kept as {@code EXISTING}), as Iceberg does; they stay on storage
 * for older snapshots until snapshot expiry removes them.
 *
 * <p>Validation against what was committed since the operation read the table (its starting
 * snapshot), as Iceberg's snapshot isolation: appends are rebased onto, their files kept. It
 * fails with a conflict, changing nothing, when a file it removes or adds deletes for is no
 * longer live (a concurrent delete or compaction took it: its rows would be doubled or its
 * deletes lost), or when a concurrent commit added delete files that may apply to a data file it
 * removes (a rewrite would bring their rows back). Added files must fit the current schema and
 * partition spec, as for appends.
 */
public final class FileChangeCommit extends SnapshotProducer {
  /** Iceberg's snapshot operations. */
  public enum Operation {
    DELETE("delete"), OVERWRITE("overwrite"), REPLACE("replace");

    private final String name;

    Operation(String name) {
      this.name = name;
    }
  }

  private final Operation operation;
  private final FileChanges changes;
  private final Long startingSnapshotId;
  private final PartitionSpec spec;
  private final boolean consolidateManifests;
  private final List<DataFile> addedData;
  private final List<ManifestFile> addedManifests = new ArrayList<>();
  private final List<byte[]> addedManifestContents = new ArrayList<>();
  private final List<CompletableFuture<Void>> uploads = new ArrayList<>();

  /**
   * @param startingSnapshotId the snapshot the operation chose its files in (null: none)
   * @param spec the spec (and schema) the added data files were written with; unused when none are
   * @param consolidateManifests whether to rewrite all data manifests into one per partition spec
   */
  public FileChangeCommit(TableOperations ops, Operation operation, FileChanges changes, Long startingSnapshotId,
      PartitionSpec spec, boolean consolidateManifests) {
    super(ops);
    this.operation = requireNonNull(operation, "operation");
    this.changes = requireNonNull(changes, "changes");
    this.startingSnapshotId = startingSnapshotId;
    this.spec = spec;
    this.consolidateManifests = consolidateManifests;
    this.addedData = changes.addedDataFiles().stream().map(PendingFile::file).toList();
  }

  /** Removes whole data files in a {@code delete} snapshot. */
  public static Snapshot deleteFiles(TableOperations ops, Set<String> locations) {
    if (locations.isEmpty()) {
      throw new ValidationException("no data files named to delete");
    }
    Long current = ops.refresh().metadata().currentSnapshot().map(Snapshot::snapshotId).orElse(null);
    return new FileChangeCommit(ops, Operation.DELETE, FileChanges.removing(locations), current, null, false)
        .commit().orElseThrow();
  }

  @Override
  protected String operation() {
    return operation.name;
  }

  /** The manifests of the added files, written once; their sequence numbers are set per attempt. */
  @Override
  protected List<CompletableFuture<Void>> writtenOnce() {
    if (!uploads.isEmpty()) {
      return uploads;
    }
    changes.addedDataFiles().forEach(f -> uploads.add(f.upload()));
    changes.addedDeleteFiles().forEach(f -> uploads.add(f.upload()));
    if (!addedData.isEmpty()) {
      byte[] content = Manifests.writeManifest(spec.schema(), spec, addedData.stream()
          .map(f -> new ManifestEntry(ManifestEntry.Status.ADDED, snapshotId(), null, null, f)).toList());
      addManifest(content, spec.specId(), ManifestFile.Content.DATA, addedData.size(),
          addedData.stream().mapToLong(DataFile::recordCount).sum(), PartitionSummaries.of(spec, addedData));
    }
    Map<Integer, List<PendingDeleteFile>> deletesBySpec = changes.addedDeleteFiles().stream()
        .collect(Collectors.groupingBy(PendingDeleteFile::specId, LinkedHashMap::new, Collectors.toList()));
    deletesBySpec.forEach((specId, files) -> {
      PartitionSpec deleteSpec = ops.current().metadata().spec(specId);
      List<DeleteFile> deletes = files.stream().map(PendingDeleteFile::file).toList();
      byte[] content = Manifests.writeDeleteManifest(deleteSpec.schema(), deleteSpec, deletes.stream()
          .map(f -> new DeleteEntry(ManifestEntry.Status.ADDED, snapshotId(), null, null, f)).toList());
      addManifest(content, specId, ManifestFile.Content.DELETES, deletes.size(),
          deletes.stream().mapToLong(DeleteFile::recordCount).sum(), PartitionSummaries.ofDeletes(deleteSpec, deletes));
    });
    return uploads;
  }

  private void addManifest(byte[] content, int specId, ManifestFile.Content kind, int files, long rows,
      List<ManifestFile.PartitionSummary> partitions) {
    String location = ops.newFilesLocation() + "/metadata/" + commitId() + "-m" + addedManifests.size() + ".avro";
    uploads.add(ops.storage().writeAsync(location, content));
    // Sequence numbers are placeholders: the manifest list line is rebuilt per attempt.
    addedManifests.add(new ManifestFile(location, content.length, specId, kind, 0, 0, snapshotId(), files, 0, 0,
        rows, 0, 0, partitions, null));
    addedManifestContents.add(content);
  }

  @Override
  protected void discardWrittenOnce() {
    changes.addedDataFiles().forEach(file -> file.discard(ops.storage()));
    changes.addedDeleteFiles().forEach(file -> file.discard(ops.storage()));
    addedManifests.forEach(manifest -> deleteQuietly(ops.storage(), manifest.path()));
  }

  @Override
  protected Optional<Changes> apply(TableMetadata base, long sequenceNumber, Attempt attempt) {
    writtenOnce();
    if (!addedData.isEmpty()) {
      checkWritable(base);
    }
    Snapshot parent = base.currentSnapshot().orElse(null);
    List<ManifestFile> parentManifests = parent == null ? List.of() : ops.manifests(parent);
    List<ManifestFile> manifests = new ArrayList<>();
    for (ManifestFile added : addedManifests) {
      manifests.add(new ManifestFile(added.path(), added.length(), added.specId(), added.content(), sequenceNumber,
          sequenceNumber, snapshotId(), added.addedFilesCount(), 0, 0, added.addedRowsCount(), 0, 0,
          added.partitions(), null));
    }
    Removal removal = rewriteDataManifests(base, parentManifests, sequenceNumber, attempt, manifests);
    checkLive(parent, removal);
    List<DeleteFile> removedDeletes = rewriteDeleteManifests(base, parentManifests, sequenceNumber, attempt,
        manifests);
    checkNoNewDeletes(base, parentManifests, removal.files);
    return Optional.of(new Changes(manifests, summary(removal.files.stream().map(RemovedFile::file).toList(),
        removedDeletes)));
  }

  /** A data file this commit removes, with the spec of the manifest that listed it. */
  private record RemovedFile(DataFile file, int specId) {}

  /** The removed files' entries and the live files among those that must stay live. */
  private record Removal(List<RemovedFile> files, Set<Location> found, Set<Location> referencedLive) {}

  /**
   * Adds the parent's data manifests to {@code manifests}, rewritten where they list a removed
   * file; when consolidating, every data manifest is rewritten, into one per partition spec.
   */
  private Removal rewriteDataManifests(TableMetadata base, List<ManifestFile> parentManifests, long sequenceNumber,
      Attempt attempt, List<ManifestFile> manifests) {
    Set<Location> removed = changes.removedDataFiles();
    Set<Location> referenced = changes.referencedDataFiles();
    boolean readAll = consolidateManifests || !removed.isEmpty() || !referenced.isEmpty();
    List<CompletableFuture<byte[]>> reads = parentManifests.stream()
        .map(m -> m.content() == ManifestFile.Content.DATA && readAll ? ops.readAsync(m.path()) : null)
        .toList();
    Set<Location> found = new HashSet<>();
    Set<Location> referencedLive = new HashSet<>();
    List<RemovedFile> removedFiles = new ArrayList<>();
    Map<Integer, List<ManifestEntry>> consolidated = new LinkedHashMap<>();
    for (int i = 0; i < parentManifests.size(); i++) {
      ManifestFile manifest = parentManifests.get(i);
      if (manifest.content() != ManifestFile.Content.DATA || manifest.onlyDeletedFiles()) {
        continue;
      }
      if (reads.get(i) == null) {
        manifests.add(manifest);
        continue;
      }
      List<ManifestEntry> entries = Manifests.readManifest(StorageException.join(reads.get(i)), manifest.path());
      entries.stream().filter(ManifestEntry::isLive).map(e -> Location.of(e.file().location()))
          .filter(referenced::contains).forEach(referencedLive::add);
      if (!consolidateManifests
          && entries.stream().noneMatch(e -> e.isLive() && removed.contains(Location.of(e.file().location())))) {
        manifests.add(manifest);
        continue;
      }
      List<ManifestEntry> rewritten = consolidateManifests
          ? consolidated.computeIfAbsent(manifest.specId(), id -> new ArrayList<>()) : new ArrayList<>();
      for (ManifestEntry entry : entries) {
        if (!entry.isLive()) {
          continue; // a deletion is history, recorded in the snapshot that made it
        }
        // Inherited values, resolved now that the entry leaves the manifest it inherited from.
        long dataSequence = entry.sequenceNumber() != null ? entry.sequenceNumber() : manifest.sequenceNumber();
        long fileSequence = entry.fileSequenceNumber() != null ? entry.fileSequenceNumber() : manifest.sequenceNumber();
        Location location = Location.of(entry.file().location());
        if (removed.contains(location)) {
          found.add(location);
          removedFiles.add(new RemovedFile(entry.file(), manifest.specId()));
          rewritten.add(new ManifestEntry(ManifestEntry.Status.DELETED, snapshotId(), dataSequence, fileSequence,
              entry.file()));
        } else {
          rewritten.add(new ManifestEntry(ManifestEntry.Status.EXISTING,
              entry.snapshotId() != null ? entry.snapshotId() : manifest.addedSnapshotId(), dataSequence,
              fileSequence, entry.file()));
        }
      }
      if (!consolidateManifests) {
        manifests.add(writeDataManifest(base, manifest.specId(), rewritten, sequenceNumber, attempt));
      }
    }
    consolidated.forEach((specId, entries) ->
        manifests.add(writeDataManifest(base, specId, entries, sequenceNumber, attempt)));
    return new Removal(removedFiles, found, referencedLive);
  }

  /** Writes a manifest of existing and deleted entries, and returns its line in the manifest list. */
  private ManifestFile writeDataManifest(TableMetadata base, int specId, List<ManifestEntry> entries,
      long sequenceNumber, Attempt attempt) {
    String location = attempt.newMetadataLocation("rewritten");
    PartitionSpec manifestSpec = base.spec(specId);
    byte[] content = Manifests.writeManifest(base.schema(), manifestSpec, entries);
    attempt.write(location, content);
    List<DataFile> live = entries.stream().filter(ManifestEntry::isLive).map(ManifestEntry::file).toList();
    List<DataFile> deleted = entries.stream().filter(e -> !e.isLive()).map(ManifestEntry::file).toList();
    long minSequence = entries.stream().mapToLong(ManifestEntry::sequenceNumber).min().orElse(sequenceNumber);
    return new ManifestFile(location, content.length, specId, ManifestFile.Content.DATA, sequenceNumber,
        minSequence, snapshotId(), 0, live.size(), deleted.size(), 0,
        live.stream().mapToLong(DataFile::recordCount).sum(), deleted.stream().mapToLong(DataFile::recordCount).sum(),
        PartitionSummaries.of(manifestSpec, live), null);
  }

  /**
   * Adds the parent's delete manifests to {@code manifests}, rewritten where they list a removed
   * delete file; returns the removed delete files.
   */
  private List<DeleteFile> rewriteDeleteManifests(TableMetadata base, List<ManifestFile> parentManifests,
      long sequenceNumber, Attempt attempt, List<ManifestFile> manifests) {
    Set<Location> removed = changes.removedDeleteFiles();
    List<DeleteFile> removedFiles = new ArrayList<>();
    for (ManifestFile manifest : parentManifests) {
      if (manifest.content() != ManifestFile.Content.DELETES || manifest.onlyDeletedFiles()) {
        continue;
      }
      if (removed.isEmpty()) {
        manifests.add(manifest);
        continue;
      }
      List<DeleteEntry> entries = Manifests.readDeleteManifest(ops.readMetadataFile(manifest.path()), manifest.path());
      if (entries.stream().noneMatch(e -> e.isLive() && removed.contains(Location.of(e.file().location())))) {
        manifests.add(manifest);
        continue;
      }
      List<DeleteEntry> rewritten = new ArrayList<>();
      List<DeleteFile> live = new ArrayList<>();
      List<DeleteFile> removedHere = new ArrayList<>();
      for (DeleteEntry entry : entries) {
        if (!entry.isLive()) {
          continue;
        }
        long dataSequence = entry.dataSequenceNumber(manifest);
        long fileSequence = entry.fileSequenceNumber() != null ? entry.fileSequenceNumber() : manifest.sequenceNumber();
        boolean drop = removed.contains(Location.of(entry.file().location()));
        (drop ? removedHere : live).add(entry.file());
        rewritten.add(new DeleteEntry(drop ? ManifestEntry.Status.DELETED : ManifestEntry.Status.EXISTING,
            drop ? snapshotId() : entry.snapshotId() != null ? entry.snapshotId() : manifest.addedSnapshotId(),
            dataSequence, fileSequence, entry.file()));
      }
      removedFiles.addAll(removedHere);
      String location = attempt.newMetadataLocation("rewritten-deletes");
      PartitionSpec manifestSpec = base.spec(manifest.specId());
      byte[] content = Manifests.writeDeleteManifest(base.schema(), manifestSpec, rewritten);
      attempt.write(location, content);
      long minSequence = rewritten.stream().mapToLong(DeleteEntry::sequenceNumber).min().orElse(sequenceNumber);
      manifests.add(new ManifestFile(location, content.length, manifest.specId(), ManifestFile.Content.DELETES,
          sequenceNumber, minSequence, snapshotId(), 0, live.size(), removedHere.size(), 0,
          live.stream().mapToLong(DeleteFile::recordCount).sum(),
          removedHere.stream().mapToLong(DeleteFile::recordCount).sum(),
          PartitionSummaries.ofDeletes(manifestSpec, live), null));
    }
    return removedFiles;
  }

  /** Every file removed, or referenced by added deletes, must be live in the base. */
  private void checkLive(Snapshot parent, Removal removal) {
    Set<Location> missing = new HashSet<>(changes.removedDataFiles());
    missing.removeAll(removal.found);
    Set<Location> referencedGone = new HashSet<>(changes.referencedDataFiles());
    referencedGone.removeAll(removal.referencedLive);
    missing.addAll(referencedGone);
    if (missing.isEmpty()) {
      return;
    }
    String names = String.join(", ", missing.stream().map(Location::toString).sorted().toList());
    boolean unchangedSinceStart = parent != null && startingSnapshotId != null
        && parent.snapshotId() == startingSnapshotId;
    if (unchangedSinceStart || parent == null) {
      throw new ValidationException("not a live data file of " + ops.location() + ": " + names);
    }
    throw new CommitFailedException(operation.name + " on " + ops.location() + " conflicts with a concurrent "
        + "commit that removed or rewrote " + names + "; nothing was changed, run it again", null);
  }

  /**
   * Delete files committed since the starting snapshot must not apply to a data file this commit
   * removes: its rows, rewritten, would escape them.
   */
  private void checkNoNewDeletes(TableMetadata base, List<ManifestFile> parentManifests, List<RemovedFile> removed) {
    if (removed.isEmpty() || changes.addedDataFiles().isEmpty()) {
      return; // removing files without rewriting their rows cannot bring deleted rows back
    }
    Set<Long> since = snapshotsSinceStart(base);
    Set<Location> removedLocations = removed.stream().map(r -> Location.of(r.file().location()))
        .collect(Collectors.toSet());
    for (ManifestFile manifest : parentManifests) {
      // A file added since the start is an ADDED entry of a manifest of the snapshot that added it.
      if (manifest.content() != ManifestFile.Content.DELETES || !since.contains(manifest.addedSnapshotId())) {
        continue;
      }
      for (DeleteEntry entry : Manifests.readDeleteManifest(ops.readMetadataFile(manifest.path()), manifest.path())) {
        long addedBy = entry.snapshotId() != null ? entry.snapshotId() : manifest.addedSnapshotId();
        if (entry.status() != ManifestEntry.Status.ADDED || !since.contains(addedBy)) {
          continue;
        }
        DeleteFile deletes = entry.file();
        boolean global = !base.spec(manifest.specId()).isPartitioned();
        boolean applies = deletes.referencedDataFile() != null
            ? removedLocations.contains(Location.of(deletes.referencedDataFile()))
            : global || removed.stream().anyMatch(r -> r.specId() == manifest.specId()
                && r.file().partition().equals(deletes.partition()));
        if (applies) {
          throw new CommitFailedException(operation.name + " on " + ops.location() + " conflicts with delete file "
              + deletes.location() + ", committed meanwhile, for rows of a file it rewrites; nothing was changed,"
              + " run it again", null);
        }
      }
    }
  }

  /** The snapshots committed after the starting snapshot, up to the base's current one. */
  private Set<Long> snapshotsSinceStart(TableMetadata base) {
    Set<Long> since = new HashSet<>();
    Optional<Snapshot> snapshot = base.currentSnapshot();
    while (snapshot.isPresent() && !Long.valueOf(snapshot.get().snapshotId()).equals(startingSnapshotId)) {
      since.add(snapshot.get().snapshotId());
      snapshot = snapshot.get().parent().flatMap(base::snapshot);
    }
    return since;
  }

  private void checkWritable(TableMetadata metadata) {
    if (metadata.defaultSpecId() != spec.specId()) {
      throw new CommitFailedException("the partition spec of " + ops.location() + " changed during the "
          + operation.name + "; nothing was changed, run it again", null);
    }
    if (!metadata.schema().sameStructure(spec.schema())) {
      throw new CommitFailedException("the schema of " + ops.location() + " changed during the "
          + operation.name + "; nothing was changed, run it again", null);
    }
  }

  private Map<String, String> summary(List<DataFile> removedData, List<DeleteFile> removedDeletes) {
    List<DeleteFile> addedDeletes = changes.addedDeleteFiles().stream().map(PendingDeleteFile::file).toList();
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put("operation", operation.name);
    count(summary, "added-data-files", addedData.size());
    count(summary, "added-records", addedData.stream().mapToLong(DataFile::recordCount).sum());
    count(summary, "deleted-data-files", removedData.size());
    count(summary, "deleted-records", removedData.stream().mapToLong(DataFile::recordCount).sum());
    count(summary, "added-delete-files", addedDeletes.size());
    count(summary, "added-position-delete-files", countOf(addedDeletes, DeleteFile.Content.POSITION_DELETES));
    count(summary, "added-position-deletes", rowsOf(addedDeletes, DeleteFile.Content.POSITION_DELETES));
    count(summary, "added-equality-deletes", rowsOf(addedDeletes, DeleteFile.Content.EQUALITY_DELETES));
    count(summary, "removed-delete-files", removedDeletes.size());
    count(summary, "removed-position-deletes", rowsOf(removedDeletes, DeleteFile.Content.POSITION_DELETES));
    count(summary, "removed-equality-deletes", rowsOf(removedDeletes, DeleteFile.Content.EQUALITY_DELETES));
    count(summary, "added-files-size", addedData.stream().mapToLong(DataFile::fileSizeBytes).sum()
        + addedDeletes.stream().mapToLong(DeleteFile::fileSizeBytes).sum());
    count(summary, "removed-files-size", removedData.stream().mapToLong(DataFile::fileSizeBytes).sum()
        + removedDeletes.stream().mapToLong(DeleteFile::fileSizeBytes).sum());
    Set<PartitionKey> partitions = new HashSet<>();
    addedData.forEach(f -> partitions.add(f.partition()));
    removedData.forEach(f -> partitions.add(f.partition()));
    addedDeletes.forEach(f -> partitions.add(f.partition()));
    summary.put("changed-partition-count", Integer.toString(partitions.size()));
    return summary;
  }

  private static void count(Map<String, String> summary, String key, long value) {
    if (value > 0) {
      summary.put(key, Long.toString(value));
    }
  }

  private static long countOf(List<DeleteFile> files, DeleteFile.Content content) {
    return files.stream().filter(f -> f.content() == content).count();
  }

  private static long rowsOf(List<DeleteFile> files, DeleteFile.Content content) {
    return files.stream().filter(f -> f.content() == content).mapToLong(DeleteFile::recordCount).sum();
  }
}
