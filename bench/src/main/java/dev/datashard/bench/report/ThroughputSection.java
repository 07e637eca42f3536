package dev.datashard.bench.report;

import java.util.Map;
import java.util.Optional;

/**
 * Bulk ingest and full scan: rows/s and MB/s (10^6 bytes) of Arrow data, from the median time of
 * the timed operations; bracketed, the fastest and slowest operation.
 */
final class ThroughputSection {
  private ThroughputSection() {}

  static String render(Results results, String store, Map<String, Long> notes, Targets targets) {
    StringBuilder out = new StringBuilder();
    for (String rowsText : results.values("DataShardThroughput.", "rows")) {
      long rows = Long.parseLong(rowsText);
      if (results.find("DataShardThroughput.ingest", "store=" + store, "rows=" + rowsText).isEmpty()) {
        continue;
      }
      long arrowBytes = notes.getOrDefault("arrow-bytes." + rows, 0L);
      MarkdownTable table = new MarkdownTable("Workload (" + Format.count(rows) + " rows)",
          "DataShard: s [range], rows/s, MB/s", "Iceberg Java: s [range], rows/s, MB/s", "DataShard speed-up");
      String[] params = {"store=" + store, "rows=" + rows};
      Optional<JmhResult> ingest = results.find("DataShardThroughput.ingest", params);
      row(table, "Ingest from Arrow batches (3)", ingest, results.find("IcebergThroughput.ingest", params),
          rows, arrowBytes);
      Optional<JmhResult> scan = results.find("DataShardThroughput.scan", params);
      row(table, "Full scan; Iceberg: generic reader", scan,
          results.find("IcebergThroughput.scanGeneric", params), rows, arrowBytes);
      row(table, "Full scan; Iceberg: Arrow reader", scan,
          results.find("IcebergThroughput.scanArrow", params), rows, arrowBytes);
      out.append(table.render()).append('\n');
      out.append("(3) Iceberg Java has no Arrow writer: it turns each Arrow row into a generic record "
          + "(the strings decoded) for its Parquet appender, as a Java user holding Arrow data would.\n");
      out.append("Arrow data: ").append(Format.bytes(arrowBytes)).append("; Parquet written: DataShard ")
          .append(Format.bytes(notes.getOrDefault("datashard.parquet-bytes." + rows, 0L)))
          .append(", Iceberg Java ").append(Format.bytes(notes.getOrDefault("iceberg.parquet-bytes." + rows, 0L)))
          .append(".\n\n");
      ingest.ifPresent(r -> targets.atLeast("Ingest of " + Format.count(rows) + " rows >= 1,000,000 rows/s ("
          + store + ")", rows / r.median(), 1_000_000, Format.count(rows / r.median()) + " rows/s"));
    }
    return out.toString();
  }

  private static void row(MarkdownTable table, String workload, Optional<JmhResult> ours,
      Optional<JmhResult> peer, long rows, long arrowBytes) {
    double speedUp = ours.isPresent() && peer.isPresent() ? peer.get().median() / ours.get().median() : Double.NaN;
    table.row(workload, cell(ours, rows, arrowBytes), cell(peer, rows, arrowBytes), Format.ratio(speedUp));
  }

  private static String cell(Optional<JmhResult> result, long rows, long arrowBytes) {
    return result.map(r -> Format.sig3(r.median()) + " s [" + Format.sig3(r.forkMin()) + "-"
        + Format.sig3(r.forkMax()) + "], **" + Format.count(rows / r.median()) + "** rows/s, "
        + Format.sig3(arrowBytes / r.median() / 1e6) + " MB/s").orElse("not run");
  }
}
