package dev.datashard.change;

import static java.util.Objects.requireNonNull;

import dev.datashard.Expression;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.commit.TableOperations;
import dev.datashard.expressions.BoundFilter;
import dev.datashard.expressions.Filters;
import dev.datashard.io.Location;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.plan.FileScanTask;
import dev.datashard.plan.Projection;
import dev.datashard.plan.ScanPlan;
import dev.datashard.plan.ScanPlanner;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Which rows of the current snapshot a row-level delete removes: the data files the filter may
 * match (pruned by statistics, as a scan is), and in each the matching positions. Rows appended
 * after {@code snapshot} are not in the plan: a concurrent append's rows survive the delete
 * (snapshot isolation, as Iceberg's default for deletes).
 *
 * @param snapshot the snapshot the plan was made on, empty for a table without data
 * @param projection the columns a rewrite reads: every column, and those equality deletes compare
 * @param filter the bound filter (it decides the rows)
 * @param files the files holding at least one matching row
 */
public record RowDeletePlan(Optional<Snapshot> snapshot, Projection projection, BoundFilter filter,
    List<FileMatches> files, Map<Location, Integer> specIds) {
  public RowDeletePlan {
    requireNonNull(snapshot, "snapshot");
    files = List.copyOf(files);
    specIds = Map.copyOf(specIds);
  }

  public static RowDeletePlan plan(TableMetadata metadata, TableOperations ops, Expression filter,
      BufferAllocator allocator) {
    ScanPlanner planner = new ScanPlanner(metadata, ops, ops.location(), null, null, null, filter);
    ScanPlan scan = planner.plan();
    Schema schema = metadata.schema();
    BoundFilter bound = Filters.bind(filter, schema);
    List<FileMatches> files = new ArrayList<>();
    for (FileScanTask task : scan.tasks()) {
      FileMatches matches;
      if (filter instanceof Expression.True && task.deletes().isEmpty()) {
        BitSet every = new BitSet();
        every.set(0, Math.toIntExact(task.file().recordCount()));
        matches = new FileMatches(task, task.file().recordCount(), every);
      } else {
        matches = MatchingRows.find(task, bound, matchingColumns(filter, task, scan.projection()), ops.storage(),
            ops.location(), allocator);
      }
      if (!matches.none()) {
        files.add(matches);
      }
    }
    return new RowDeletePlan(scan.snapshot(), scan.projection(), bound, files, specIds(ops, scan.snapshot(), files));
  }

  /** The columns deciding which rows of the task's file are left to delete: the filter's and the equality deletes'. */
  private static Schema matchingColumns(Expression filter, FileScanTask task, Projection projection) {
    Set<String> filterColumns = Filters.columns(filter);
    Set<Integer> equalityIds = task.deletes().stream().flatMap(d -> d.equalityFieldIds().stream())
        .collect(Collectors.toSet());
    List<Field> columns = projection.read().fields().stream()
        .filter(f -> filterColumns.contains(f.name()) || equalityIds.contains(f.id())).toList();
    // Without any, one column still gives the batches whose rows are counted.
    return new Schema(columns.isEmpty() ? projection.read().fields().subList(0, 1) : columns);
  }

  /** The partition spec of each matched file: the one of the manifest listing it. */
  private static Map<Location, Integer> specIds(TableOperations ops, Optional<Snapshot> snapshot,
      List<FileMatches> files) {
    Set<Location> wanted = files.stream().map(f -> Location.of(f.task().file().location())).collect(Collectors.toSet());
    Map<Location, Integer> specIds = new HashMap<>();
    if (wanted.isEmpty()) {
      return specIds;
    }
    for (ManifestFile manifest : ops.manifests(snapshot.orElseThrow())) {
      if (manifest.content() != ManifestFile.Content.DATA) {
        continue;
      }
      for (ManifestEntry entry : Manifests.readManifest(ops.readMetadataFile(manifest.path()), manifest.path())) {
        Location location = Location.of(entry.file().location());
        if (entry.isLive() && wanted.contains(location)) {
          specIds.put(location, manifest.specId());
        }
      }
    }
    return specIds;
  }

  /** The partition spec id of a matched file. */
  public int specId(DataFile file) {
    return specIds.get(Location.of(file.location()));
  }

  /** Rows matched, counted before delete files apply (a row deleted already may be counted). */
  public long matchedRows() {
    return files.stream().mapToLong(f -> f.positions().cardinality()).sum();
  }

  public Long snapshotId() {
    return snapshot.map(Snapshot::snapshotId).orElse(null);
  }

  /** Files every row of which matches: removed whole, in metadata. */
  public List<FileMatches> wholeFiles() {
    return files.stream().filter(FileMatches::all).toList();
  }

  /** Files where some rows match and others stay. */
  public List<FileMatches> partialFiles() {
    return files.stream().filter(f -> !f.all()).toList();
  }
}
