package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.parquet.BatchListReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Issue #15's append target: {@code rows} rows spread over {@code partitions} daily partitions
 * (row n on day n % partitions, so every batch of 100,000 rows meets every partition) appended
 * in one transaction to a new table partitioned by {@code spec}; {@code spec=""} is the same rows
 * unpartitioned, for comparison. rows/s = rows / the time per operation. On {@code local} (durable)
 * every file is fsynced with its directory, a hundred of each for a hundred partitions;
 * {@code local-nofsync} shows the rest of the cost.
 */
@State(Scope.Benchmark)
public class PartitionedAppendBench extends ThroughputSettings {
  @Param({"local", "local-nofsync"})
  public String store;

  @Param({"1000000"})
  public int rows;

  @Param({"100"})
  public int partitions;

  @Param({"day(ts)", ""})
  public String spec;

  private BufferAllocator allocator;
  private BenchStore tables;
  private DataShard shard;
  private final List<VectorSchemaRoot> batches = new ArrayList<>();
  private Table table;
  private int iteration;

  @Setup(Level.Trial)
  public void prepare() {
    allocator = new RootAllocator();
    tables = BenchStore.open(store);
    shard = DataShard.open(tables.config(), allocator);
    for (int start = 0; start < rows; start += IngestData.BATCH_ROWS) {
      batches.add(DailyEvents.interleaved(allocator, start, Math.min(IngestData.BATCH_ROWS, rows - start), partitions));
    }
  }

  @Setup(Level.Iteration)
  public void newTable() {
    table = shard.createTable("append-" + iteration++, DailyEvents.SCHEMA, spec, Map.of());
  }

  /** Checks the files the append wrote: one per partition (the target size is never reached here). */
  @TearDown(Level.Iteration)
  public void check() {
    int files = table.newScan().files().size();
    int expected = spec.isEmpty() ? 1 : partitions;
    if (files != expected) {
      throw new IllegalStateException("the append wrote " + files + " files, not " + expected);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    batches.forEach(VectorSchemaRoot::close);
    shard.close();
    tables.close();
    allocator.close();
  }

  @Benchmark
  public Optional<Snapshot> append() throws IOException {
    try (ArrowReader reader = new BatchListReader(allocator, batches)) {
      return table.append(reader);
    }
  }
}
