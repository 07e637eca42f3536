package dev.datashard.bench.report;

import dev.datashard.bench.S3ModelCheck.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Round trips on S3's critical path, measured through a fixed added delay per request
 * ({@code S3ModelCheck}), against the targets (append at most 2 sequential round trips;
 * read at most 3 metadata round trips plus the data) and README's request counts.
 */
final class RoundTripSection {
  /** One operation of the check: its label, README's count, the original's S3 figure (or null). */
  private record Row(Operation operation, String label, String expected, Published published) {}

  private static final List<Row> ROWS = List.of(
      new Row(Operation.CREATE, "Create table", "1", Published.CREATE),
      new Row(Operation.APPEND_100, "Append 100 records", "target <= 2", Published.APPEND_100),
      new Row(Operation.APPEND_10K, "Append 10,000 records", "target <= 2", Published.APPEND_10K),
      new Row(Operation.LOAD, "Load table (hint; then the version and the probe for the next together)", "2", null),
      new Row(Operation.FIRST_SCAN, "Full scan of 50,000 rows, first after the load",
          "3; target <= 3 metadata + data", null),
      new Row(Operation.SCAN_AGAIN, "The same scan again (the latency benchmark's read)", "2",
          Published.READ_50K));

  private RoundTripSection() {}

  static String render(RoundTrips check, Targets targets) {
    List<Long> delays = check.delays();
    List<String> header = new ArrayList<>(List.of("Operation", "p50, no delay"));
    delays.forEach(d -> header.add("p50, +" + d + " ms per request"));
    delays.forEach(d -> header.add("round trips at " + d + " ms"));
    header.add("README / target");
    header.add("Original, S3 same region (published)");
    MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
    for (Row row : ROWS) {
      List<String> cells = new ArrayList<>(List.of(row.label(), Format.millis(check.p50(row.operation(), 0))));
      delays.forEach(d -> cells.add(Format.millis(check.p50(row.operation(), d))));
      delays.forEach(d -> cells.add(String.format(Locale.ROOT, "%.2f", check.roundTrips(row.operation(), d))));
      cells.add(row.expected());
      cells.add(row.published() == null ? "" : row.published().s3Text);
      table.row(cells.toArray(String[]::new));
    }
    check(check, Operation.APPEND_100, "S3: append 100 records, at most 2 sequential round trips", 2, targets);
    check(check, Operation.APPEND_10K, "S3: append 10,000 records, at most 2 sequential round trips", 2, targets);
    // The data file is one of the scan's round trips (its GETs run together).
    check(check, Operation.FIRST_SCAN, "S3: full scan of a loaded table, data + at most 3 metadata round trips",
        3 + 1, targets);
    return table.render() + "\n" + notes(check, delays);
  }

  private static void check(RoundTrips check, Operation operation, String target, int limit, Targets targets) {
    String measured = check.delays().stream()
        .map(d -> String.format(Locale.ROOT, "%.2f at %d ms", check.roundTrips(operation, d), d))
        .collect(Collectors.joining(", "));
    targets.roundTrips(target, check.wholeRoundTrips(operation), limit, measured);
  }

  private static String notes(RoundTrips check, List<Long> delays) {
    return "S3Proxy behind `DelayProxy`, which holds every request " + delays.stream().map(String::valueOf)
        .collect(Collectors.joining(" or ")) + " ms before the server sees it (answers pass at once; no "
        + "bandwidth limit); " + check.n() + " iterations per delay on fresh tables, a fresh client per delay, "
        + "after a warm-up round. Round trips = (p50 with the delay - p50 without) / delay: sequential "
        + "requests on the critical path; a little under a whole number where DataShard's own work overlaps "
        + "the wait. The targets are held to the larger count, rounded to the nearest whole round trip; "
        + "the scan's target counts the data file's GETs as one round trip.\n\n"
        + "The p50 columns with a delay are also the model's estimate for a region whose requests take that "
        + "long (about 20 ms in S3's region, 70 ms across regions), minus the transfer time loopback does not "
        + "have (DataShard's uncompressed Parquet: about 0.2 MB per 10,000-row append, 1 MB per 50,000-row "
        + "read). The original's figures were measured in a region: compare them with those columns, not with "
        + "the loopback p50. A process reading a table it has not loaded pays the load's round trips "
        + "before its first scan. Measured in a plain loop (not JMH) in one JVM, client and S3Proxy on the "
        + "same cores.\n";
  }
}
