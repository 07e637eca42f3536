package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.Table;
import dev.datashard.io.parquet.BatchListReader;
import dev.datashard.plan.PlanStatistics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #15's pruning target: a table of 365 daily partitions ({@code day(ts)}, {@code rowsPerDay}
 * rows a day, appended {@code daysPerAppend} days at a time), a one-day query against a full scan,
 * and the same query on an unpartitioned copy given the same appends. Every query reads and
 * touches every value it returns and fails the run on a wrong row count. The plans' manifests
 * read and files opened are printed and recorded as notes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmArgs.OPENS, JvmArgs.HEAP, JvmArgs.DIRECT})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class PartitionPruningBench {
  private static final int DAYS = 365;
  /** The day the one-day query asks for: in the middle of an append's days. */
  private static final int QUERIED_DAY = 200;

  @Param({"27398"}) // 365 x 27,398 = 10,000,270 rows
  public int rowsPerDay;

  @Param({"5"})
  public int daysPerAppend;

  private BufferAllocator allocator;
  private BenchStore store;
  private DataShard shard;
  private Table daily;
  private Table plain;
  private Expression oneDay;

  @Setup(Level.Trial)
  public void build() {
    allocator = new RootAllocator();
    store = BenchStore.open("local");
    shard = DataShard.open(store.config(), allocator);
    daily = shard.createTable("daily", DailyEvents.SCHEMA, "day(ts)", Map.of());
    plain = shard.createTable("plain", DailyEvents.SCHEMA);
    for (int first = 0; first < DAYS; first += daysPerAppend) {
      try (VectorSchemaRoot batch = DailyEvents.days(allocator, first, Math.min(daysPerAppend, DAYS - first),
          rowsPerDay)) {
        append(daily, batch);
        append(plain, batch);
      }
    }
    oneDay = Expression.parse("ts >= '" + DailyEvents.dayStart(QUERIED_DAY) + "' and ts < '"
        + DailyEvents.dayStart(QUERIED_DAY + 1) + "'");
    note("partitioned.one-day", daily.newScan().filter(oneDay).plan().statistics());
    note("partitioned.full-scan", daily.newScan().plan().statistics());
    note("unpartitioned.one-day", plain.newScan().filter(oneDay).plan().statistics());
  }

  private void append(Table table, VectorSchemaRoot batch) {
    try (ArrowReader reader = new BatchListReader(allocator, List.of(batch))) {
      table.append(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void note(String query, PlanStatistics counts) {
    System.out.printf("%n%s: manifests read %d of %d, files opened %d (of %d live in those, %d kept by partition)%n",
        query, counts.manifestsRead(), counts.manifests(), counts.files(), counts.liveFiles(),
        counts.partitionMatches());
    Notes.record("partitions." + query + ".manifests", counts.manifests());
    Notes.record("partitions." + query + ".manifests-read", counts.manifestsRead());
    Notes.record("partitions." + query + ".files-opened", counts.files());
  }

  @TearDown(Level.Trial)
  public void close() {
    shard.close();
    store.close();
    allocator.close();
  }

  @Benchmark
  public long oneDayPartitioned() throws IOException {
    return read(daily, oneDay, rowsPerDay);
  }

  @Benchmark
  public long oneDayUnpartitioned() throws IOException {
    return read(plain, oneDay, rowsPerDay);
  }

  @Benchmark
  public long fullScanPartitioned() throws IOException {
    return read(daily, Expression.alwaysTrue(), (long) rowsPerDay * DAYS);
  }

  private long read(Table table, Expression filter, long expectedRows) throws IOException {
    long sum = 0;
    long read = 0;
    try (ArrowReader reader = table.newScan().filter(filter).arrowReader()) {
      while (reader.loadNextBatch()) {
        sum += Touch.batch(reader.getVectorSchemaRoot());
        read += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    if (read != expectedRows) {
      throw new IllegalStateException("the query read " + read + " rows, not " + expectedRows);
    }
    return sum;
  }
}
