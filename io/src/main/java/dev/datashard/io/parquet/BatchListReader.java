package dev.datashard.io.parquet;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/** Serves a caller's roots in order, as a reader, without copying them or taking ownership of them. */
public final class BatchListReader extends ArrowReader {
  private final List<VectorSchemaRoot> batches;
  private int next = -1;

  public BatchListReader(BufferAllocator allocator, List<VectorSchemaRoot> batches) {
    super(allocator);
    this.batches = batches;
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() {
    return batches.get(Math.max(next, 0));
  }

  @Override
  public boolean loadNextBatch() {
    next++;
    return next < batches.size();
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  public void close() {
    // The batches are the caller's.
  }

  @Override
  protected void closeReadSource() {}

  @Override
  protected Schema readSchema() {
    return batches.get(0).getSchema();
  }
}
