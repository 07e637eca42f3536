package dev.datashard.plan;

import static java.util.Objects.requireNonNull;

import dev.datashard.io.parquet.ParquetFooter;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.DeleteFile;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;

/**
 * One data file a scan reads. Which of its row groups are read is decided by {@code rowGroups}
 * once the reader has fetched the file's footer: the footer read belongs to the fetch pipeline,
 * so that footers of files further on are read while earlier files are decoded.
 *
 * @param rowGroups the row groups (footer indexes) that may hold matching rows
 * @param deletes the delete files whose rows the reader removes from this file's ({@link DeleteIndex})
 */
public record FileScanTask(DataFile file, Function<ParquetFooter, BitSet> rowGroups, List<DeleteFile> deletes) {
  public FileScanTask {
    requireNonNull(file, "file");
    requireNonNull(rowGroups, "rowGroups");
    deletes = List.copyOf(deletes);
  }

  /** A task of a file no delete file applies to. */
  public FileScanTask(DataFile file, Function<ParquetFooter, BitSet> rowGroups) {
    this(file, rowGroups, List.of());
  }

  /** Whether every row group is read whatever the footer says: a local file can then be decoded in place. */
  public boolean readsEveryRowGroup() {
    return rowGroups == RowGroups.ALL;
  }
}
