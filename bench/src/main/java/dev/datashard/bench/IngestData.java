package dev.datashard.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** The throughput benchmarks' input: {@code rows} event rows as Arrow batches of up to 100,000 rows. */
public final class IngestData implements AutoCloseable {
  public static final int BATCH_ROWS = 100_000;

  private final List<VectorSchemaRoot> batches = new ArrayList<>();

  public IngestData(BufferAllocator allocator, long rows) {
    for (long start = 0; start < rows; start += BATCH_ROWS) {
      batches.add(Events.batch(allocator, start, (int) Math.min(BATCH_ROWS, rows - start)));
    }
  }

  public List<VectorSchemaRoot> batches() {
    return batches;
  }

  /** Bytes of Arrow buffers: what "MB/s of Arrow data" divides by. */
  public long arrowBytes() {
    return batches.stream().mapToLong(Events::arrowBytes).sum();
  }

  @Override
  public void close() {
    batches.forEach(VectorSchemaRoot::close);
  }
}
