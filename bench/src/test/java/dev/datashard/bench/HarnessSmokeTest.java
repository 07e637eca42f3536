package dev.datashard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.bench.report.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Keeps the harness from rotting: every benchmark method runs once, in this JVM, on tiny data, the
 * round-trip check runs a few iterations with a small delay, and the report renders from their
 * output. Well under a minute; the numbers mean nothing.
 */
class HarnessSmokeTest {
  /**
   * Latency 5 x 3 stores (local, local-nofsync, s3) + 5 x 2 Iceberg catalogs; throughput 2 x 2 stores (local,
   * s3) + 3 x 2 Iceberg catalogs; contention 3 writer counts x 3 stores + 3 Iceberg; the CLI append of
   * JSONL and of CSV.
   */
  private static final int BENCHMARK_RUNS = 49;

  @TempDir
  Path dir;

  @Test
  void everyBenchmarkRunsAndTheReportRenders() throws Exception {
    Path json = dir.resolve("jmh.json");
    Path notes = dir.resolve("notes.tsv");
    System.setProperty(Notes.PROPERTY, notes.toString());
    Options options = new OptionsBuilder()
        .include("dev\\.datashard\\.bench\\..*")
        .exclude("S3ScanBench") // issue #13's time-to-first-batch benchmark: run on its own (PERFORMANCE.md)
        // Issue #15's: a 10-million-row table of 365 partitions and an append of 1 million rows; run
        // on their own (PERFORMANCE.md), they would multiply this test's time.
        .exclude("PartitionPruningBench|PartitionedAppendBench")
        .exclude("RowLevelChanges") // issue #16's benchmarks: run on their own (PERFORMANCE.md)
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(1))
        .param("rows", "20000")
        .shouldFailOnError(true)
        .verbosity(VerboseMode.SILENT)
        .resultFormat(ResultFormatType.JSON)
        .result(json.toString())
        .build();
    Collection<RunResult> results;
    // A smoke run measures nothing: it need not wait for, nor fail on, a JMH run elsewhere on the machine.
    System.setProperty("jmh.ignoreLock", "true");
    try {
      results = new Runner(options).run();
    } finally {
      System.clearProperty(Notes.PROPERTY);
      System.clearProperty("jmh.ignoreLock");
    }
    assertThat(results).hasSize(BENCHMARK_RUNS);
    Path roundTrips = dir.resolve("round-trips.tsv");
    S3ModelCheck.run(roundTrips, 3, 0, 20);

    Path markdown = dir.resolve("PERFORMANCE.md");
    Files.writeString(markdown, "# Hand-written intro\n");
    Report.render(List.of(json), notes, dir.resolve("absent.properties"), roundTrips, markdown, dir.resolve("charts"));
    assertThat(Files.readString(markdown)).startsWith("# Hand-written intro")
        .contains("| Create table | <1 ms | **", "### Latency: the original's table (s3)", "| Create table | ~50 ms | **",
            "Ingest of 20,000 rows", "DataShard `s3`: s [range], rows/s, MB/s", "Parquet written: DataShard",
            "| 10 | **", "DataShard `s3`: appends/s", "| Append 100 records | ",
            "S3: append 100 records, at most 2 sequential round trips",
            "S3: full scan of a loaded table, data + at most 3 metadata round trips",
            "`datashard append` of one 20,000-row, five-column JSONL file", "Parquet bytes of the 20,000-row table",
            "Iceberg Java, nio `TableOperations` p50 [fork p50s]", "Ingest (local): at least 1.5x Iceberg Java `HadoopTables`",
            "Ingest (local): at least 1.5x Iceberg Java, nio `TableOperations`")
        .doesNotContain("not run", "Not run", "| n/a |");
    assertThat(Files.readString(dir.resolve("charts/latency.svg"))).startsWith("<svg").endsWith("</svg>\n")
        .contains("Original, S3 same region", "DataShard local-nofsync", "DataShard s3 (S3Proxy on loopback)",
            "20 ms added per request", "Iceberg Java HadoopTables", "Iceberg Java, nio TableOperations");
  }
}
