package dev.datashard.change;

import dev.datashard.Expression;
import dev.datashard.Snapshot;
import dev.datashard.commit.DataFileWriter;
import dev.datashard.commit.FileChangeCommit;
import dev.datashard.commit.FileChanges;
import dev.datashard.commit.PendingFile;
import dev.datashard.commit.TableOperations;
import dev.datashard.io.Location;
import dev.datashard.metadata.DeleteFile;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.WriteProperties;
import dev.datashard.partition.PartitionKey;
import dev.datashard.plan.FileScanTask;
import dev.datashard.plan.ScanPlan;
import dev.datashard.plan.ScanPlanner;
import dev.datashard.read.PlanReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Compaction: chooses the files to rewrite, rewrites their rows (deletes applied) into files of
 * the target size, and commits the {@code replace} snapshot.
 */
public final class Compactions {
  private static final long BATCH_ROWS = 64 * 1024;
  private static final long READ_AHEAD_BYTES = 64L << 20;

  private Compactions() {}

  /** What a compaction did; the counts are zero and the snapshot empty when it had nothing to do. */
  public record Outcome(Optional<Snapshot> snapshot, int rewrittenDataFiles, int addedDataFiles,
      int removedDeleteFiles, long rewrittenBytes) {}

  /** @param targetSizeBytes the size of the files written, or null for the table's target */
  public static Outcome compact(TableOperations ops, Expression filter, Long targetSizeBytes,
      BufferAllocator allocator) {
    TableMetadata metadata = ops.refresh().metadata();
    Optional<Snapshot> snapshot = metadata.currentSnapshot();
    if (snapshot.isEmpty()) {
      return new Outcome(Optional.empty(), 0, 0, 0, 0);
    }
    Map<String, String> properties = new HashMap<>(metadata.properties());
    long target = targetSizeBytes != null ? targetSizeBytes : WriteProperties.targetFileSizeBytes(properties);
    properties.put(WriteProperties.TARGET_FILE_SIZE_BYTES, Long.toString(target));
    ScanPlan scan = new ScanPlanner(metadata, ops, ops.location(), null, null, null, filter).plan();
    List<FileScanTask> chosen = choose(scan.tasks(), target);
    List<ManifestFile> dataManifests = ops.manifests(snapshot.get()).stream()
        .filter(m -> m.content() == ManifestFile.Content.DATA && !m.onlyDeletedFiles()).toList();
    // Rewritten into one per partition spec when there are more.
    boolean consolidate = dataManifests.size() > dataManifests.stream().map(ManifestFile::specId).distinct().count();
    if (chosen.isEmpty() && !consolidate) {
      return new Outcome(Optional.empty(), 0, 0, 0, 0);
    }
    List<PendingFile> written;
    try (DataFileWriter writer = new DataFileWriter(allocator, ops.storage(), ops.newDataLocation(), metadata.defaultSpec(),
        properties)) {
      for (FileScanTask task : chosen) {
        ScanPlan plan = ScanPlan.ofFiles(scan.projection(), List.of(task.everyRowGroup()));
        try (ArrowReader rows = PlanReader.open(plan, ops.storage(), ops.location(), allocator, BATCH_ROWS,
            READ_AHEAD_BYTES)) {
          writer.write(rows);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      written = writer.finish();
    }
    Set<Location> rewritten = new HashSet<>();
    chosen.forEach(task -> rewritten.add(Location.of(task.file().location())));
    Set<Location> obsoleteDeletes = obsoletePositionDeletes(chosen, rewritten);
    FileChanges changes = new FileChanges(rewritten, Set.of(), obsoleteDeletes, written, List.of());
    Optional<Snapshot> committed = new FileChangeCommit(ops, FileChangeCommit.Operation.REPLACE, changes,
        snapshot.get().snapshotId(), metadata.defaultSpec(), consolidate).commit();
    return new Outcome(committed, chosen.size(), written.size(), obsoleteDeletes.size(),
        chosen.stream().mapToLong(task -> task.file().fileSizeBytes()).sum());
  }

  /**
   * Within each partition, the files below three quarters of the target or with deletes to apply;
   * a partition's single small file without deletes is left as it is (rewriting it gains nothing).
   */
  private static List<FileScanTask> choose(List<FileScanTask> tasks, long target) {
    long minimum = target / 4 * 3;
    Map<PartitionKey, List<FileScanTask>> byPartition = new LinkedHashMap<>();
    for (FileScanTask task : tasks) {
      if (task.file().fileSizeBytes() < minimum || !task.deletes().isEmpty()) {
        byPartition.computeIfAbsent(task.file().partition(), p -> new ArrayList<>()).add(task);
      }
    }
    List<FileScanTask> chosen = new ArrayList<>();
    byPartition.values().stream()
        .filter(group -> group.size() > 1 || !group.get(0).deletes().isEmpty())
        .forEach(chosen::addAll);
    return chosen;
  }

  /** Position-delete files that name only rewritten data files: their rows are gone now. */
  private static Set<Location> obsoletePositionDeletes(List<FileScanTask> chosen, Set<Location> rewritten) {
    Set<Location> obsolete = new HashSet<>();
    for (FileScanTask task : chosen) {
      for (DeleteFile deletes : task.deletes()) {
        Optional<String> named = namedDataFile(deletes);
        if (named.isPresent() && rewritten.contains(Location.of(named.get()))) {
          obsolete.add(Location.of(deletes.location()));
        }
      }
    }
    return obsolete;
  }

  /**
   * The one data file a position-delete file names: its {@code referenced_data_file}, or its
   * {@code file_path} bounds when they are equal (Spark and Flink write files per partition that
   * may name many).
   */
  private static Optional<String> namedDataFile(DeleteFile deletes) {
    if (deletes.content() != DeleteFile.Content.POSITION_DELETES) {
      return Optional.empty();
    }
    if (deletes.referencedDataFile() != null) {
      return Optional.of(deletes.referencedDataFile());
    }
    byte[] lower = deletes.lowerBounds().get(DeleteFile.FILE_PATH_FIELD_ID);
    byte[] upper = deletes.upperBounds().get(DeleteFile.FILE_PATH_FIELD_ID);
    return lower != null && Arrays.equals(lower, upper)
        ? Optional.of(new String(lower, StandardCharsets.UTF_8)) : Optional.empty();
  }
}
