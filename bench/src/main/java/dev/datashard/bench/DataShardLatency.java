package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import java.io.IOException;
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
 * The original DataShard's latency table, on DataShard. Appends go to a table that grows by one
 * snapshot per append, replaced by a fresh one every {@value #TABLE_HISTORY} appends. Tables are
 * deleted only when the fork ends (see {@link LatencySettings}).
 */
@State(Scope.Benchmark)
public class DataShardLatency extends LatencySettings {
  @Param({"local", "local-nofsync", "s3"})
  public String store;

  private BufferAllocator allocator;
  private BenchStore tables;
  private DataShard shard;
  private List<Map<String, Object>> records100;
  private List<Map<String, Object>> records10k;
  private VectorSchemaRoot batch10k;
  private Table read50k;
  private int created;

  @Setup(Level.Trial)
  public void openStore() {
    allocator = new RootAllocator();
    tables = BenchStore.open(store);
    shard = DataShard.open(tables.config(), allocator);
    records100 = Events.records(0, 100);
    records10k = Events.records(0, 10_000);
    batch10k = Events.batch(allocator, 0, 10_000);
    read50k = shard.createTable("trial/read-50k", Events.SCHEMA);
    try (VectorSchemaRoot batch = Events.batch(allocator, 0, 50_000)) {
      read50k.append(batch);
    }
  }

  @TearDown(Level.Trial)
  public void closeStore() {
    batch10k.close();
    shard.close();
    tables.close();
    allocator.close();
  }

  @Benchmark
  public Table createTable() {
    return shard.createTable("created-" + created++, Events.SCHEMA);
  }

  @Benchmark
  public Optional<Snapshot> append100Records(AppendTarget target) {
    return target.table.appendRecords(records100);
  }

  @Benchmark
  public Optional<Snapshot> append10kRecords(AppendTarget target) {
    return target.table.appendRecords(records10k);
  }

  /** The same 10,000 rows handed over as an Arrow batch, DataShard's native input. */
  @Benchmark
  public Optional<Snapshot> append10kArrow(AppendTarget target) {
    return target.table.append(batch10k);
  }

  /** The table the next append goes to, replaced (outside the timing) every {@value #TABLE_HISTORY} appends. */
  @State(Scope.Benchmark)
  public static class AppendTarget {
    private Table table;
    private int appends;

    @Setup(Level.Invocation)
    public void rotate(DataShardLatency bench) {
      if (appends++ % TABLE_HISTORY == 0) {
        table = bench.shard.createTable("append-" + appends, Events.SCHEMA);
      }
    }
  }

  @Benchmark
  public long read50k() throws IOException {
    long sum = 0;
    try (ArrowReader reader = read50k.newScan().arrowReader()) {
      while (reader.loadNextBatch()) {
        sum += Touch.batch(reader.getVectorSchemaRoot());
      }
    }
    return sum;
  }
}
