package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Schema;
import dev.datashard.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The original DataShard's latency table (create, append 100 and 10,000 records, read 50,000),
 * plus the Arrow rows, measured on one store in this process: a warm-up run, then medians and
 * 90th percentiles of several. Shared by {@code demo} and {@code bench}; the JMH harness is the
 * developers' instrument. Every table it creates is dropped by {@link #close()}.
 */
final class LatencyTable implements AutoCloseable {
  static final Schema EVENTS_SCHEMA = Schema.fromJson("""
      {"schema_id": 1, "fields": [
        {"id": 1, "name": "user_id", "type": "long", "required": true},
        {"id": 2, "name": "event", "type": "string", "required": true},
        {"id": 3, "name": "timestamp", "type": "long", "required": true}]}""");
  private static final String[] EVENTS = {"login", "logout", "click", "view", "purchase"};

  /** One operation's timings in milliseconds; {@code rows} when the operation moves rows. */
  record Row(String operation, double medianMillis, double p90Millis, Integer rows) {}

  private final DataShard shard;
  private final String prefix;
  private final int iterations;
  private final List<String> created = new ArrayList<>();

  /**
   * @param prefix a name no table has yet: every table this run makes is below it
   * @param iterations measured runs per operation, after one warm-up run
   */
  LatencyTable(DataShard shard, String prefix, int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be at least 1, not " + iterations);
    }
    this.shard = shard;
    this.prefix = prefix;
    this.iterations = iterations;
  }

  /** Measures every operation in turn, handing each row to {@code measured} as soon as it is known. */
  List<Row> run(Consumer<Row> measured) throws Exception {
    List<Row> rows = new ArrayList<>();
    Consumer<Row> keep = row -> {
      rows.add(row);
      measured.accept(row);
    };
    keep.accept(time("create table", null, i -> create("create-" + (i + 1))));

    Table events = create("events");
    List<Map<String, Object>> hundred = records(100);
    keep.accept(time("append 100 records", 100, i -> events.appendRecords(hundred)));
    List<Map<String, Object>> tenThousand = records(10_000);
    keep.accept(time("append 10,000 records", 10_000, i -> events.appendRecords(tenThousand)));
    try (VectorSchemaRoot batch = batch(shard.allocator(), 10_000)) {
      keep.accept(time("append 10,000 rows (Arrow batch)", 10_000, i -> events.append(batch)));
    }

    Table read = create("read-50k");
    try (VectorSchemaRoot batch = batch(shard.allocator(), 50_000)) {
      read.append(batch);
    }
    keep.accept(time("read 50,000 records (every value)", 50_000, i -> scanSum(read)));
    return rows;
  }

  /** Tables this run created so far (dropped by {@link #close()}). */
  List<String> createdTables() {
    synchronized (created) {
      return List.copyOf(created);
    }
  }

  @Override
  public void close() {
    for (String name : createdTables()) {
      shard.dropTable(name);
    }
    synchronized (created) {
      created.clear();
    }
  }

  private Table create(String name) {
    String full = prefix + "/" + name;
    synchronized (created) {
      created.add(full);
    }
    return shard.createTable(full, EVENTS_SCHEMA);
  }

  private interface Step {
    void run(int iteration) throws Exception;
  }

  private Row time(String operation, Integer rows, Step step) throws Exception {
    step.run(-1); // warm-up: class loading, JIT, connections
    double[] millis = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      step.run(i);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    return new Row(operation, millis[(iterations - 1) / 2], millis[(int) Math.ceil(iterations * 0.9) - 1], rows);
  }

  static List<Map<String, Object>> records(int count) {
    List<Map<String, Object>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Map<String, Object> record = new HashMap<>();
      record.put("user_id", (long) i);
      record.put("event", EVENTS[i % EVENTS.length]);
      record.put("timestamp", 1_700_000_000_000L + i);
      records.add(record);
    }
    return records;
  }

  /** {@code rows} rows of the events schema as one Arrow batch, for the caller to close. */
  static VectorSchemaRoot batch(BufferAllocator allocator, int rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(dev.datashard.arrow.ArrowSchemas.toArrow(EVENTS_SCHEMA), allocator);
    BigIntVector ids = (BigIntVector) root.getVector(0);
    VarCharVector events = (VarCharVector) root.getVector(1);
    BigIntVector timestamps = (BigIntVector) root.getVector(2);
    ids.allocateNew(rows);
    timestamps.allocateNew(rows);
    events.allocateNew(rows * 6L, rows);
    byte[][] names = Arrays.stream(EVENTS).map(e -> e.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    for (int i = 0; i < rows; i++) {
      ids.set(i, i);
      events.setSafe(i, names[i % names.length]);
      timestamps.set(i, 1_700_000_000_000L + i);
    }
    root.setRowCount(rows);
    return root;
  }

  /** Touches every value of every column, as an analytics consumer would. */
  private static long scanSum(Table table) throws IOException {
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
