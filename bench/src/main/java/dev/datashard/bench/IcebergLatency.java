package dev.datashard.bench;

import java.nio.file.Path;
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

/** The original's latency table on Apache Iceberg's Java library, set up like {@link DataShardLatency}. */
@State(Scope.Benchmark)
public class IcebergLatency extends LatencySettings {
  /** Iceberg's catalog-free configuration: {@link IcebergTables#HADOOP} or {@link IcebergTables#NIO}. */
  @Param({IcebergTables.HADOOP, IcebergTables.NIO})
  public String catalog;

  private Path directory;
  private IcebergTables tables;
  private List<Record> records100;
  private List<Record> records10k;
  private Table read50k;
  private int created;

  @Setup(Level.Trial)
  public void createTables() {
    directory = Scratch.create("iceberg");
    tables = new IcebergTables(catalog);
    records100 = Events.icebergRecords(0, 100);
    records10k = Events.icebergRecords(0, 10_000);
    read50k = tables.create(directory.resolve("trial/read-50k").toString());
    IcebergTables.append(read50k, Events.icebergRecords(0, 50_000));
  }

  @TearDown(Level.Trial)
  public void deleteTables() {
    Scratch.release(directory);
  }

  @Benchmark
  public Table createTable() {
    return tables.create(directory.resolve("created-" + created++).toString());
  }

  @Benchmark
  public Table append100Records(AppendTarget target) {
    IcebergTables.append(target.table, records100);
    return target.table;
  }

  @Benchmark
  public Table append10kRecords(AppendTarget target) {
    IcebergTables.append(target.table, records10k);
    return target.table;
  }

  @Benchmark
  public long read50kGeneric() {
    return IcebergReads.generic(read50k);
  }

  @Benchmark
  public long read50kArrow() {
    return IcebergReads.arrow(read50k);
  }

  /** The table the next append goes to, replaced (outside the timing) every {@value #TABLE_HISTORY} appends. */
  @State(Scope.Benchmark)
  public static class AppendTarget {
    private Table table;
    private int appends;

    @Setup(Level.Invocation)
    public void rotate(IcebergLatency bench) {
      if (appends++ % TABLE_HISTORY == 0) {
        table = bench.tables.create(bench.directory.resolve("append-" + appends).toString());
      }
    }
  }
}
