package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Table;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Commit latency under contention: {@code writers} threads of one JVM, each with its own
 * {@link Table} instance (its own view of the metadata, as separate processes would have), append
 * {@value #APPENDS_PER_WRITER} batches of 100 rows each to one table per timed round, a fresh table
 * per round. Losers of a commit race retry with the engine's backoff. Appends per second =
 * writers x appends / round time.
 */
@State(Scope.Benchmark)
public class DataShardContention extends LatencySettings {
  public static final int APPENDS_PER_WRITER = 5;

  @Param({"local", "local-nofsync", "s3"})
  public String store;

  @Param({"1", "4", "10"})
  public int writers;

  private BufferAllocator allocator;
  private BenchStore tables;
  private DataShard shard;
  private Writers threads;
  private final List<VectorSchemaRoot> batches = new ArrayList<>();
  private int round;
  private String table;
  private Table[] views;

  @Setup(Level.Trial)
  public void prepare() {
    allocator = new RootAllocator();
    tables = BenchStore.open(store);
    shard = DataShard.open(tables.config(), allocator);
    threads = new Writers(writers);
    for (int w = 0; w < writers; w++) {
      batches.add(Events.batch(allocator, w * 100L, 100));
    }
  }

  @Setup(Level.Invocation)
  public void newTable() {
    table = "contended-" + round++;
    shard.createTable(table, Events.SCHEMA);
    views = new Table[writers];
    for (int w = 0; w < writers; w++) {
      views[w] = shard.loadTable(table);
    }
  }

  /** Every row of the round must be in the table: no append lost to a race. */
  @TearDown(Level.Invocation)
  public void check() {
    long rows = shard.loadTable(table).rowCount();
    if (rows != writers * APPENDS_PER_WRITER * 100L) {
      throw new IllegalStateException("a round appending " + writers * APPENDS_PER_WRITER * 100
          + " rows left " + rows + " in the table");
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    threads.close();
    batches.forEach(VectorSchemaRoot::close);
    shard.close();
    tables.close();
    allocator.close();
  }

  @Benchmark
  public void appendRound() {
    threads.round(w -> {
      for (int i = 0; i < APPENDS_PER_WRITER; i++) {
        views[w].append(batches.get(w));
      }
    });
  }
}
