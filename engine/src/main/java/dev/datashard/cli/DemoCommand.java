package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A tour of the engine on the original DataShard's example table, with wall-clock timings of the
 * original's latency-table operations (medians of a few runs; the JMH harness measures properly).
 */
@Command(name = "demo", footer = {"%nExample:", "  datashard demo", "  datashard demo /tmp/my-warehouse"},
    description = "Creates tables in DIR (default: a fresh local warehouse), ingests, reads, prints timings.")
final class DemoCommand implements Callable<Integer> {
  private static final String[] EVENTS = {"login", "logout", "click", "view", "purchase"};
  private static final int RUNS = 7;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR")
  Path directory;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Path warehouse = directory != null ? directory : Files.createTempDirectory("datashard-demo-");
    Files.createDirectories(warehouse);
    Schema schema = Schema.fromJson("""
        {"schema_id": 1, "fields": [
          {"id": 1, "name": "user_id", "type": "long", "required": true},
          {"id": 2, "name": "event", "type": "string", "required": true},
          {"id": 3, "name": "timestamp", "type": "long", "required": true}]}""");
    out.println("DataShard demo: warehouse " + warehouse.toAbsolutePath());
    try (DataShard shard = DataShard.open(StorageConfig.local(warehouse))) {
      String run = "run-" + System.currentTimeMillis();
      double create = median(i -> shard.createTable(run + "/create-" + i, schema));
      report("create table", create, null);

      Table events = shard.createTable(run + "/events", schema);
      List<Map<String, Object>> hundred = records(0, 100);
      double append100 = median(i -> events.appendRecords(hundred));
      report("append 100 records (appendRecords)", append100, null);
      List<Map<String, Object>> tenThousand = records(0, 10_000);
      double append10k = median(i -> events.appendRecords(tenThousand));
      report("append 10,000 records (appendRecords)", append10k, 10_000);
      double append10kArrow;
      try (VectorSchemaRoot batch = batch(shard, 0, 10_000)) {
        append10kArrow = median(i -> events.append(batch));
      }
      report("append 10,000 rows (Arrow batch)", append10kArrow, 10_000);

      Table read = shard.createTable(run + "/read-50k", schema);
      try (VectorSchemaRoot batch = batch(shard, 0, 50_000)) {
        read.append(batch);
      }
      long[] sum = new long[1];
      double read50k = median(i -> sum[0] = scanSum(read));
      report("read 50,000 records (full scan, every value)", read50k, 50_000);

      Table bulk = shard.createTable(run + "/ingest-1m", schema);
      long start = System.nanoTime();
      int rows = 1_000_000;
      try (VectorSchemaRoot batch = batch(shard, 0, rows)) {
        bulk.append(batch);
      }
      double ingestMs = (System.nanoTime() - start) / 1e6;
      report("ingest 1,000,000 rows (one Arrow batch)", ingestMs, rows);

      out.println();
      out.println("Table " + events.location() + " now has " + events.refresh().rowCount() + " rows in "
          + events.snapshots().size() + " snapshots; the latest:");
      List<Snapshot> snapshots = events.snapshots();
      for (Snapshot s : snapshots.subList(Math.max(0, snapshots.size() - 3), snapshots.size())) {
        out.println("  " + s.snapshotId() + "  " + s.operation() + "  added-records="
            + s.summary().get("added-records") + "  total-records=" + s.summary().get("total-records"));
      }
      out.println("First rows: " + events.newScan().select("user_id", "event").toRecords().subList(0, 3));
      out.println();
      out.println("Try: bin/datashard scan " + warehouse.resolve(run + "/events") + " --limit 5 --format table");
    }
    return 0;
  }

  private interface Step {
    void run(int iteration) throws Exception;
  }

  private double median(Step step) throws Exception {
    step.run(-1); // warm-up
    double[] millis = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      step.run(i);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    return millis[RUNS / 2];
  }

  private void report(String what, double millis, Integer rows) {
    String rate = rows == null ? "" : String.format("  (%,.0f rows/s)", rows / (millis / 1000));
    out.printf("  %-48s %9.2f ms%s%n", what, millis, rate);
    out.flush();
  }

  private static List<Map<String, Object>> records(long start, int count) {
    List<Map<String, Object>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Map<String, Object> record = new HashMap<>();
      record.put("user_id", start + i);
      record.put("event", EVENTS[i % EVENTS.length]);
      record.put("timestamp", 1_700_000_000_000L + i);
      records.add(record);
    }
    return records;
  }

  private static VectorSchemaRoot batch(DataShard shard, long start, int rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(List.of(
        org.apache.arrow.vector.types.pojo.Field.notNullable("user_id", new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true)),
        org.apache.arrow.vector.types.pojo.Field.notNullable("event", org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE),
        org.apache.arrow.vector.types.pojo.Field.notNullable("timestamp", new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true)))),
        shard.allocator());
    BigIntVector ids = (BigIntVector) root.getVector(0);
    VarCharVector events = (VarCharVector) root.getVector(1);
    BigIntVector timestamps = (BigIntVector) root.getVector(2);
    ids.allocateNew(rows);
    timestamps.allocateNew(rows);
    events.allocateNew(rows * 6L, rows);
    byte[][] names = Arrays.stream(EVENTS).map(e -> e.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    for (int i = 0; i < rows; i++) {
      ids.set(i, start + i);
      events.setSafe(i, names[i % names.length]);
      timestamps.set(i, 1_700_000_000_000L + i);
    }
    root.setRowCount(rows);
    return root;
  }

  /** Touches every value of every column, as an analytics consumer would. */
  private static long scanSum(Table table) throws java.io.IOException {
    long sum = 0;
    try (ArrowReader reader = table.newScan().arrowReader()) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.getVectorSchemaRoot();
        BigIntVector ids = (BigIntVector) batch.getVector(0);
        VarCharVector events = (VarCharVector) batch.getVector(1);
        BigIntVector timestamps = (BigIntVector) batch.getVector(2);
        for (int i = 0; i < batch.getRowCount(); i++) {
          sum += ids.get(i) + timestamps.get(i) + events.getValueLength(i);
        }
      }
    }
    return sum;
  }
}
