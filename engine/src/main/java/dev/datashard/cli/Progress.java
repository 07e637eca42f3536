package dev.datashard.cli;

import dev.datashard.io.parquet.ForwardingReader;
import java.io.IOException;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/** Rows and MB/s of a long append, shown on stderr only when it is a terminal. */
final class Progress {
  private static final long INTERVAL_NANOS = 500_000_000L;

  private final PrintStream out;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private long lastShown = start;
  private long rows;
  private long bytes;

  Progress(PrintStream out, boolean enabled) {
    this.out = out;
    this.enabled = enabled;
  }

  void rows(long addedRows, long addedBytes) {
    rows += addedRows;
    bytes += addedBytes;
    long now = System.nanoTime();
    if (enabled && now - lastShown > INTERVAL_NANOS) {
      lastShown = now;
      double seconds = (now - start) / 1e9;
      out.printf("\r%,d rows  %.1f MB/s   ", rows, bytes / 1e6 / seconds);
      out.flush();
    }
  }

  void finish() {
    if (enabled && lastShown != start) {
      out.println();
    }
  }

  /** Counts the rows and Arrow bytes of each batch as the writer pulls it. */
  ArrowReader track(BufferAllocator allocator, ArrowReader reader) {
    return new ForwardingReader(allocator, reader) {
      @Override
      public boolean loadNextBatch() throws IOException {
        if (!super.loadNextBatch()) {
          return false;
        }
        VectorSchemaRoot batch = getVectorSchemaRoot();
        long size = batch.getFieldVectors().stream().mapToLong(v -> v.getBufferSize()).sum();
        rows(batch.getRowCount(), size);
        return true;
      }
    };
  }
}
