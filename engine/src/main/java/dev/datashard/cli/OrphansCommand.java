package dev.datashard.cli;

import dev.datashard.DataShard;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "orphans", footer = {"%nExample:", "  datashard orphans events --dry-run"},
    description = "Deletes files under the table that no metadata references.")
final class OrphansCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--older-than", paramLabel = "TIME",
      description = "Only files last modified before TIME (default: 3 days ago, so in-flight commits are safe).")
  String olderThan;

  @Option(names = "--dry-run", description = "List the orphans, delete nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    long cutoff = olderThan == null ? System.currentTimeMillis() - Duration.ofDays(3).toMillis()
        : Times.parseMillis(olderThan, "--older-than");
    PrintWriter out = spec.commandLine().getOut();
    try (DataShard shard = Main.openStore()) {
      List<String> orphans = shard.loadTable(table).removeOrphanFiles(cutoff, dryRun);
      orphans.forEach(out::println);
      out.println((dryRun ? "would delete " : "deleted ") + orphans.size() + " orphan file(s) older than "
          + Times.describe(cutoff));
    }
    return 0;
  }
}
