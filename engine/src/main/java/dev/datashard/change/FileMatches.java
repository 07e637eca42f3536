package dev.datashard.change;

import static java.util.Objects.requireNonNull;

import dev.datashard.plan.FileScanTask;
import java.util.BitSet;

/**
 * The rows of one data file a row-level change's filter matches, by position in the file (what
 * position deletes name), among the rows no delete file removed already.
 *
 * @param liveRows the rows of the file that no delete file removes
 */
public record FileMatches(FileScanTask task, long liveRows, BitSet positions) {
  public FileMatches {
    requireNonNull(task, "task");
    requireNonNull(positions, "positions");
  }

  public boolean none() {
    return positions.isEmpty();
  }

  /** Whether every live row matches: the file can go as a whole, in metadata only. */
  public boolean all() {
    return positions.cardinality() == liveRows;
  }
}
