package dev.datashard.plan;

import static java.util.Objects.requireNonNull;

import dev.datashard.Snapshot;
import dev.datashard.expressions.BoundFilter;
import java.util.List;
import java.util.Optional;

/**
 * What a scan reads, decided before any data byte is fetched: the snapshot (empty for a table
 * without data), the columns, the filter (empty when it keeps every row), and one task per data
 * file the manifests' statistics did not rule out, in manifest order, and what pruning kept.
 */
public record ScanPlan(Optional<Snapshot> snapshot, Projection projection, Optional<BoundFilter> filter,
    List<FileScanTask> tasks, PlanStatistics statistics) {
  public ScanPlan {
    tasks = List.copyOf(tasks);
    requireNonNull(statistics, "statistics");
  }

  /** A plan reading whole files chosen elsewhere (a rewrite's), every row of them. */
  public static ScanPlan ofFiles(Projection projection, List<FileScanTask> tasks) {
    return new ScanPlan(Optional.empty(), projection, Optional.empty(), tasks,
        new PlanStatistics(0, 0, tasks.size(), tasks.size(), tasks.size()));
  }
}
