package dev.datashard.commit;

import static java.util.Objects.requireNonNull;

import dev.datashard.CommitFailedException;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.ValidationException;
import dev.datashard.io.Location;
import dev.datashard.io.StorageException;
import dev.datashard.metadata.DataFile;
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

/**
 * Removes data files from the table and adds others in one snapshot: a delete of whole files,
 * the copy-on-write half of a row-level delete or overwrite, a compaction. Removed files are
 * marked {@code DELETED} in rewritten copies of the manifests that list them (the other entries
 * kept as {@code EXISTING}), as Iceberg does; they stay on storage for older snapshots until
 * snapshot expiry removes them.
 *
 * <p>Validation against commits made since the operation read the table: appends are rebased
 * onto (their files are kept), but a removed file that is no longer live was removed or rewritten
 * by a concurrent commit, and this commit fails with a conflict rather than resurrect or double
 * its rows. Added files must fit the current schema and partition spec, as for appends.
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
  private final Set<Location> removed;
  private final Long startingSnapshotId;
  private final PartitionSpec spec;
  private final List<PendingFile> added;
  private final List<DataFile> addedFiles;
  private final Map<String, String> extraSummary;
  private final String addedManifest;
  private final byte[] addedManifestBytes;
  private final List<CompletableFuture<Void>> uploads = new ArrayList<>();

  /**
   * @param removed the data files to remove, in any spelling of their locations
   * @param startingSnapshotId the snapshot the operation chose its files in (null: none), for
   *     telling a file that never was in the table from one a concurrent commit removed
   * @param spec the spec (and schema) {@code added} were written with; unused when nothing is added
   * @param added data files to add
   * @param extraSummary entries for the snapshot summary beyond the counts
   */
  public FileChangeCommit(TableOperations ops, Operation operation, Set<String> removed, Long startingSnapshotId,
      PartitionSpec spec, List<PendingFile> added, Map<String, String> extraSummary) {
    super(ops);
    this.operation = requireNonNull(operation, "operation");
    this.removed = new HashSet<>();
    removed.forEach(location -> this.removed.add(Location.of(location)));
    this.startingSnapshotId = startingSnapshotId;
    this.spec = spec;
    this.added = List.copyOf(added);
    this.addedFiles = this.added.stream().map(PendingFile::file).toList();
    this.extraSummary = Map.copyOf(extraSummary);
    if (this.added.isEmpty()) {
      addedManifest = null;
      addedManifestBytes = null;
    } else {
      addedManifest = ops.location() + "/metadata/" + commitId() + "-m0.avro";
      addedManifestBytes = Manifests.writeManifest(spec.schema(), spec, addedFiles.stream()
          .map(f -> new ManifestEntry(ManifestEntry.Status.ADDED, snapshotId(), null, null, f)).toList());
    }
  }

  /** Removes whole data files in a {@code delete} snapshot. */
  public static Snapshot deleteFiles(TableOperations ops, Set<String> locations) {
    if (locations.isEmpty()) {
      throw new ValidationException("no data files named to delete");
    }
    Long current = ops.refresh().metadata().currentSnapshot().map(Snapshot::snapshotId).orElse(null);
    return new FileChangeCommit(ops, Operation.DELETE, locations, current, null, List.of(), Map.of())
        .commit().orElseThrow();
  }

  @Override
  protected String operation() {
    return operation.name;
  }

  @Override
  protected List<CompletableFuture<Void>> writtenOnce() {
    if (uploads.isEmpty() && addedManifest != null) {
      added.forEach(f -> uploads.add(f.upload()));
      uploads.add(ops.storage().writeAsync(addedManifest, addedManifestBytes));
    }
    return uploads;
  }

  @Override
  protected void discardWrittenOnce() {
    added.forEach(file -> file.discard(ops.storage()));
    if (addedManifest != null) {
      deleteQuietly(ops.storage(), addedManifest);
    }
  }

  @Override
  protected Optional<Changes> apply(TableMetadata base, long sequenceNumber, Attempt attempt) {
    writtenOnce();
    if (!added.isEmpty()) {
      checkWritable(base);
    }
    Snapshot parent = base.currentSnapshot().orElse(null);
    if (parent == null && !removed.isEmpty()) {
      throw new ValidationException("table " + ops.location() + " has no data files to remove");
    }
    List<ManifestFile> parentManifests = parent == null ? List.of() : ops.manifests(parent);
    List<ManifestFile> manifests = new ArrayList<>();
    if (addedManifest != null) {
      manifests.add(new ManifestFile(addedManifest, addedManifestBytes.length, spec.specId(),
          ManifestFile.Content.DATA, sequenceNumber, sequenceNumber, snapshotId(), addedFiles.size(), 0, 0,
          addedFiles.stream().mapToLong(DataFile::recordCount).sum(), 0, 0,
          PartitionSummaries.of(spec, addedFiles), null));
    }
    Removal removal = remove(base, parentManifests, sequenceNumber, attempt, manifests);
    Set<Location> missing = new HashSet<>(removed);
    missing.removeAll(removal.found);
    if (!missing.isEmpty()) {
      String names = String.join(", ", missing.stream().map(Location::toString).sorted().toList());
      boolean unchangedSinceStart = parent != null && startingSnapshotId != null
          && parent.snapshotId() == startingSnapshotId;
      throw unchangedSinceStart
          ? new ValidationException("not a live data file of " + ops.location() + ": " + names)
          : new CommitFailedException(operation.name + " on " + ops.location() + " conflicts with a concurrent "
              + "commit that removed or rewrote " + names + "; nothing was changed, run it again", null);
    }
    return Optional.of(new Changes(manifests, summary(removal)));
  }

  /** The removed files' entries, found in the parent's manifests. */
  private record Removal(Set<Location> found, List<DataFile> files) {}

  /** Adds the parent's manifests to {@code manifests}, rewritten where they list a removed file. */
  private Removal remove(TableMetadata base, List<ManifestFile> parentManifests, long sequenceNumber,
      Attempt attempt, List<ManifestFile> manifests) {
    List<CompletableFuture<byte[]>> reads = parentManifests.stream()
        .map(m -> m.content() == ManifestFile.Content.DATA && !removed.isEmpty() ? ops.readAsync(m.path()) : null)
        .toList();
    Set<Location> found = new HashSet<>();
    List<DataFile> removedFiles = new ArrayList<>();
    for (int i = 0; i < parentManifests.size(); i++) {
      ManifestFile manifest = parentManifests.get(i);
      if (reads.get(i) == null) {
        manifests.add(manifest);
        continue;
      }
      List<ManifestEntry> entries = Manifests.readManifest(StorageException.join(reads.get(i)), manifest.path());
      if (entries.stream().noneMatch(e -> e.isLive() && removed.contains(Location.of(e.file().location())))) {
        manifests.add(manifest);
        continue;
      }
      List<ManifestEntry> rewritten = new ArrayList<>();
      int existing = 0;
      long existingRows = 0;
      List<DataFile> removedHere = new ArrayList<>();
      long minSequence = Long.MAX_VALUE;
      for (ManifestEntry entry : entries) {
        if (!entry.isLive()) {
          continue; // a deletion is history, recorded in the snapshot that made it
        }
        // Inherited values, resolved now that the entry leaves the manifest it inherited from.
        long dataSequence = entry.sequenceNumber() != null ? entry.sequenceNumber() : manifest.sequenceNumber();
        long fileSequence = entry.fileSequenceNumber() != null ? entry.fileSequenceNumber() : manifest.sequenceNumber();
        minSequence = Math.min(minSequence, dataSequence);
        Location location = Location.of(entry.file().location());
        if (removed.contains(location)) {
          found.add(location);
          removedHere.add(entry.file());
          rewritten.add(new ManifestEntry(ManifestEntry.Status.DELETED, snapshotId(), dataSequence, fileSequence,
              entry.file()));
        } else {
          rewritten.add(new ManifestEntry(ManifestEntry.Status.EXISTING,
              entry.snapshotId() != null ? entry.snapshotId() : manifest.addedSnapshotId(), dataSequence,
              fileSequence, entry.file()));
          existing++;
          existingRows += entry.file().recordCount();
        }
      }
      removedFiles.addAll(removedHere);
      String location = attempt.newMetadataLocation("rewritten");
      byte[] content = Manifests.writeManifest(base.schema(), base.spec(manifest.specId()), rewritten);
      attempt.write(location, content);
      manifests.add(new ManifestFile(location, content.length, manifest.specId(), ManifestFile.Content.DATA,
          sequenceNumber, minSequence, snapshotId(), 0, existing, removedHere.size(), 0, existingRows,
          removedHere.stream().mapToLong(DataFile::recordCount).sum(), manifest.partitions(), null));
    }
    return new Removal(found, removedFiles);
  }

  private void checkWritable(TableMetadata metadata) {
    Schema schema = spec.schema();
    if (metadata.defaultSpecId() != spec.specId()) {
      throw new CommitFailedException("the partition spec of " + ops.location() + " changed during the "
          + operation.name + "; nothing was changed, run it again", null);
    }
    if (!metadata.schema().sameStructure(schema)) {
      throw new CommitFailedException("the schema of " + ops.location() + " changed during the "
          + operation.name + "; nothing was changed, run it again", null);
    }
  }

  private Map<String, String> summary(Removal removal) {
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put("operation", operation.name);
    if (!addedFiles.isEmpty()) {
      summary.put("added-data-files", Integer.toString(addedFiles.size()));
      summary.put("added-records", Long.toString(addedFiles.stream().mapToLong(DataFile::recordCount).sum()));
      summary.put("added-files-size", Long.toString(addedFiles.stream().mapToLong(DataFile::fileSizeBytes).sum()));
    }
    if (!removal.files.isEmpty()) {
      summary.put("deleted-data-files", Integer.toString(removal.files.size()));
      summary.put("deleted-records", Long.toString(removal.files.stream().mapToLong(DataFile::recordCount).sum()));
      summary.put("removed-files-size",
          Long.toString(removal.files.stream().mapToLong(DataFile::fileSizeBytes).sum()));
    }
    Set<PartitionKey> partitions = new HashSet<>();
    addedFiles.forEach(f -> partitions.add(f.partition()));
    removal.files.forEach(f -> partitions.add(f.partition()));
    summary.put("changed-partition-count", Integer.toString(partitions.size()));
    summary.putAll(extraSummary);
    return summary;
  }
}
