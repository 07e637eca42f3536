package dev.datashard.plan;

import dev.datashard.io.parquet.ParquetFooter;
import dev.datashard.metadata.DataFile;
import java.util.BitSet;
import java.util.function.Function;

/**
 * One data file a scan reads. Which of its row groups are read is decided by {@code rowGroups}
 * once the reader has fetched the file's footer: the footer read belongs to the fetch pipeline,
 * so that footers of files further on are read while earlier files are decoded.
 *
 * @param rowGroups the row groups (footer indexes) that may hold matching rows
 */
public record FileScanTask(DataFile file, Function<ParquetFooter, BitSet> rowGroups) {
  /** Whether every row group is read whatever the footer says: a local file can then be decoded in place. */
  public boolean readsEveryRowGroup() {
    return rowGroups == RowGroups.ALL;
  }
}
