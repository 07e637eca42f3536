package dev.datashard.commit;

import dev.datashard.Snapshot;
import dev.datashard.io.StorageException;
import dev.datashard.io.Location;
import dev.datashard.metadata.DeleteEntry;
import dev.datashard.metadata.Json;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes old snapshots from the metadata and then deletes the files only they referenced:
 * their manifest lists, manifests no kept snapshot lists, and data and delete files no kept
 * manifest holds (delete files other engines wrote stay as long as a kept snapshot has them).
 * Files are deleted only after the new metadata is published, so readers of the new metadata
 * never miss a file; a reader still on an expired snapshot may, as in Iceberg. The idempotency
 * keys of expired appends stay known for their retention window ({@link IdempotencyKeys}).
 */
public final class SnapshotExpiry {

  /** What an expiry removed. */
  public record Result(List<Long> expiredSnapshotIds, int deletedManifestLists, int deletedManifests,
      int deletedDataFiles, int deletedDeleteFiles) {}

  private SnapshotExpiry() {}

  /**
   * @param olderThanMillis snapshots committed before this time may expire
   * @param retainLast how many of the current snapshot's most recent ancestors (itself included)
   *     to keep whatever their age; at least 1
   */
  public static Result expire(TableOperations ops, long olderThanMillis, int retainLast) {
    if (retainLast < 1) {
      throw new IllegalArgumentException("retain-last must be at least 1 (the current snapshot), not " + retainLast);
    }
    List<Snapshot> expired = new ArrayList<>();
    TableOperations.Version published = MetadataCommit.commit(ops, "snapshot expiry", base -> {
      expired.clear();
      expired.addAll(expirable(base.metadata(), olderThanMillis, retainLast));
      Set<Long> ids = new HashSet<>();
      expired.forEach(s -> ids.add(s.snapshotId()));
      long now = System.currentTimeMillis();
      return base.metadata().withoutSnapshots(ids, now, base.file())
          .withProperties(IdempotencyKeys.afterExpiry(base.metadata(), expired, now), now, null);
    });
    return deleteUnreferenced(ops, published.metadata(), expired);
  }

  private static List<Snapshot> expirable(TableMetadata metadata, long olderThanMillis, int retainLast) {
    Set<Long> keep = new HashSet<>();
    Long id = metadata.currentSnapshotId();
    for (int kept = 0; id != null && kept < retainLast; kept++) {
      keep.add(id);
      id = metadata.snapshot(id).flatMap(Snapshot::parent).orElse(null);
    }
    // Snapshots that other branches and tags point at stay too.
    metadata.otherFields().getOrDefault("refs", Json.MAPPER.createObjectNode())
        .forEach(ref -> keep.add(ref.path("snapshot-id").asLong()));
    return metadata.snapshots().stream()
        .filter(s -> !keep.contains(s.snapshotId()) && s.timestampMillis() < olderThanMillis).toList();
  }

  private static Result deleteUnreferenced(TableOperations ops, TableMetadata kept, List<Snapshot> expired) {
    if (expired.isEmpty()) {
      return new Result(List.of(), 0, 0, 0, 0);
    }
    // Locations compared by value: other engines spell the same file differently.
    // Data and delete files in one set: a file is kept while any kept manifest lists it.
    Set<Location> keptManifests = new HashSet<>();
    Set<Location> keptFiles = new HashSet<>();
    for (Snapshot snapshot : kept.snapshots()) {
      for (ManifestFile manifest : ops.manifests(snapshot)) {
        if (keptManifests.add(Location.of(manifest.path()))) {
          liveFiles(ops, manifest, keptFiles);
        }
      }
    }
    Set<Location> manifestsToDelete = new HashSet<>();
    Set<Location> dataToDelete = new HashSet<>();
    Set<Location> deletesToDelete = new HashSet<>();
    for (Snapshot snapshot : expired) {
      for (ManifestFile manifest : ops.manifests(snapshot)) {
        Location location = Location.of(manifest.path());
        if (!keptManifests.contains(location) && manifestsToDelete.add(location)) {
          Set<Location> files = new HashSet<>();
          liveFiles(ops, manifest, files);
          Set<Location> into = manifest.content() == ManifestFile.Content.DATA ? dataToDelete : deletesToDelete;
          files.stream().filter(f -> !keptFiles.contains(f)).forEach(into::add);
        }
      }
    }
    Set<Location> keptLists = new HashSet<>();
    kept.snapshots().forEach(s -> keptLists.add(Location.of(s.manifestList())));
    dataToDelete.forEach(f -> deleteQuietly(ops, f.toString()));
    deletesToDelete.forEach(f -> deleteQuietly(ops, f.toString()));
    manifestsToDelete.forEach(f -> deleteQuietly(ops, f.toString()));
    expired.stream().filter(s -> !keptLists.contains(Location.of(s.manifestList())))
        .forEach(s -> deleteQuietly(ops, s.manifestList()));
    return new Result(expired.stream().map(Snapshot::snapshotId).toList(), expired.size(),
        manifestsToDelete.size(), dataToDelete.size(), deletesToDelete.size());
  }

  /** The live data files of a data manifest, or the live delete files of a delete manifest. */
  private static void liveFiles(TableOperations ops, ManifestFile manifest, Set<Location> into) {
    byte[] content = ops.readMetadataFile(manifest.path());
    if (manifest.content() == ManifestFile.Content.DELETES) {
      for (DeleteEntry entry : Manifests.readDeleteManifest(content, manifest.path())) {
        if (entry.isLive()) {
          into.add(Location.of(entry.file().location()));
        }
      }
      return;
    }
    for (ManifestEntry entry : Manifests.readManifest(content, manifest.path())) {
      if (entry.isLive()) {
        into.add(Location.of(entry.file().location()));
      }
    }
  }

  private static void deleteQuietly(TableOperations ops, String location) {
    try {
      ops.storage().delete(location);
    } catch (StorageException e) {
      // Left behind, it is an orphan for removeOrphanFiles; the expiry itself is committed.
    }
  }
}
