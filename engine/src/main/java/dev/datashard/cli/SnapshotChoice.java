package dev.datashard.cli;

import dev.datashard.Expression;
import dev.datashard.Scan;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The options that choose what a read sees: one snapshot (by id or time) and a row filter. */
final class SnapshotChoice {
  static final class Which {
    @Option(names = "--snapshot", paramLabel = "ID", description = "Read as of this snapshot.")
    Long snapshotId;

    @Option(names = "--as-of", paramLabel = "TIME",
        description = "Read the snapshot current at TIME (epoch ms or ISO-8601, e.g. 2024-05-01T12:00:00Z); "
            + "an error when TIME is before the snapshot log begins (expiry cuts it).")
    String asOf;
  }

  @ArgGroup(exclusive = true)
  Which which;

  @Option(names = "--where", paramLabel = "FILTER",
      description = "Only rows matching, e.g. \"user_id >= 10 and event in ('login','logout')\".")
  String where;

  Scan apply(Scan scan) {
    if (which != null && which.snapshotId != null) {
      scan.useSnapshot(which.snapshotId);
    } else if (which != null && which.asOf != null) {
      scan.asOfTime(Times.parseMillis(which.asOf, "--as-of"));
    }
    if (where != null) {
      scan.filter(Expression.parse(where));
    }
    return scan;
  }
}
