package dev.datashard.expressions;

import dev.datashard.Schema;
import dev.datashard.io.parquet.ForwardingReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Keeps the rows of each batch that match a bound filter and only the output columns. The
 * source batches carry the output columns followed by any extra columns the filter reads.
 * Matching rows are copied into batches this reader owns; batches without a match are skipped.
 */
public final class FilteringReader extends ForwardingReader {
  private final BoundFilter filter;
  private final int outputColumns;
  private final Map<String, Integer> columnIndex = new HashMap<>();
  private VectorSchemaRoot output;

  /**
   * @param readSchema the columns of the source batches, in order
   * @param outputColumns how many leading columns to hand out
   */
  public FilteringReader(BufferAllocator allocator, ArrowReader source, BoundFilter filter,
      Schema readSchema, int outputColumns) {
    super(allocator, source);
    this.filter = filter;
    this.outputColumns = outputColumns;
    for (int c = 0; c < readSchema.fields().size(); c++) {
      columnIndex.put(readSchema.fields().get(c).name(), c);
    }
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    if (output == null) {
      VectorSchemaRoot source = super.getVectorSchemaRoot();
      List<FieldVector> vectors = new ArrayList<>();
      for (int c = 0; c < outputColumns; c++) {
        vectors.add(source.getVector(c).getField().createVector(allocator));
      }
      output = new VectorSchemaRoot(vectors);
    }
    return output;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    VectorSchemaRoot out = getVectorSchemaRoot();
    while (super.loadNextBatch()) {
      VectorSchemaRoot batch = super.getVectorSchemaRoot();
      int rows = batch.getRowCount();
      int[] row = new int[1];
      List<Integer> selected = new ArrayList<>();
      for (row[0] = 0; row[0] < rows; row[0]++) {
        if (filter.matches(field ->
            ColumnValues.cell(batch.getVector(columnIndex.get(field.name())), row[0], field.type()))) {
          selected.add(row[0]);
        }
      }
      if (selected.isEmpty()) {
        continue;
      }
      out.clear();
      for (int c = 0; c < outputColumns; c++) {
        FieldVector target = out.getVector(c);
        target.allocateNew();
        TransferPair copier = batch.getVector(c).makeTransferPair(target);
        for (int i = 0; i < selected.size(); i++) {
          copier.copyValueSafe(selected.get(i), i);
        }
      }
      out.setRowCount(selected.size());
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
