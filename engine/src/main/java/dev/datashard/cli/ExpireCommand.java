package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.commit.SnapshotExpiry;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "expire", footer = {"%nExample:", "  datashard expire events --older-than 2026-11-01T00:00:00Z --retain-last 10"},
    description = "Removes old snapshots and the files only they referenced.")
final class ExpireCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--older-than", paramLabel = "TIME",
      description = "Expire snapshots committed before TIME (default: 5 days ago).")
  String olderThan;

  @Option(names = "--retain-last", paramLabel = "N", defaultValue = "1",
      description = "Keep the current snapshot and its most recent ancestors, N in all (default: ${DEFAULT-VALUE}).")
  int retainLast;

  @Override
  public Integer call() {
    long cutoff = olderThan == null ? System.currentTimeMillis() - Duration.ofDays(5).toMillis()
        : Times.parseMillis(olderThan, "--older-than");
    try (DataShard shard = Main.openStore()) {
      SnapshotExpiry.Result result = shard.loadTable(table).expireSnapshots(cutoff, retainLast);
      spec.commandLine().getOut().println("expired " + result.expiredSnapshotIds().size()
          + " snapshot(s) older than " + Times.describe(cutoff) + "; deleted " + result.deletedManifestLists()
          + " manifest list(s), " + result.deletedManifests() + " manifest(s), "
          + result.deletedDataFiles() + " data file(s), " + result.deletedDeleteFiles() + " delete file(s)");
    }
    return 0;
  }
}
