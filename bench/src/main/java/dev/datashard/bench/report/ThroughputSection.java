package dev.datashard.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bulk ingest and full scan on every store DataShard ran on, beside Iceberg Java on local disk:
 * rows/s and MB/s (10^6 bytes) of Arrow data, from the median time of the timed operations;
 * bracketed, the fastest and slowest operation.
 */
final class ThroughputSection {
  private ThroughputSection() {}

  static String render(Results results, Map<String, Long> notes, Targets targets) {
    StringBuilder out = new StringBuilder();
    for (String rowsText : results.values("DataShardThroughput.", "rows")) {
      long rows = Long.parseLong(rowsText);
      String size = "rows=" + rowsText;
      List<String> stores = results.values("DataShardThroughput.", "store").stream()
          .filter(s -> results.find("DataShardThroughput.ingest", "store=" + s, size).isPresent()).toList();
      if (stores.isEmpty()) {
        continue;
      }
      long arrowBytes = notes.getOrDefault("arrow-bytes." + rows, 0L);
      StoreColumns columns = new StoreColumns(stores, "s [range], rows/s, MB/s");
      MarkdownTable table = new MarkdownTable(columns.header("Workload (" + Format.count(rows) + " rows)"));
      row(table, columns, "Ingest from Arrow batches (3)", "ingest", "IcebergThroughput.ingest", results, size,
          rows, arrowBytes);
      row(table, columns, "Full scan; Iceberg: generic reader", "scan", "IcebergThroughput.scanGeneric", results,
          size, rows, arrowBytes);
      row(table, columns, "Full scan; Iceberg: Arrow reader", "scan", "IcebergThroughput.scanArrow", results,
          size, rows, arrowBytes);
      out.append(table.render()).append('\n');
      out.append("(3) Iceberg Java has no Arrow writer: it turns each Arrow row into a generic record "
          + "(the strings decoded) for its Parquet appender, as a Java user holding Arrow data would.\n\n");
      out.append(StoreColumns.NOTE).append(" On `s3` the ingest writes the Parquet file to a local staging "
          + "directory and uploads it through the S3 Transfer Manager (multipart); the scan downloads it to a "
          + "local file first; S3Proxy stores it on the same disk.\n\n");
      out.append("Arrow data: ").append(noted(notes, "arrow-bytes." + rows)).append("; Parquet written: DataShard ")
          .append(noted(notes, "datashard.parquet-bytes." + rows)).append(" (the same file on every store), Iceberg Java ")
          .append(noted(notes, "iceberg.parquet-bytes." + rows)).append(".\n\n");
      for (String store : stores) {
        if (StoreColumns.isLocal(store)) {
          results.find("DataShardThroughput.ingest", "store=" + store, size).ifPresent(r -> targets.atLeast(
              "Ingest of " + Format.count(rows) + " rows >= 1,000,000 rows/s (" + store + ")",
              rows / r.median(), 1_000_000, Format.count(rows / r.median()) + " rows/s"));
        }
      }
    }
    return out.toString();
  }

  private static String noted(Map<String, Long> notes, String key) {
    return notes.containsKey(key) ? Format.bytes(notes.get(key)) : "not measured";
  }

  private static void row(MarkdownTable table, StoreColumns columns, String workload, String method,
      String peerName, Results results, String size, long rows, long arrowBytes) {
    List<Optional<JmhResult>> ours = new ArrayList<>();
    for (String store : columns.stores()) {
      ours.add(results.find("DataShardThroughput." + method, "store=" + store, size));
    }
    Optional<JmhResult> peer = results.find(peerName, size);
    table.row(columns.cells(workload, ours, peer, r -> cell(r, rows, arrowBytes)));
  }

  private static String cell(JmhResult r, long rows, long arrowBytes) {
    return Format.sig3(r.median()) + " s [" + Format.sig3(r.forkMin()) + "-" + Format.sig3(r.forkMax()) + "], **"
        + Format.count(rows / r.median()) + "** rows/s, " + Format.sig3(arrowBytes / r.median() / 1e6) + " MB/s";
  }
}
