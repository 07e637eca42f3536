package dev.datashard.commit;

import dev.datashard.Snapshot;
import dev.datashard.io.StoredObject;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds files under a table that no metadata references: what killed or failed writers left
 * behind. Only files older than a grace period count, so the files of a commit in flight (written
 * but not yet published) are never touched.
 */
public final class OrphanFiles {
  private OrphanFiles() {}

  /** Orphans last modified before {@code olderThanMillis}; deleted unless {@code dryRun}. */
  public static List<String> remove(TableOperations ops, long olderThanMillis, boolean dryRun) {
    TableOperations.Version current = ops.refresh();
    Set<String> referenced = referenced(ops, current);
    List<String> orphans = new ArrayList<>();
    for (StoredObject object : ops.storage().list(ops.location() + "/")) {
      if (object.lastModifiedMillis() < olderThanMillis && !referenced.contains(object.location())) {
        orphans.add(object.location());
      }
    }
    if (!dryRun) {
      orphans.forEach(ops.storage()::delete);
    }
    return orphans;
  }

  private static Set<String> referenced(TableOperations ops, TableOperations.Version current) {
    TableMetadata metadata = current.metadata();
    Set<String> referenced = new HashSet<>();
    referenced.add(current.file());
    referenced.add(ops.location() + "/metadata/version-hint.text");
    metadata.metadataLog().forEach(entry -> referenced.add(entry.metadataFile()));
    for (Snapshot snapshot : metadata.snapshots()) {
      referenced.add(snapshot.manifestList());
      for (ManifestFile manifest : ops.manifests(snapshot)) {
        if (referenced.add(manifest.path())) {
          for (ManifestEntry entry : Manifests.readManifest(ops.readMetadataFile(manifest.path()), manifest.path())) {
            referenced.add(entry.file().location());
          }
        }
      }
    }
    return referenced;
  }
}
