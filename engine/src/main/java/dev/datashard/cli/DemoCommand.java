package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A tour of the engine on the original DataShard's example table, with the timings of the
 * original's latency-table operations as medians after a warm-up ({@link LatencyTable}; the JMH
 * harness measures properly). It runs where {@code DATASHARD_STORAGE_TYPE} points: a fresh local
 * warehouse by default (or DIR), the configured S3 bucket with {@code s3}.
 */
@Command(name = "demo", footer = {"%nExample:", "  datashard demo", "  datashard demo /tmp/my-warehouse",
    "  # with DATASHARD_STORAGE_TYPE=s3 and DATASHARD_S3_BUCKET (and _ENDPOINT...) set:",
    "  datashard demo"},
    description = {"Creates tables, ingests, reads and prints timings: in DIR or a fresh local",
        "warehouse, or in the S3 bucket of DATASHARD_S3_* when DATASHARD_STORAGE_TYPE=s3."})
final class DemoCommand implements Callable<Integer> {
  private static final int RUNS = 7;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR")
  Path directory;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StorageConfig configured = StorageConfig.fromEnvironment();
    boolean onS3 = configured.type() == StorageConfig.StorageType.S3;
    if (onS3 && directory != null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "DIR is a local warehouse, but DATASHARD_STORAGE_TYPE=s3 selects S3: give one or the other");
    }
    Path warehouse = onS3 ? null : directory != null ? directory : Files.createTempDirectory("datashard-demo-");
    StorageConfig store = onS3 ? configured : StorageConfig.local(Files.createDirectories(warehouse));
    out.println("DataShard demo: " + (onS3 ? BenchCommand.describe(configured.s3().orElseThrow())
        : "warehouse " + warehouse.toAbsolutePath()));
    out.println("Timings: medians of " + RUNS + " runs after a warm-up run, in this process.");
    try (DataShard shard = DataShard.open(store)) {
      String run = "demo-" + System.currentTimeMillis();
      try (LatencyTable latency = new LatencyTable(shard, run + "/latency", RUNS)) {
        latency.run(row -> {
          String rate = row.rows() == null ? ""
              : String.format("  (%,.0f rows/s)", row.rows() / (row.medianMillis() / 1000));
          out.printf("  %-48s %9.2f ms%s%n", row.operation(), row.medianMillis(), rate);
          out.flush();
        });
      }

      Table events = shard.createTable(run + "/events", LatencyTable.EVENTS_SCHEMA);
      events.appendRecords(LatencyTable.records(100));
      long start = System.nanoTime();
      int rows = 1_000_000;
      try (VectorSchemaRoot batch = LatencyTable.batch(shard.allocator(), rows)) {
        events.append(batch);
      }
      double ingestMs = (System.nanoTime() - start) / 1e6;
      out.printf("  %-48s %9.2f ms  (%,.0f rows/s, one run)%n", "ingest 1,000,000 rows (one Arrow batch)", ingestMs,
          rows / (ingestMs / 1000));

      out.println();
      out.println("Table " + events.location() + " now has " + events.refresh().rowCount() + " rows in "
          + events.snapshots().size() + " snapshots:");
      for (Snapshot s : events.snapshots()) {
        out.println("  " + s.snapshotId() + "  " + s.operation() + "  added-records="
            + s.summary().get("added-records") + "  total-records=" + s.summary().get("total-records"));
      }
      try (ArrowReader reader = events.newScan().select("user_id", "event").batchSize(3).arrowReader()) {
        reader.loadNextBatch();
        out.print("First rows, as an Arrow batch:\n" + reader.getVectorSchemaRoot().contentToTSVString());
      }
      out.println();
      out.println("Try: bin/datashard scan " + (onS3 ? run + "/events" : warehouse.resolve(run + "/events"))
          + " --limit 5 --format table");
    }
    return 0;
  }
}
