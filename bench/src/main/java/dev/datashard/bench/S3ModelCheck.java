package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Checks the round-trip model: the latency operations on S3Proxy behind {@link DelayProxy}
 * (requests held a fixed time on their way to the server). Args: delay ms..., e.g. {@code 0 20 70}.
 * Prints the median of each operation per delay. A plain loop, not JMH: a check, not a benchmark.
 */
public final class S3ModelCheck {
  public static void main(String[] args) throws Exception {
    int n = Integer.getInteger("n", 30);
    try (S3ProxyServer server = S3ProxyServer.start(); BufferAllocator allocator = new RootAllocator()) {
      server.createBucket("bench");
      List<Map<String, Object>> records100 = Events.records(0, 100);
      List<Map<String, Object>> records10k = Events.records(0, 10_000);
      for (int round = 0; round < args.length; round++) {
        String arg = args[round];
        long delay = Long.parseLong(arg);
        try (DelayProxy proxy = new DelayProxy(server.port(), delay)) {
          StorageConfig config = StorageConfig.s3(server.config("bench")
              .endpoint(proxy.endpoint()).build());
          try (DataShard shard = DataShard.open(config, allocator)) {
            String prefix = "r" + round + "-d" + delay + "/";
            Table read = shard.createTable(prefix + "read-50k", Events.SCHEMA);
            try (VectorSchemaRoot batch = Events.batch(allocator, 0, 50_000)) {
              read.append(batch);
            }
            shard.createTable(prefix + "warm", Events.SCHEMA).appendRecords(records100);
            double[] create = new double[n];
            double[] append100 = new double[n];
            double[] append10k = new double[n];
            double[] read50k = new double[n];
            Table t100 = shard.createTable(prefix + "a100", Events.SCHEMA);
            Table t10k = shard.createTable(prefix + "a10k", Events.SCHEMA);
            for (int i = 0; i < n; i++) {
              long start = System.nanoTime();
              shard.createTable(prefix + "c" + i, Events.SCHEMA);
              create[i] = ms(start);
              start = System.nanoTime();
              t100.appendRecords(records100);
              append100[i] = ms(start);
              start = System.nanoTime();
              t10k.appendRecords(records10k);
              append10k[i] = ms(start);
              start = System.nanoTime();
              long sum = 0;
              try (ArrowReader reader = read.newScan().arrowReader()) {
                while (reader.loadNextBatch()) {
                  sum += Touch.batch(reader.getVectorSchemaRoot());
                }
              }
              read50k[i] = ms(start);
              if (sum == 42) {
                System.out.print("");
              }
            }
            System.out.printf("delay %d ms, n=%d: create p50 %.1f ms, append 100 p50 %.1f ms, "
                + "append 10,000 p50 %.1f ms, read 50,000 p50 %.1f ms%n", delay, n,
                median(create), median(append100), median(append10k), median(read50k));
          }
        }
      }
    }
  }

  private static double ms(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
