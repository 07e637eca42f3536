package dev.datashard.commit;

import dev.datashard.io.StorageException;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.PartitionSummaries;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.TableProperties;
import dev.datashard.partition.PartitionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps manifest lists short: once a snapshot would list {@code commit.manifest.min-count-to-merge}
 * (Iceberg's property, default 100) data manifests, the parent's are rewritten into one, so a scan
 * of a table with thousands of appends still reads a handful of manifests. Entries keep their
 * snapshot ids and sequence numbers, written out explicitly as the spec requires for
 * {@code EXISTING} entries.
 */
final class ManifestMerge {
  /** A merged manifest ready to upload, and its line in the manifest list. */
  record Merged(ManifestFile manifest, byte[] content, List<ManifestFile> replaced) {}

  private ManifestMerge() {}

  /** The merge of {@code parentManifests} if the table asks for one now. */
  static Optional<Merged> plan(TableOperations ops, TableMetadata metadata, PartitionSpec spec,
      List<ManifestFile> parentManifests, long snapshotId, long sequenceNumber, String location) {
    if (!TableProperties.MANIFEST_MERGE_ENABLED.read(metadata.properties())) {
      return Optional.empty();
    }
    int minCount = TableProperties.MANIFEST_MIN_COUNT_TO_MERGE.read(metadata.properties());
    List<ManifestFile> candidates = parentManifests.stream()
        .filter(m -> m.content() == ManifestFile.Content.DATA && m.specId() == spec.specId()).toList();
    if (candidates.size() < 2 || candidates.size() + 1 < minCount) {
      return Optional.empty();
    }
    List<CompletableFuture<byte[]>> reads = candidates.stream().map(m -> ops.readAsync(m.path())).toList();
    List<ManifestEntry> entries = new ArrayList<>();
    long rows = 0;
    long minSequence = Long.MAX_VALUE;
    for (int i = 0; i < candidates.size(); i++) {
      ManifestFile manifest = candidates.get(i);
      for (ManifestEntry entry : Manifests.readManifest(StorageException.join(reads.get(i)), manifest.path())) {
        if (!entry.isLive()) {
          continue; // a deletion is history, recorded in the snapshot that made it
        }
        // Inherited values, resolved now that the entry leaves the manifest it inherited from.
        long dataSequence = entry.sequenceNumber() != null ? entry.sequenceNumber() : manifest.sequenceNumber();
        entries.add(new ManifestEntry(ManifestEntry.Status.EXISTING,
            entry.snapshotId() != null ? entry.snapshotId() : manifest.addedSnapshotId(), dataSequence,
            entry.fileSequenceNumber() != null ? entry.fileSequenceNumber() : manifest.sequenceNumber(),
            entry.file()));
        rows += entry.file().recordCount();
        minSequence = Math.min(minSequence, dataSequence);
      }
    }
    byte[] content = Manifests.writeManifest(spec.schema(), spec, entries);
    ManifestFile merged = new ManifestFile(location, content.length, spec.specId(), ManifestFile.Content.DATA,
        sequenceNumber, entries.isEmpty() ? sequenceNumber : minSequence, snapshotId, 0, entries.size(), 0,
        0, rows, 0, PartitionSummaries.of(spec, entries.stream().map(ManifestEntry::file).toList()), null);
    return Optional.of(new Merged(merged, content, candidates));
  }
}
