package dev.datashard.bench.report;

import dev.datashard.bench.DataShardContention;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Commit throughput with concurrent writers (threads of one JVM, one table instance each), on
 * every store DataShard ran on, beside Iceberg Java on local disk: appends per second from the
 * median time of a round in which every writer appends {@value DataShardContention#APPENDS_PER_WRITER}
 * times.
 */
final class ContentionSection {
  private ContentionSection() {}

  static String render(Results results) {
    List<String> catalogs = IcebergCatalogs.of(results, "IcebergContention.");
    StoreColumns columns = new StoreColumns(results.values("DataShardContention.", "store"), catalogs,
        "appends/s [fork range], round p50");
    MarkdownTable table = new MarkdownTable(columns.header("Writers"));
    for (String writers : results.values("DataShardContention.", "writers")) {
      List<Optional<JmhResult>> ours = new ArrayList<>();
      for (String store : columns.stores()) {
        ours.add(results.find("DataShardContention.appendRound", "store=" + store, "writers=" + writers));
      }
      int appends = Integer.parseInt(writers) * DataShardContention.APPENDS_PER_WRITER;
      List<Optional<JmhResult>> peers = catalogs.stream().map(c -> results.find("IcebergContention.appendRound",
          "writers=" + writers, IcebergCatalogs.param(c))).toList();
      table.row(columns.cells(writers, ours, peers, r -> rate(r, appends)));
    }
    return table.render() + "\n" + StoreColumns.NOTE + "\n";
  }

  /** Appends per second; a slower fork (higher round time) gives the lower end of the range. */
  private static String rate(JmhResult r, int appends) {
    return "**" + Format.sig3(appends * 1000 / r.median()) + "** [" + Format.sig3(appends * 1000 / r.forkMax())
        + "-" + Format.sig3(appends * 1000 / r.forkMin()) + "], " + Format.millis(r.median());
  }
}
