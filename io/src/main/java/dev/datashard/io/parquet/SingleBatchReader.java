package dev.datashard.io.parquet;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/** Serves a caller's root once, as a reader, without taking ownership of it. */
public final class SingleBatchReader extends ArrowReader {
  private final VectorSchemaRoot root;
  private boolean served;

  public SingleBatchReader(BufferAllocator allocator, VectorSchemaRoot root) {
    super(allocator);
    this.root = root;
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() {
    return root;
  }

  @Override
  public boolean loadNextBatch() {
    if (served) {
      return false;
    }
    served = true;
    return true;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  public void close() {
    // The root belongs to the caller.
  }

  @Override
  protected void closeReadSource() {}

  @Override
  protected Schema readSchema() {
    return root.getSchema();
  }
}
