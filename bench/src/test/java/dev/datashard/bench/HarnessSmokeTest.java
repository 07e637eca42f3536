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
 * Keeps the harness from rotting: every benchmark method runs once, in this JVM, on tiny data,
 * and the report renders from the JSON. Seconds, not minutes; the numbers mean nothing.
 */
class HarnessSmokeTest {
  /** Latency 5 x 3 stores (local, local-nofsync, s3) + 5, throughput 2 + 3, contention 3 writer counts x 2 stores + 3. */
  private static final int BENCHMARK_RUNS = 34;

  @TempDir
  Path dir;

  @Test
  void everyBenchmarkRunsAndTheReportRenders() throws Exception {
    Path json = dir.resolve("jmh.json");
    Path notes = dir.resolve("notes.tsv");
    System.setProperty(Notes.PROPERTY, notes.toString());
    Options options = new OptionsBuilder()
        .include("dev\\.datashard\\.bench\\..*")
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
    try {
      results = new Runner(options).run();
    } finally {
      System.clearProperty(Notes.PROPERTY);
    }
    assertThat(results).hasSize(BENCHMARK_RUNS);

    Path markdown = dir.resolve("PERFORMANCE.md");
    Files.writeString(markdown, "# Hand-written intro\n");
    Report.render(List.of(json), notes, dir.resolve("absent.properties"), markdown, dir.resolve("charts"));
    assertThat(Files.readString(markdown)).startsWith("# Hand-written intro")
        .contains("| Create table | <1 ms | **", "| 10 | **", "Ingest of 20,000 rows", "Parquet written: DataShard")
        .doesNotContain("not run");
    assertThat(Files.readString(dir.resolve("charts/latency-local.svg"))).startsWith("<svg").endsWith("</svg>\n");
    assertThat(dir.resolve("charts/latency-local-nofsync.svg")).exists();
  }
}
