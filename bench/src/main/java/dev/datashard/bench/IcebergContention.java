package dev.datashard.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link DataShardContention} on Apache Iceberg's Java library: each writer thread loads its own
 * {@code HadoopTables} table and fast-appends a data file of 100 records per append.
 * Iceberg's own retry settings, with as many retries as DataShard's (50).
 */
@State(Scope.Benchmark)
public class IcebergContention extends LatencySettings {
  @Param({"1", "4", "10"})
  public int writers;

  private Path directory;
  private IcebergTables tables;
  private Writers threads;
  private final List<List<Record>> records = new ArrayList<>();
  private int round;
  private String location;
  private Table[] views;

  @Setup(Level.Trial)
  public void prepare() {
    directory = Scratch.create("iceberg");
    tables = new IcebergTables(IcebergTables.HADOOP);
    threads = new Writers(writers);
    for (int w = 0; w < writers; w++) {
      records.add(Events.icebergRecords(w * 100L, 100));
    }
  }

  @Setup(Level.Invocation)
  public void newTable() {
    location = directory.resolve("contended-" + round++).toString();
    tables.create(location);
    views = new Table[writers];
    for (int w = 0; w < writers; w++) {
      views[w] = tables.load(location);
    }
  }

  /** Every row of the round must be in the table: no append lost to a race. */
  @TearDown(Level.Invocation)
  public void check() {
    Table table = tables.load(location);
    long rows = table.currentSnapshot() == null ? 0
        : Long.parseLong(table.currentSnapshot().summary().get("total-records"));
    if (rows != writers * DataShardContention.APPENDS_PER_WRITER * 100L) {
      throw new IllegalStateException("a round appending " + writers * DataShardContention.APPENDS_PER_WRITER * 100
          + " rows left " + rows + " in the table");
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    threads.close();
    Scratch.release(directory);
  }

  @Benchmark
  public void appendRound() {
    threads.round(w -> {
      for (int i = 0; i < DataShardContention.APPENDS_PER_WRITER; i++) {
        IcebergTables.append(views[w], records.get(w));
      }
    });
  }
}
