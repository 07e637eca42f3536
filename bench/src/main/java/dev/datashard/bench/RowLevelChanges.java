package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.Compaction;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.parquet.BatchListReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row-level changes (issue #16) on the {@code local} store: a delete of 1% of the rows in both
 * {@code write.delete.mode}s, compaction of 1,000 small appends and full scans before and after
 * it, and full scans with position deletes on 10% of the rows, DataShard beside Iceberg Java's
 * generic reader on the same table and snapshots.
 *
 * <p>The table is the events table plus {@code bucket long = row % 100}: {@code bucket = 7}
 * matches 1% of the rows and {@code bucket < 10} 10%, spread evenly over every file (every file's
 * {@code bucket} statistics are 0..99, so none is pruned). It is written as 10 appends of
 * {@code rows / 10} rows (10 files; one append of 10 million rows would be one 20 MB file at the
 * default 512 MiB target). Each timed change starts from the same table state: the iteration's
 * setup rolls the table back to the snapshot the trial built ({@link Table#rollback}); the files the
 * previous iteration wrote stay on disk, unreferenced.
 *
 * <p>Iceberg Java's core has no delete-by-filter nor compaction without an engine (Spark), so the
 * delete and the compaction have no Iceberg peer; the scans do.
 */
public class RowLevelChanges extends ThroughputSettings {
  static final Schema SCHEMA = Schema.fromJson("""
      {"schema_id": 1, "fields": [
        {"id": 1, "name": "user_id", "type": "long", "required": true},
        {"id": 2, "name": "event", "type": "string", "required": true},
        {"id": 3, "name": "timestamp", "type": "long", "required": true},
        {"id": 4, "name": "bucket", "type": "long", "required": true}]}""");

  private static final org.apache.arrow.vector.types.pojo.Schema ARROW_SCHEMA =
      new org.apache.arrow.vector.types.pojo.Schema(List.of(
          Field.notNullable("user_id", new ArrowType.Int(64, true)),
          Field.notNullable("event", ArrowType.Utf8.INSTANCE),
          Field.notNullable("timestamp", new ArrowType.Int(64, true)),
          Field.notNullable("bucket", new ArrowType.Int(64, true))));

  static final int FILES = 10;
  static final int BUCKETS = 100;

  /** Rows {@code [start, start + rows)}: {@code (i, EVENTS[i % 5], T0 + i, i % 100)}. */
  static VectorSchemaRoot batch(BufferAllocator allocator, long start, int rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ARROW_SCHEMA, allocator);
    BigIntVector ids = (BigIntVector) root.getVector(0);
    VarCharVector events = (VarCharVector) root.getVector(1);
    BigIntVector timestamps = (BigIntVector) root.getVector(2);
    BigIntVector buckets = (BigIntVector) root.getVector(3);
    ids.allocateNew(rows);
    timestamps.allocateNew(rows);
    buckets.allocateNew(rows);
    events.allocateNew(rows * 6L, rows);
    for (int i = 0; i < rows; i++) {
      long row = start + i;
      ids.set(i, row);
      events.setSafe(i, Events.EVENTS[(int) (row % Events.EVENTS.length)].getBytes(StandardCharsets.UTF_8));
      timestamps.set(i, Events.T0 + row);
      buckets.set(i, row % BUCKETS);
    }
    root.setRowCount(rows);
    return root;
  }

  /** Appends rows {@code [start, start + rows)} as one commit (one data file), in batches of 100,000. */
  static Optional<Snapshot> append(Table table, BufferAllocator allocator, long start, long rows) {
    List<VectorSchemaRoot> batches = new ArrayList<>();
    try {
      for (long at = start; at < start + rows; at += IngestData.BATCH_ROWS) {
        batches.add(batch(allocator, at, (int) Math.min(IngestData.BATCH_ROWS, start + rows - at)));
      }
      try (ArrowReader reader = new BatchListReader(allocator, batches)) {
        return table.append(reader);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      batches.forEach(VectorSchemaRoot::close);
    }
  }

  /** A table of {@code rows} rows in {@link #FILES} appends. */
  static Table spread(DataShard shard, BufferAllocator allocator, String name, long rows, Map<String, String> properties) {
    Table table = shard.createTable(name, SCHEMA, properties);
    long per = (rows + FILES - 1) / FILES;
    for (long start = 0; start < rows; start += per) {
      append(table, allocator, start, Math.min(per, rows - start));
    }
    return table;
  }

  /** Full scan of a snapshot, every value read; fails on a row count other than {@code expected}. */
  static long scan(Table table, long snapshotId, long expected) throws IOException {
    long sum = 0;
    long read = 0;
    try (ArrowReader reader = table.newScan().useSnapshot(snapshotId).arrowReader()) {
      while (reader.loadNextBatch()) {
        sum += Touch.batch(reader.getVectorSchemaRoot());
        read += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    check(read, expected);
    return sum;
  }

  /** The same through Iceberg's generic reader ({@code IcebergGenerics}, which applies deletes). */
  static long icebergScan(org.apache.iceberg.Table table, long snapshotId, long expected) {
    long sum = 0;
    long read = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).useSnapshot(snapshotId).build()) {
      for (Record row : rows) {
        sum += (Long) row.get(0) + Touch.string((CharSequence) row.get(1)) + (Long) row.get(2) + (Long) row.get(3);
        read++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    check(read, expected);
    return sum;
  }

  private static void check(long read, long expected) {
    if (read != expected) {
      throw new IllegalStateException("the scan read " + read + " of " + expected + " rows");
    }
  }

  static long addedFilesSize(Snapshot snapshot) {
    return Long.parseLong(snapshot.summary().getOrDefault("added-files-size", "0"));
  }

  /** 1: delete {@code bucket = 7} (1% of the rows, in every file) in one {@code write.delete.mode}. */
  @State(Scope.Benchmark)
  public static class DeleteState {
    @Param({"10000000"})
    public long rows;

    @Param({"copy-on-write", "merge-on-read"})
    public String mode;

    BufferAllocator allocator;
    BenchStore store;
    DataShard shard;
    Table table;
    long base;

    @Setup(Level.Trial)
    public void prepare() {
      allocator = new RootAllocator();
      store = BenchStore.open("local");
      shard = DataShard.open(store.config(), allocator);
      table = spread(shard, allocator, "deleted", rows, Map.of("write.delete.mode", mode));
      base = table.currentSnapshot().orElseThrow().snapshotId();
    }

    @Setup(Level.Iteration)
    public void rollBack() {
      if (table.currentSnapshot().orElseThrow().snapshotId() != base) {
        table.rollback(base);
      }
    }

    @TearDown(Level.Iteration)
    public void recordBytes() {
      Snapshot snapshot = table.currentSnapshot().orElseThrow();
      if (snapshot.snapshotId() == base) {
        throw new IllegalStateException("the delete committed nothing");
      }
      Notes.record("rowlevel.delete." + mode + ".added-files-size." + rows, addedFilesSize(snapshot));
      System.out.println("delete " + mode + " summary: " + snapshot.summary());
    }

    @TearDown(Level.Trial)
    public void close() {
      shard.close();
      store.close();
      allocator.close();
    }
  }

  @Benchmark
  public Optional<Snapshot> deleteOnePercent(DeleteState state) {
    return state.table.newDelete().where(Expression.equal("bucket", 7L)).commit();
  }

  /** 2: a table of {@code appends} appends of {@code appendRows} rows, compacted. */
  @State(Scope.Benchmark)
  public static class SmallFilesState {
    @Param({"1000"})
    public int appends;

    @Param({"100"})
    public int appendRows;

    BufferAllocator allocator;
    BenchStore store;
    DataShard shard;
    Table table;
    long small;
    long compacted;

    @Setup(Level.Trial)
    public void prepare() {
      allocator = new RootAllocator();
      store = BenchStore.open("local");
      shard = DataShard.open(store.config(), allocator);
      table = shard.createTable("small", SCHEMA, Map.of());
      long started = System.nanoTime();
      for (int i = 0; i < appends; i++) {
        try (VectorSchemaRoot batch = batch(allocator, (long) i * appendRows, appendRows)) {
          table.append(batch);
        }
      }
      long appended = System.nanoTime();
      small = table.currentSnapshot().orElseThrow().snapshotId();
      Compaction.Result result = table.rewriteDataFiles().commit();
      long done = System.nanoTime();
      compacted = result.snapshot().orElseThrow().snapshotId();
      int before = table.newScan().useSnapshot(small).files().size();
      int after = table.newScan().useSnapshot(compacted).files().size();
      Notes.record("rowlevel.small.files-before." + appends, before);
      Notes.record("rowlevel.small.files-after." + appends, after);
      System.out.printf("small files: %d appends in %.2f s; files %d -> %d; setup compaction %.3f s, %s%n",
          appends, (appended - started) / 1e9, before, after, (done - appended) / 1e9, result);
      table.rollback(small);
    }

    @Setup(Level.Iteration)
    public void rollBack() {
      if (table.currentSnapshot().orElseThrow().snapshotId() != small) {
        table.rollback(small);
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      shard.close();
      store.close();
      allocator.close();
    }

    long rows() {
      return (long) appends * appendRows;
    }
  }

  @Benchmark
  public long scanSmallFiles(SmallFilesState state) throws IOException {
    return scan(state.table, state.small, state.rows());
  }

  @Benchmark
  public Compaction.Result compact(SmallFilesState state) {
    Compaction.Result result = state.table.rewriteDataFiles().commit();
    if (result.snapshot().isEmpty()) {
      throw new IllegalStateException("the compaction committed nothing");
    }
    return result;
  }

  @Benchmark
  public long scanCompacted(SmallFilesState state) throws IOException {
    return scan(state.table, state.compacted, state.rows());
  }

  /**
   * 3: one table, read at the snapshot before a merge-on-read delete of {@code bucket < 10} (10% of
   * the rows, position-delete files) and at the delete's snapshot: the same data files both times.
   */
  @State(Scope.Benchmark)
  public static class DeletesScanState {
    @Param({"10000000"})
    public long rows;

    BufferAllocator allocator;
    BenchStore store;
    DataShard shard;
    Table table;
    org.apache.iceberg.Table iceberg;
    long clean;
    long deleted;
    long remaining;

    @Setup(Level.Trial)
    public void prepare() {
      allocator = new RootAllocator();
      store = BenchStore.open("local");
      shard = DataShard.open(store.config(), allocator);
      table = spread(shard, allocator, "scanned", rows, Map.of("write.delete.mode", "merge-on-read"));
      clean = table.currentSnapshot().orElseThrow().snapshotId();
      Snapshot delete = table.newDelete().where(Expression.lessThan("bucket", 10L)).commit().orElseThrow();
      deleted = delete.snapshotId();
      remaining = rows - rows / BUCKETS * 10;
      System.out.println("10% delete summary: " + delete.summary());
      iceberg = new HadoopTables(new org.apache.hadoop.conf.Configuration()).load(table.location());
    }

    @TearDown(Level.Trial)
    public void close() {
      shard.close();
      store.close();
      allocator.close();
    }
  }

  @Benchmark
  public long scanWithoutDeletes(DeletesScanState state) throws IOException {
    return scan(state.table, state.clean, state.rows);
  }

  @Benchmark
  public long scanWithDeletes(DeletesScanState state) throws IOException {
    return scan(state.table, state.deleted, state.remaining);
  }

  @Benchmark
  public long icebergScanWithoutDeletes(DeletesScanState state) {
    return icebergScan(state.iceberg, state.clean, state.rows);
  }

  @Benchmark
  public long icebergScanWithDeletes(DeletesScanState state) {
    return icebergScan(state.iceberg, state.deleted, state.remaining);
  }
}
