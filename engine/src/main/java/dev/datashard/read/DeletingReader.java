package dev.datashard.read;

import dev.datashard.arrow.SelectedRows;
import dev.datashard.io.parquet.ForwardingReader;
import dev.datashard.plan.FileScanTask;
import java.io.IOException;
import java.util.BitSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Removes the rows delete files delete from a {@link StreamingReader}'s batches, which tell their
 * data file and the position of their first row in it, and hands out the leading {@code keep}
 * columns (the columns read only to compare equality deletes go). A batch without deleted rows
 * is handed on without copying; otherwise the kept rows are copied into batches this reader owns.
 */
final class DeletingReader extends ForwardingReader {
  private final StreamingReader source;
  private final DeleteLoader deletes;
  private final int keep;
  private VectorSchemaRoot output;
  private FileScanTask task;
  private RowDeletes rowDeletes;

  DeletingReader(BufferAllocator allocator, StreamingReader source, DeleteLoader deletes, int keep) {
    super(allocator, source);
    this.source = source;
    this.deletes = deletes;
    this.keep = keep;
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    if (output == null) {
      output = SelectedRows.emptyLike(source.getVectorSchemaRoot(), keep, allocator);
    }
    return output;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    VectorSchemaRoot out = getVectorSchemaRoot();
    while (source.loadNextBatch()) {
      if (source.currentTask() != task) {
        task = source.currentTask();
        rowDeletes = deletes.forTask(task);
      }
      VectorSchemaRoot batch = source.getVectorSchemaRoot();
      int rows = batch.getRowCount();
      BitSet deleted = rowDeletes.isEmpty() ? new BitSet() : rowDeletes.deleted(batch, source.batchFirstRow());
      if (rows > 0 && deleted.cardinality() == rows) {
        continue;
      }
      if (deleted.isEmpty()) {
        SelectedRows.transfer(batch, out);
      } else {
        deleted.flip(0, rows);
        SelectedRows.copy(batch, deleted, out);
      }
      return true;
    }
    return false;
  }

  @Override
  protected void closeOwned() {
    if (output != null) {
      output.close();
    }
  }
}
