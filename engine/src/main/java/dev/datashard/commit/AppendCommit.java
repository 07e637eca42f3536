package dev.datashard.commit;

import dev.datashard.CommitFailedException;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.ValidationException;
import dev.datashard.io.Location;
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
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Commits data files as one new {@code append} snapshot through the {@link SnapshotProducer}
 * loop. Appends never conflict logically, so every retry succeeds unless the retry budget runs
 * out, the schema or partition spec changed meanwhile, or the files are in the table already.
 *
 * <p>The data files and the manifest are written once; only a merged manifest (when the table
 * asks for one), the manifest list and the metadata are rewritten per attempt.
 *
 * <p>An append with an idempotency key checks every base it builds on: when the key is committed
 * there already (an earlier try of the same append landed), it publishes nothing and deletes what
 * it wrote. Since a publish succeeds only on the newest version, the check always sees the newest.
 */
public final class AppendCommit extends SnapshotProducer {
  private final Schema schema;
  private final PartitionSpec spec;
  private final List<PendingFile> files;
  private final List<DataFile> dataFiles;
  private final String idempotencyKey;
  private final String manifest;
  private final byte[] manifestBytes;
  private final List<CompletableFuture<Void>> uploads = new ArrayList<>();
  private IdempotencyKeys.EarlierCommit earlierCommit;

  /**
   * @param spec the partition spec the files were written with (bound to the schema they fit)
   * @param idempotencyKey the key to record, or null for an append without one
   */
  public AppendCommit(TableOperations ops, PartitionSpec spec, List<PendingFile> files, String idempotencyKey) {
    super(ops);
    this.schema = spec.schema();
    this.spec = spec;
    this.files = List.copyOf(files);
    this.dataFiles = this.files.stream().map(PendingFile::file).toList();
    this.idempotencyKey = idempotencyKey;
    this.manifest = ops.newFilesLocation() + "/metadata/" + commitId() + "-m0.avro";
    this.manifestBytes = Manifests.writeManifest(schema, spec, dataFiles.stream()
        .map(f -> new ManifestEntry(ManifestEntry.Status.ADDED, snapshotId(), null, null, f)).toList());
  }

  /** The earlier commit of this append's idempotency key, when {@link #commit()} found one. */
  public Optional<IdempotencyKeys.EarlierCommit> earlierCommit() {
    return Optional.ofNullable(earlierCommit);
  }

  @Override
  protected String operation() {
    return "append";
  }

  @Override
  protected List<CompletableFuture<Void>> writtenOnce() {
    if (uploads.isEmpty()) {
      files.forEach(f -> uploads.add(f.upload()));
      uploads.add(ops.storage().writeAsync(manifest, manifestBytes));
    }
    return uploads;
  }

  @Override
  protected void discardWrittenOnce() {
    files.forEach(file -> file.discard(ops.storage()));
    deleteQuietly(ops.storage(), manifest);
  }

  @Override
  protected Optional<Changes> apply(TableMetadata base, long sequenceNumber, Attempt attempt) {
    writtenOnce();
    checkAppendable(base);
    if (idempotencyKey != null) {
      earlierCommit = IdempotencyKeys.find(base, idempotencyKey).orElse(null);
      if (earlierCommit != null) {
        return Optional.empty();
      }
    }
    Snapshot parent = base.currentSnapshot().orElse(null);
    checkNotInTable(parent);
    long addedRows = dataFiles.stream().mapToLong(DataFile::recordCount).sum();
    ManifestFile added = new ManifestFile(manifest, manifestBytes.length, spec.specId(),
        ManifestFile.Content.DATA, sequenceNumber, sequenceNumber, snapshotId(), dataFiles.size(), 0, 0,
        addedRows, 0, 0, PartitionSummaries.of(spec, dataFiles), null);
    List<ManifestFile> parentManifests = parent == null ? List.of()
        : ops.manifests(parent).stream().filter(m -> !m.onlyDeletedFiles()).toList();
    List<ManifestFile> manifests = new ArrayList<>();
    manifests.add(added);
    String mergedLocation = attempt.newMetadataLocation("merged");
    Optional<ManifestMerge.Merged> merge = ManifestMerge.plan(ops, base, spec, parentManifests, snapshotId(),
        sequenceNumber, mergedLocation);
    if (merge.isPresent()) {
      attempt.write(mergedLocation, merge.get().content());
      manifests.add(merge.get().manifest());
      parentManifests.stream().filter(m -> !merge.get().replaced().contains(m)).forEach(manifests::add);
    } else {
      manifests.addAll(parentManifests);
    }
    return Optional.of(new Changes(manifests, summary()));
  }

  private void checkAppendable(TableMetadata metadata) {
    if (metadata.defaultSpecId() != spec.specId()) {
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

  private Map<String, String> summary() {
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put("operation", "append");
    summary.put("added-data-files", Integer.toString(dataFiles.size()));
    summary.put("added-records", Long.toString(dataFiles.stream().mapToLong(DataFile::recordCount).sum()));
    summary.put("added-files-size", Long.toString(dataFiles.stream().mapToLong(DataFile::fileSizeBytes).sum()));
    summary.put("changed-partition-count",
        Long.toString(dataFiles.stream().map(DataFile::partition).distinct().count()));
    if (idempotencyKey != null) {
      summary.put(Snapshot.IDEMPOTENCY_KEY, idempotencyKey);
    }
    return summary;
  }
}
