package dev.datashard.expressions;

import dev.datashard.Schema;
import dev.datashard.arrow.SelectedRows;
import dev.datashard.io.parquet.ForwardingReader;
import java.io.IOException;
import java.util.BitSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Keeps the rows of each batch that match a bound filter (or, for a row-level delete, those that
 * do not) and only the output columns. The source batches carry the output columns followed by
 * any extra columns the filter reads. Kept rows are copied into batches this reader owns; batches
 * keeping no row are skipped.
 */
public final class FilteringReader extends ForwardingReader {
  private final BoundFilter filter;
  private final Schema readSchema;
  private final int outputColumns;
  private final boolean keepMatching;
  private VectorSchemaRoot output;

  /**
   * @param readSchema the columns of the source batches, in order
   * @param outputColumns how many leading columns to hand out
   * @param keepMatching whether the rows that match are kept, or the rows that do not (where the
   *     filter is false or, by SQL's rule, unknown)
   */
  public FilteringReader(BufferAllocator allocator, ArrowReader source, BoundFilter filter,
      Schema readSchema, int outputColumns, boolean keepMatching) {
    super(allocator, source);
    this.filter = filter;
    this.readSchema = readSchema;
    this.outputColumns = outputColumns;
    this.keepMatching = keepMatching;
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    if (output == null) {
      output = SelectedRows.emptyLike(super.getVectorSchemaRoot(), outputColumns, allocator);
    }
    return output;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    VectorSchemaRoot out = getVectorSchemaRoot();
    while (super.loadNextBatch()) {
      VectorSchemaRoot batch = super.getVectorSchemaRoot();
      BitSet selected = filter.matchingRows(batch, readSchema);
      if (!keepMatching) {
        selected.flip(0, batch.getRowCount());
      }
      if (selected.isEmpty()) {
        continue;
      }
      SelectedRows.copy(batch, selected, out);
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
