package dev.datashard.bench;

import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The original's latency table on Apache Iceberg's Java library, set up like {@link DataShardLatency}. */
@State(Scope.Benchmark)
public class IcebergLatency extends LatencySettings {
  private Path directory;
  private IcebergTables tables;
  private List<Record> records100;
  private List<Record> records10k;
  private Table read50k;
  private int iteration;
  private Path iterationDirectory;
  private int created;
  private Table appendTable;

  @Setup(Level.Trial)
  public void createTables() {
    directory = Scratch.create("iceberg");
    tables = new IcebergTables();
    records100 = Events.icebergRecords(0, 100);
    records10k = Events.icebergRecords(0, 10_000);
    read50k = tables.create(directory.resolve("trial/read-50k").toString());
    IcebergTables.append(read50k, Events.icebergRecords(0, 50_000));
  }

  @Setup(Level.Iteration)
  public void newTable() {
    iterationDirectory = directory.resolve("iteration-" + iteration++);
    created = 0;
    appendTable = tables.create(iterationDirectory.resolve("append").toString());
  }

  @TearDown(Level.Iteration)
  public void dropIterationTables() {
    Scratch.delete(iterationDirectory);
  }

  @TearDown(Level.Trial)
  public void deleteTables() {
    Scratch.delete(directory);
  }

  @Benchmark
  public Table createTable() {
    return tables.create(iterationDirectory.resolve("created-" + created++).toString());
  }

  @Benchmark
  public Table append100Records() {
    IcebergTables.append(appendTable, records100);
    return appendTable;
  }

  @Benchmark
  public Table append10kRecords() {
    IcebergTables.append(appendTable, records10k);
    return appendTable;
  }

  @Benchmark
  public long read50kGeneric() {
    return IcebergReads.generic(read50k);
  }

  @Benchmark
  public long read50kArrow() {
    return IcebergReads.arrow(read50k);
  }
}
