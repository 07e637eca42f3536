package dev.datashard.commit;

import dev.datashard.Snapshot;
import dev.datashard.metadata.ManifestFile;
import java.util.List;
import java.util.Map;

/**
 * The {@code total-*} entries of a snapshot summary: the parent's totals plus what the snapshot
 * added minus what it removed, by Iceberg's summary keys. A total the parent's summary lacks is
 * counted from its manifests where they tell it, and otherwise left out, as Iceberg does.
 */
final class SnapshotTotals {
  private SnapshotTotals() {}

  static void put(Map<String, String> summary, Snapshot parent, List<ManifestFile> parentManifests) {
    Map<String, String> previous = parent == null ? Map.of() : parent.summary();
    List<ManifestFile> data = parentManifests.stream()
        .filter(m -> m.content() == ManifestFile.Content.DATA).toList();
    List<ManifestFile> deletes = parentManifests.stream()
        .filter(m -> m.content() == ManifestFile.Content.DELETES).toList();
    Long noneIfNoDeletes = deletes.isEmpty() ? 0L : null;
    total(summary, previous, "total-records", "added-records", "deleted-records",
        data.stream().mapToLong(ManifestFile::liveRows).sum());
    total(summary, previous, "total-files-size", "added-files-size", "removed-files-size",
        parent == null ? 0L : null);
    total(summary, previous, "total-data-files", "added-data-files", "deleted-data-files",
        data.stream().mapToLong(m -> m.addedFilesCount() + m.existingFilesCount()).sum());
    total(summary, previous, "total-delete-files", "added-delete-files", "removed-delete-files",
        deletes.stream().mapToLong(m -> m.addedFilesCount() + m.existingFilesCount()).sum());
    total(summary, previous, "total-position-deletes", "added-position-deletes", "removed-position-deletes",
        noneIfNoDeletes);
    total(summary, previous, "total-equality-deletes", "added-equality-deletes", "removed-equality-deletes",
        noneIfNoDeletes);
  }

  private static void total(Map<String, String> summary, Map<String, String> previous, String key,
      String addedKey, String removedKey, Long parentTotalIfUnrecorded) {
    String recorded = previous.get(key);
    Long parentTotal = recorded != null ? Long.valueOf(recorded) : parentTotalIfUnrecorded;
    if (parentTotal != null) {
      long added = Long.parseLong(summary.getOrDefault(addedKey, "0"));
      long removed = Long.parseLong(summary.getOrDefault(removedKey, "0"));
      summary.put(key, Long.toString(parentTotal + added - removed));
    }
  }
}
