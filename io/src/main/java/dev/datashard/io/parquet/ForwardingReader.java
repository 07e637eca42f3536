package dev.datashard.io.parquet;

import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} that serves another reader's batches unchanged; subclasses add what
 * happens around them (closing owned resources, counting rows).
 */
public class ForwardingReader extends ArrowReader {
  private final ArrowReader delegate;

  public ForwardingReader(BufferAllocator allocator, ArrowReader delegate) {
    super(allocator);
    this.delegate = delegate;
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    return delegate.getVectorSchemaRoot();
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    return delegate.loadNextBatch();
  }

  @Override
  public long bytesRead() {
    return delegate.bytesRead();
  }

  /** Closes the delegate, then whatever {@link #closeOwned()} releases. */
  @Override
  public void close() throws IOException {
    closeReadSource();
  }

  @Override
  protected final void closeReadSource() throws IOException {
    try {
      delegate.close();
    } finally {
      closeOwned();
    }
  }

  /** Releases what the subclass owns besides the delegate. */
  protected void closeOwned() throws IOException {}

  @Override
  protected Schema readSchema() throws IOException {
    return delegate.getVectorSchemaRoot().getSchema();
  }
}
