package dev.datashard.cli;

import dev.datashard.Schema;
import dev.datashard.arrow.ArrowSchemas;
import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * A text input as a reader of batches of the table's schema, decoded as they are asked for, so
 * that an input of any size takes one batch of memory. Owns (and closes) the decoder and the batch.
 */
final class TextBatches extends ArrowReader {
  private final RowDecoder decoder;
  private final BatchRows rows;
  private final Schema schema;

  TextBatches(BufferAllocator allocator, Schema schema, RowDecoder decoder, int batchRows) {
    super(allocator);
    this.schema = schema;
    this.decoder = decoder;
    this.rows = new BatchRows(allocator, schema, batchRows);
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() {
    return rows.root();
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    rows.clear();
    while (!rows.isFull() && decoder.next(rows)) {
      // each call adds one row
    }
    return rows.seal() > 0;
  }

  @Override
  public long bytesRead() {
    return decoder.bytesRead();
  }

  @Override
  public void close() throws IOException {
    try (decoder; rows) {
      // both closed, the decoder's input first
    }
  }

  @Override
  protected void closeReadSource() throws IOException {
    decoder.close();
  }

  @Override
  protected org.apache.arrow.vector.types.pojo.Schema readSchema() {
    return ArrowSchemas.toArrow(schema);
  }
}
