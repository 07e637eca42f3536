package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Checks the round-trip model: the latency operations on S3Proxy behind {@link DelayProxy}
 * (requests held a fixed time on their way to the server), {@code -Dn=N} times per delay (default
 * 60: about 2 minutes for delays 0 0 20 70). A plain loop, not JMH: a check, not a benchmark. Each
 * delay gets a fresh {@link DataShard} (a fresh connection pool) and fresh tables; the added time
 * over the 0 ms round, divided by the delay, is the number of sequential round trips.
 *
 * <p>Usage: {@code S3ModelCheck OUTPUT_TSV DELAY_MS...}, e.g. {@code out.tsv 0 0 20 70} (the
 * first 0 ms round warms the JIT up; the report takes the last round of each delay). Writes one
 * line per round and operation, {@link #HEADER}, and prints the medians.
 */
public final class S3ModelCheck {
  public static final String HEADER = "round\tdelay_ms\toperation\tn\tp50_ms";

  /** What one iteration times, in order. */
  public enum Operation {
    CREATE, APPEND_100, APPEND_10K, LOAD, FIRST_SCAN, SCAN_AGAIN
  }

  private S3ModelCheck() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: S3ModelCheck OUTPUT_TSV DELAY_MS...");
      System.exit(2);
    }
    long[] delays = Arrays.stream(args).skip(1).mapToLong(Long::parseLong).toArray();
    run(Path.of(args[0]), Integer.getInteger("n", 60), delays);
  }

  /** One round per delay, in order, on one S3Proxy server started (and stopped) here. */
  public static void run(Path output, int n, long... delays) throws IOException {
    try (S3ProxyServer server = S3ProxyServer.start(); BufferAllocator allocator = new RootAllocator();
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8))) {
      server.createBucket("bench");
      out.println(HEADER);
      for (int round = 1; round <= delays.length; round++) {
        long delay = delays[round - 1];
        Map<Operation, Double> medians = round(server, allocator, "r" + round + "-d" + delay + "/", delay, n);
        for (Map.Entry<Operation, Double> median : medians.entrySet()) {
          out.printf(Locale.ROOT, "%d\t%d\t%s\t%d\t%.3f%n", round, delay, median.getKey(), n, median.getValue());
        }
        out.flush();
        System.out.printf("delay %d ms, n=%d, p50 ms: %s%n", delay, n, medians);
      }
    }
  }

  /** One delay: n iterations of every operation; the median of each. */
  private static Map<Operation, Double> round(S3ProxyServer server, BufferAllocator allocator, String prefix,
      long delay, int n) throws IOException {
    List<Map<String, Object>> records100 = Events.records(0, 100);
    List<Map<String, Object>> records10k = Events.records(0, 10_000);
    Map<Operation, double[]> times = new EnumMap<>(Operation.class);
    for (Operation operation : Operation.values()) {
      times.put(operation, new double[n]);
    }
    try (DelayProxy proxy = new DelayProxy(server.port(), delay);
        DataShard shard = DataShard.open(StorageConfig.s3(server.config("bench").endpoint(proxy.endpoint()).build()),
            allocator)) {
      String read = prefix + "read-50k";
      try (VectorSchemaRoot batch = Events.batch(allocator, 0, 50_000)) {
        shard.createTable(read, Events.SCHEMA).append(batch);
      }
      // The process's first commit probes conditional writes: outside the timing.
      shard.createTable(prefix + "warm", Events.SCHEMA).appendRecords(records100);
      Table t100 = shard.createTable(prefix + "a100", Events.SCHEMA);
      Table t10k = shard.createTable(prefix + "a10k", Events.SCHEMA);
      for (int i = 0; i < n; i++) {
        int iteration = i;
        time(times, Operation.CREATE, i, () -> shard.createTable(prefix + "c" + iteration, Events.SCHEMA));
        time(times, Operation.APPEND_100, i, () -> t100.appendRecords(records100));
        time(times, Operation.APPEND_10K, i, () -> t10k.appendRecords(records10k));
        // A table loaded anew has no cached manifest list: its first scan reads it, the next does not.
        Table loaded = time(times, Operation.LOAD, i, () -> shard.loadTable(read));
        time(times, Operation.FIRST_SCAN, i, () -> scan(loaded));
        time(times, Operation.SCAN_AGAIN, i, () -> scan(loaded));
      }
    }
    Map<Operation, Double> medians = new EnumMap<>(Operation.class);
    times.forEach((operation, values) -> medians.put(operation, median(values)));
    return medians;
  }

  private static <T> T time(Map<Operation, double[]> times, Operation operation, int i, Supplier<T> task) {
    long start = System.nanoTime();
    T result = task.get();
    times.get(operation)[i] = (System.nanoTime() - start) / 1e6;
    return result;
  }

  /** Reads every value, as the benchmark's read does; the row count proves it. */
  private static long scan(Table table) {
    long rows = 0;
    long sum = 0;
    try (ArrowReader reader = table.newScan().arrowReader()) {
      while (reader.loadNextBatch()) {
        sum += Touch.batch(reader.getVectorSchemaRoot());
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (rows != 50_000) {
      throw new IllegalStateException("the scan read " + rows + " rows of 50,000 (checksum " + sum + ")");
    }
    return sum;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
