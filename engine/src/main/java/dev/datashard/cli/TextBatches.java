package dev.datashard.cli;

import dev.datashard.Schema;
import dev.datashard.arrow.ArrowSchemas;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * A text input as a reader of batches of the table's schema. The next batch is decoded on a
 * thread of its own while the caller writes the current one (decoding and Parquet encoding take
 * about as long, and each uses one core), and handed over without a copy; an input of any size
 * takes two batches of memory. Owns (and closes) the decoder, the batches and the thread.
 */
final class TextBatches extends ArrowReader {
  private final RowDecoder decoder;
  private final Schema schema;
  private final VectorSchemaRoot root;
  private final BatchRows filling;
  private final ExecutorService decoding = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, "datashard-decode");
    thread.setDaemon(true);
    return thread;
  });
  private Future<Integer> next;

  TextBatches(BufferAllocator allocator, Schema schema, RowDecoder decoder, int batchRows) {
    super(allocator);
    this.schema = schema;
    this.decoder = decoder;
    this.root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
    this.filling = new BatchRows(allocator, schema, batchRows);
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() {
    return root;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    if (next == null) {
      next = decoding.submit(this::fill);
    }
    Future<Integer> decoded = next;
    next = null;
    int rows = await(decoded);
    root.clear();
    if (rows == 0) {
      root.setRowCount(0);
      return false;
    }
    filling.moveTo(root);
    next = decoding.submit(this::fill);
    return true;
  }

  /** Decodes rows into {@link #filling} until it is full or the input ends; the number of rows. */
  private int fill() throws IOException {
    filling.clear();
    while (!filling.isFull() && decoder.next(filling)) {
      // each call adds one row
    }
    return filling.seal();
  }

  private static int await(Future<Integer> batch) throws IOException {
    try {
      return batch.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while decoding the input");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        // Rethrown as thrown (a ValidationException names the line), the caller's stack added.
        runtime.addSuppressed(new Exception("decoded on thread datashard-decode"));
        throw runtime;
      }
      throw new UncheckedIOException(new IOException(cause));
    }
  }

  @Override
  public long bytesRead() {
    return decoder.bytesRead();
  }

  @Override
  public void close() throws IOException {
    // The decoding thread must be done with the batch before it is freed.
    decoding.shutdown();
    if (next != null) {
      try {
        await(next);
      } catch (IOException | RuntimeException ignored) {
        // The input is abandoned; its error, if any, no longer matters.
      }
    }
    try (decoder; filling; root) {
      // all three closed, the input first
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
