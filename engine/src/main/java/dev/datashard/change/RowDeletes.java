package dev.datashard.change;

import dev.datashard.commit.DataFileWriter;
import dev.datashard.commit.FileChanges;
import dev.datashard.commit.PendingDeleteFile;
import dev.datashard.commit.PendingFile;
import dev.datashard.commit.PositionDeleteWriter;
import dev.datashard.commit.TableOperations;
import dev.datashard.io.Location;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.TableProperties;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Carries out a {@link RowDeletePlan}: files every row of which matches are removed whole; from
 * the others the matching rows go by copy-on-write (the surviving rows written again through the
 * change's data file writer, the old file removed) or by merge-on-read (a position-delete file per
 * data file, the data file kept), as the table's {@code write.delete.mode} says.
 *
 * @param removed the data files to remove
 * @param referenced the data files the position deletes apply to
 * @param deleteFiles the position-delete files written
 */
public record RowDeletes(Set<Location> removed, Set<Location> referenced, List<PendingDeleteFile> deleteFiles) {
  public RowDeletes {
    removed = Set.copyOf(removed);
    referenced = Set.copyOf(referenced);
    deleteFiles = List.copyOf(deleteFiles);
  }

  public static RowDeletes write(RowDeletePlan plan, TableMetadata metadata, DataFileWriter writer,
      TableOperations ops, BufferAllocator allocator) {
    Set<Location> removed = new HashSet<>();
    plan.wholeFiles().forEach(f -> removed.add(Location.of(f.task().file().location())));
    List<FileMatches> partial = plan.partialFiles();
    boolean mergeOnRead = "merge-on-read".equals(TableProperties.DELETE_MODE.read(metadata.properties()));
    if (!mergeOnRead) {
      CopyOnWrite.rewrite(partial, plan.projection(), plan.filter(), writer, ops.storage(), ops.location(), allocator);
      partial.forEach(f -> removed.add(Location.of(f.task().file().location())));
      return new RowDeletes(removed, Set.of(), List.of());
    }
    Set<Location> referenced = new HashSet<>();
    List<PendingDeleteFile> written = new ArrayList<>();
    try {
      for (FileMatches file : partial) {
        int specId = plan.specId(file.task().file());
        written.add(PositionDeleteWriter.write(allocator, ops.storage(), ops.newDataLocation(), metadata.spec(specId),
            file.task().file(), file.positions(), metadata.properties()));
        referenced.add(Location.of(file.task().file().location()));
      }
    } catch (RuntimeException e) {
      written.forEach(f -> f.discard(ops.storage()));
      throw e;
    }
    return new RowDeletes(removed, referenced, written);
  }

  public boolean isEmpty() {
    return removed.isEmpty() && deleteFiles.isEmpty();
  }

  /** The changes of the snapshot: these deletes and the data files {@code added}. */
  public FileChanges changes(List<PendingFile> added) {
    return new FileChanges(removed, referenced, Set.of(), added, deleteFiles);
  }
}
