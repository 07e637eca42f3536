package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Table;
import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issue #13: time to the first batch of a scan of every column, on a table of {@code files} files
 * of the five-column shape ({@link WideEvents}, {@code rowsPerFile} rows each, about 1.3 MiB at
 * 8,000 rows: over the 1 MiB whole-read threshold, so the footer and the chunks are two steps). The
 * table is loaded once (its manifest list is cached, as in a repeated query); each operation plans
 * the scan, reads one batch and closes the reader (which cancels the read-ahead).
 */
@State(Scope.Benchmark)
public class S3ScanBench extends LatencySettings {
  @Param({"s3", "local"})
  public String store;

  @Param({"1", "100"})
  public int files;

  @Param({"8000"})
  public int rowsPerFile;

  private BufferAllocator allocator;
  private BenchStore tables;
  private DataShard shard;
  private Table table;

  @Setup(Level.Trial)
  public void prepare() throws IOException {
    allocator = new RootAllocator();
    tables = BenchStore.open(store);
    shard = DataShard.open(tables.config(), allocator);
    Table written = shard.createTable("first-batch-" + files, WideEvents.SCHEMA);
    for (int f = 0; f < files; f++) {
      try (VectorSchemaRoot batch = WideEvents.batch(allocator, (long) f * rowsPerFile, rowsPerFile)) {
        written.append(batch);
      }
    }
    table = shard.loadTable(written.name());
    if (table.newScan().files().size() != files) {
      throw new IllegalStateException("expected " + files + " files");
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    shard.close();
    tables.close();
    allocator.close();
  }

  @Benchmark
  public int firstBatch() throws IOException {
    try (ArrowReader reader = table.newScan().arrowReader()) {
      if (!reader.loadNextBatch()) {
        throw new IllegalStateException("no first batch");
      }
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      return root.getRowCount() + root.getFieldVectors().size();
    }
  }
}
