package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.StorageConfig.StorageType;
import dev.datashard.io.s3.S3Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The original's latency table on the user's own store beside local disk, in one process: what
 * S3 (AWS, MinIO, R2...) costs against local disk where the user is, in about a minute.
 */
@Command(name = "bench", footer = {"%nExample:", "  datashard bench --iterations 11",
    "  # with DATASHARD_STORAGE_TYPE=s3 and DATASHARD_S3_BUCKET (and _ENDPOINT...) set:",
    "  datashard bench --store both"},
    description = {"Measures the original DataShard's latency table (plus Arrow rows) on local",
        "disk and on the S3 store of DATASHARD_S3_*, side by side: medians and 90th",
        "percentiles after a warm-up. Every table it makes is dropped afterwards, also",
        "on Ctrl-C."})
final class BenchCommand implements Callable<Integer> {
  enum Stores { local, s3, both }

  @Spec CommandSpec spec;

  @Option(names = "--store", paramLabel = "STORE",
      description = "local, s3 or both (default: both when DATASHARD_STORAGE_TYPE=s3, else local).")
  Stores stores;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "7",
      description = "Measured runs per operation, after one warm-up (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Override
  public Integer call() throws Exception {
    if (iterations < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--iterations must be at least 1, not " + iterations);
    }
    StorageConfig configured = StorageConfig.fromEnvironment();
    Stores chosen = stores != null ? stores : configured.type() == StorageType.S3 ? Stores.both : Stores.local;
    if (chosen != Stores.local && configured.type() != StorageType.S3) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--store " + chosen + " needs an S3 store: set "
          + StorageConfig.STORAGE_TYPE + "=s3 and DATASHARD_S3_BUCKET (and DATASHARD_S3_ENDPOINT for MinIO, R2...)");
    }
    PrintWriter out = spec.commandLine().getOut();
    String prefix = "datashard-bench-" + System.currentTimeMillis();
    Map<String, List<LatencyTable.Row>> columns = new LinkedHashMap<>();
    Path localWarehouse = null;
    try {
      if (chosen != Stores.s3) {
        localWarehouse = Files.createTempDirectory("datashard-bench-");
        try (DataShard local = DataShard.open(StorageConfig.local(localWarehouse))) {
          columns.put("Local", measure(local, "local disk " + localWarehouse, prefix, out));
        }
      }
      if (chosen != Stores.local) {
        try (DataShard s3 = DataShard.open(configured)) {
          columns.put("S3", measure(s3, describe(configured.s3().orElseThrow()), prefix, out));
        }
      }
    } finally {
      if (localWarehouse != null) {
        deleteTree(localWarehouse);
      }
    }
    out.println();
    printTable(out, columns);
    return 0;
  }

  /** The latency table on one store; its tables are dropped when done or when the JVM is stopped. */
  private List<LatencyTable.Row> measure(DataShard shard, String where, String prefix, PrintWriter out)
      throws Exception {
    out.printf("%s: %d runs per operation after a warm-up%n", where, iterations);
    out.flush();
    LatencyTable table = new LatencyTable(shard, prefix, iterations);
    Thread dropOnExit = new Thread(table::close, "datashard-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(dropOnExit);
    try {
      return table.run(row -> {
        out.printf("  %-36s median %9.2f ms   p90 %9.2f ms%n", row.operation(), row.medianMillis(), row.p90Millis());
        out.flush();
      });
    } finally {
      table.close();
      Runtime.getRuntime().removeShutdownHook(dropOnExit);
    }
  }

  static String describe(S3Config s3) {
    return "S3 s3://" + s3.bucket() + "/" + s3.prefix() + " at "
        + s3.endpoint().map(Object::toString).orElse("AWS " + s3.region());
  }

  private static void printTable(PrintWriter out, Map<String, List<LatencyTable.Row>> columns) {
    List<String> header = new ArrayList<>(List.of("Operation"));
    columns.keySet().forEach(store -> header.add(store + " (median / p90)"));
    out.println("| " + String.join(" | ", header) + " |");
    out.println("|" + "---|".repeat(header.size()));
    List<LatencyTable.Row> first = columns.values().iterator().next();
    for (int i = 0; i < first.size(); i++) {
      StringBuilder line = new StringBuilder("| " + first.get(i).operation());
      for (List<LatencyTable.Row> rows : columns.values()) {
        LatencyTable.Row row = rows.get(i);
        line.append(String.format(" | %.2f ms / %.2f ms", row.medianMillis(), row.p90Millis()));
      }
      out.println(line.append(" |"));
    }
    out.flush();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
