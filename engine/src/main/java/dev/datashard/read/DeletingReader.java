package dev.datashard.read;

import dev.datashard.plan.FileScanTask;
import dev.datashard.io.parquet.ForwardingReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;

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
      VectorSchemaRoot read = source.getVectorSchemaRoot();
      List<FieldVector> vectors = new ArrayList<>();
      for (int c = 0; c < keep; c++) {
        vectors.add(read.getVector(c).getField().createVector(allocator));
      }
      output = new VectorSchemaRoot(vectors);
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
      out.clear();
      for (int c = 0; c < keep; c++) {
        TransferPair pair = batch.getVector(c).makeTransferPair(out.getVector(c));
        if (deleted.isEmpty()) {
          pair.transfer();
        } else {
          out.getVector(c).allocateNew();
          int kept = 0;
          for (int row = deleted.nextClearBit(0); row < rows; row = deleted.nextClearBit(row + 1)) {
            pair.copyValueSafe(row, kept++);
          }
          out.getVector(c).setValueCount(kept);
        }
      }
      out.setRowCount(rows - deleted.cardinality());
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
