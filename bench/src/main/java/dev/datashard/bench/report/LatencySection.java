package dev.datashard.bench.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The original's latency table: its published figures, DataShard's and Iceberg Java's medians. */
final class LatencySection {
  /** One row: the operation, the original's figure, the two benchmarks and the target. */
  record Row(String operation, Published published, String dataShard, String iceberg, double targetMillis) {}

  static final List<Row> ROWS = List.of(
      new Row("Create table", Published.CREATE, "createTable", "createTable", 1),
      new Row("Append 100 records", Published.APPEND_100, "append100Records", "append100Records", 2),
      new Row("Append 10,000 records", Published.APPEND_10K, "append10kRecords", "append10kRecords", 10),
      new Row("Append 10,000 rows as one Arrow batch (1)", Published.APPEND_10K, "append10kArrow",
          "append10kRecords", 10),
      new Row("Read 50,000 records; Iceberg: generic reader (2)", Published.READ_50K, "read50k",
          "read50kGeneric", 5),
      new Row("Read 50,000 records; Iceberg: Arrow reader (2)", Published.READ_50K, "read50k",
          "read50kArrow", 5));

  private static final String FOOTNOTES = """
      (1) The original's table has no Arrow row; its figure is that of 10,000 records. Iceberg Java \
      has no Arrow writer: its figure is its 10,000-record append again.

      (2) DataShard: a full scan into Arrow batches; the same DataShard figure in both rows. Every \
      value is read (longs summed, each string's length and first byte) in all three readers.

      Bracketed: the median of each forked JVM alone, lowest to highest: the run-to-run spread.
      """;

  private static final String CATALOGS_NOTE = """
      Iceberg Java in two catalog-free configurations: `HadoopTables` on Hadoop's local file \
      system, and Iceberg's core over a minimal `TableOperations` and `FileIO` on java.nio \
      (`NioTableOperations`: `vN.metadata.json` created by an atomic hard link, no version hint). \
      Neither fsyncs: DataShard's `local-nofsync` is the like-for-like store.
      """;

  private static final String REMOTE_NOTES = """
      S3Proxy on loopback: a request's round trip takes microseconds, so these figures are \
      DataShard's own work plus S3Proxy's (its JVM shares the 2 cores), with S3's request pattern; \
      the original's figures were measured in a region. For a region, see the round-trip table \
      below. Iceberg Java was measured on local disk only (the issue compares it there).

      (1) as in the local table. Bracketed: the median of each forked JVM alone.
      """;

  private LatencySection() {}

  /** The table of a local store, with its millisecond targets and the speed-ups over Iceberg. */
  static String render(Results results, String store, Targets targets) {
    if (!StoreColumns.isLocal(store)) {
      return renderRemote(results, store);
    }
    List<String> catalogs = IcebergCatalogs.of(results, "IcebergLatency.");
    List<String> header = new ArrayList<>(List.of("Operation", "Original (Python, published)", "DataShard p50 [fork p50s]"));
    catalogs.forEach(c -> header.add(IcebergCatalogs.label(c) + " p50 [fork p50s]"));
    catalogs.forEach(c -> header.add("DataShard speed-up over " + IcebergCatalogs.label(c)));
    MarkdownTable main = new MarkdownTable(header.toArray(String[]::new));
    Set<String> limitsChecked = new HashSet<>();
    for (Row row : ROWS) {
      Optional<JmhResult> ours = results.find("DataShardLatency." + row.dataShard(), "store=" + store);
      ours.filter(r -> limitsChecked.add(r.name())).ifPresent(r -> targets.atMost(
          row.operation().replaceAll(";.*| \\(\\d\\)", "") + " < " + Format.plain(row.targetMillis()) + " ms ("
          + store + ")", r.median(), row.targetMillis(), Format.millis(r.median())));
      List<String> cells = new ArrayList<>(List.of(row.operation(), row.published().text, cell(ours)));
      List<String> speedUps = new ArrayList<>();
      for (String catalog : catalogs) {
        Optional<JmhResult> peer = results.find("IcebergLatency." + row.iceberg(), IcebergCatalogs.param(catalog));
        double speedUp = ours.isPresent() && peer.isPresent() ? peer.get().median() / ours.get().median() : Double.NaN;
        cells.add(cell(peer));
        speedUps.add(Format.ratio(speedUp));
        if (!Double.isNaN(speedUp)) {
          targets.atLeast(row.operation() + ": at least 2x faster than " + IcebergCatalogs.label(catalog), speedUp, 2,
              Format.ratio(speedUp));
        }
      }
      cells.addAll(speedUps);
      main.row(cells.toArray(String[]::new));
    }
    return main.render() + "\n" + FOOTNOTES + (catalogs.size() > 1 ? "\n" + CATALOGS_NOTE : "") + "\n"
        + details(results, store, true);
  }

  /**
   * The table of S3 (S3Proxy on loopback): beside the original's S3 figures (measured in a region,
   * so not comparable with loopback: no ratio) and DataShard's local figures of the same run.
   * Iceberg Java ran on local disk only; the targets on S3 are round trips, not milliseconds.
   */
  private static String renderRemote(Results results, String store) {
    MarkdownTable main = new MarkdownTable("Operation", "Original, S3 same region (published)",
        "DataShard `" + store + "` p50 [fork p50s]", "DataShard `local` p50 [fork p50s]", store + " / local");
    // The last row repeats the read for Iceberg's second reader.
    for (Row row : ROWS.subList(0, ROWS.size() - 1)) {
      Optional<JmhResult> ours = results.find("DataShardLatency." + row.dataShard(), "store=" + store);
      Optional<JmhResult> local = results.find("DataShardLatency." + row.dataShard(), "store=local");
      double ratio = ours.isPresent() && local.isPresent() ? ours.get().median() / local.get().median() : Double.NaN;
      main.row(row.operation().replaceAll("; Iceberg.*", ""), row.published().s3Text, cell(ours), cell(local),
          Format.ratio(ratio));
    }
    return main.render() + "\n" + REMOTE_NOTES + "\n" + details(results, store, false);
  }

  private static String cell(Optional<JmhResult> result) {
    return result.map(r -> "**" + Format.millis(r.median()) + "** [" + Format.sig3(r.forkMin()) + "-"
        + Format.sig3(r.forkMax()) + "]").orElse("not run");
  }

  /** Every latency sample set: count, p50, p90, mean with JMH's 99.9% confidence interval. */
  private static String details(Results results, String store, boolean withIceberg) {
    MarkdownTable table = new MarkdownTable("Benchmark", "Samples", "p50", "p90", "Mean +- 99.9% CI");
    for (JmhResult r : results.all()) {
      boolean latency = r.name().startsWith("DataShardLatency.") && r.param("store").equals(store)
          || withIceberg && r.name().startsWith("IcebergLatency.");
      if (latency) {
        String catalog = r.param("catalog").isEmpty() ? "" : " (" + r.param("catalog") + ")";
        table.row("`" + r.name() + "`" + catalog, Format.count(r.samples()), Format.millis(r.median()),
            Format.millis(r.p90()), Format.sig3(r.mean()) + " +- " + Format.sig3(r.error()) + " ms");
      }
    }
    return table.render();
  }
}
