package dev.datashard.bench.report;

import dev.datashard.bench.DataShardContention;
import java.util.Optional;

/**
 * Commit throughput with concurrent writers (threads of one JVM, one table instance each): appends
 * per second from the median time of a round in which every writer appends
 * {@value DataShardContention#APPENDS_PER_WRITER} times.
 */
final class ContentionSection {
  private ContentionSection() {}

  static String render(Results results, String store) {
    MarkdownTable table = new MarkdownTable("Writers", "DataShard appends/s [fork range]",
        "DataShard round p50", "Iceberg Java appends/s [fork range]", "Iceberg Java round p50",
        "DataShard speed-up");
    for (String writers : results.values("DataShardContention.", "writers")) {
      Optional<JmhResult> ours = results.find("DataShardContention.appendRound", "store=" + store,
          "writers=" + writers);
      Optional<JmhResult> peer = results.find("IcebergContention.appendRound", "writers=" + writers);
      int appends = Integer.parseInt(writers) * DataShardContention.APPENDS_PER_WRITER;
      double speedUp = ours.isPresent() && peer.isPresent() ? peer.get().median() / ours.get().median() : Double.NaN;
      table.row(writers, rate(ours, appends), ours.map(r -> Format.millis(r.median())).orElse("not run"),
          rate(peer, appends), peer.map(r -> Format.millis(r.median())).orElse("not run"), Format.ratio(speedUp));
    }
    return table.render();
  }

  /** Appends per second; a slower fork (higher round time) gives the lower end of the range. */
  private static String rate(Optional<JmhResult> result, int appends) {
    return result.map(r -> "**" + Format.sig3(appends * 1000 / r.median()) + "** ["
        + Format.sig3(appends * 1000 / r.forkMax()) + "-" + Format.sig3(appends * 1000 / r.forkMin()) + "]")
        .orElse("not run");
  }
}
