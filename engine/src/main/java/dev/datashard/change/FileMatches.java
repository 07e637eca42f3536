package dev.datashard.change;

import static java.util.Objects.requireNonNull;

import dev.datashard.plan.FileScanTask;
import java.util.BitSet;

/**
 * The rows of one data file a row-level change's filter matches, by position in the file (before
 * any delete file applies: positions are what position deletes name).
 *
 * @param rows the rows the file holds
 */
public record FileMatches(FileScanTask task, long rows, BitSet positions) {
  public FileMatches {
    requireNonNull(task, "task");
    requireNonNull(positions, "positions");
  }

  public boolean none() {
    return positions.isEmpty();
  }

  /** Whether every row matches: the file can go as a whole, in metadata only. */
  public boolean all() {
    return positions.cardinality() == rows;
  }
}
