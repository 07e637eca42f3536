package dev.datashard.commit;

import dev.datashard.io.Location;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one snapshot changes in a table's files.
 *
 * @param removedDataFiles data files to remove (any spelling of their locations)
 * @param referencedDataFiles data files the added delete files apply to, which must stay live:
 *     deletes for a file a concurrent commit rewrote would be lost
 * @param removedDeleteFiles delete files to remove: a compaction applied them
 * @param addedDataFiles data files to add
 * @param addedDeleteFiles delete files to add
 */
public record FileChanges(Set<Location> removedDataFiles, Set<Location> referencedDataFiles,
    Set<Location> removedDeleteFiles, List<PendingFile> addedDataFiles, List<PendingDeleteFile> addedDeleteFiles) {

  public FileChanges {
    removedDataFiles = Set.copyOf(removedDataFiles);
    referencedDataFiles = Set.copyOf(referencedDataFiles);
    removedDeleteFiles = Set.copyOf(removedDeleteFiles);
    addedDataFiles = List.copyOf(addedDataFiles);
    addedDeleteFiles = List.copyOf(addedDeleteFiles);
  }

  /** Removes whole data files and adds nothing. */
  public static FileChanges removing(Set<String> dataFiles) {
    return new FileChanges(locations(dataFiles), Set.of(), Set.of(), List.of(), List.of());
  }

  public static Set<Location> locations(Set<String> locations) {
    return locations.stream().map(Location::of).collect(Collectors.toSet());
  }

  public boolean isEmpty() {
    return removedDataFiles.isEmpty() && removedDeleteFiles.isEmpty() && addedDataFiles.isEmpty()
        && addedDeleteFiles.isEmpty();
  }
}
