package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The local latency operations in a plain loop, for comparing two builds in the same minutes: it
 * uses only the public API, so it runs against any build's class path, and it deletes nothing
 * while it runs (deleting tables slows this disk for minutes; see PERFORMANCE.md, "Noise").
 * Per iteration: create a table, append 100 records, append 10,000 records, append the 10,000
 * rows as one Arrow batch, each append to its own table, replaced every 100 appends as in the JMH
 * benchmark. Prints the medians of each round.
 *
 * <p>Usage: {@code LatencyLoop DIRECTORY FSYNC(true|false) ITERATIONS ROUNDS}.
 */
public final class LatencyLoop {
  private LatencyLoop() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: LatencyLoop DIRECTORY FSYNC ITERATIONS ROUNDS");
      System.exit(2);
    }
    Path directory = Files.createTempDirectory(Files.createDirectories(Path.of(args[0])), "loop-");
    boolean fsync = Boolean.parseBoolean(args[1]);
    int n = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    List<Map<String, Object>> records100 = Events.records(0, 100);
    List<Map<String, Object>> records10k = Events.records(0, 10_000);
    try (BufferAllocator allocator = new RootAllocator();
        DataShard shard = DataShard.open(new StorageConfig(StorageConfig.StorageType.LOCAL, directory, fsync),
            allocator);
        VectorSchemaRoot batch10k = Events.batch(allocator, 0, 10_000)) {
      for (int round = 1; round <= rounds; round++) {
        double[] create = new double[n];
        double[] append100 = new double[n];
        double[] append10k = new double[n];
        double[] append10kArrow = new double[n];
        Table small = null;
        Table large = null;
        Table arrow = null;
        for (int i = 0; i < n; i++) {
          if (i % 100 == 0) {
            small = shard.createTable(round + "/small-" + i, Events.SCHEMA);
            large = shard.createTable(round + "/large-" + i, Events.SCHEMA);
            arrow = shard.createTable(round + "/arrow-" + i, Events.SCHEMA);
          }
          String created = round + "/created-" + i;
          Table a = small;
          Table b = large;
          Table c = arrow;
          create[i] = time(() -> shard.createTable(created, Events.SCHEMA));
          append100[i] = time(() -> a.appendRecords(records100));
          append10k[i] = time(() -> b.appendRecords(records10k));
          append10kArrow[i] = time(() -> c.append(batch10k));
        }
        System.out.printf("fsync=%s round %d of %d, n=%d, p50 ms: create %.3f, append 100 %.3f, "
            + "append 10,000 records %.3f, append 10,000 as Arrow %.3f%n", fsync, round, rounds, n,
            median(create), median(append100), median(append10k), median(append10kArrow));
      }
    }
  }

  private static double time(Runnable operation) {
    long start = System.nanoTime();
    operation.run();
    return (System.nanoTime() - start) / 1e6;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
