package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.Snapshot;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "delete", footer = {"%nExample:",
    "  datashard delete events --where \"user_id = 42\"",
    "  datashard set-property events write.delete.mode merge-on-read   # position-delete files instead"},
    description = {"Deletes the rows matching a filter in one snapshot. Files every row of",
        "which matches are removed in metadata; the others are rewritten without",
        "the rows (copy-on-write, the default) or get a position-delete file",
        "(write.delete.mode=merge-on-read)."})
final class DeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--where", required = true, paramLabel = "FILTER",
      description = "The rows to delete, e.g. \"ts < '2026-01-01T00:00:00'\".")
  String where;

  @Override
  public Integer call() {
    try (DataShard shard = Main.openStore()) {
      Optional<Snapshot> snapshot = shard.loadTable(table).newDelete().where(Expression.parse(where)).commit();
      spec.commandLine().getOut().println(snapshot.map(DeleteCommand::describe)
          .orElse("no row matches: nothing deleted (no snapshot created)"));
    }
    return 0;
  }

  /** What a row-level change did, from its snapshot's summary. */
  static String describe(Snapshot snapshot) {
    Map<String, String> summary = snapshot.summary();
    long removedRows = count(summary, "deleted-records") - count(summary, "added-records")
        + count(summary, "added-position-deletes");
    return snapshot.summary().get("operation") + " snapshot " + snapshot.snapshotId() + ": " + removedRows
        + " rows removed; data files removed " + count(summary, "deleted-data-files") + ", written "
        + count(summary, "added-data-files") + "; position-delete files written "
        + count(summary, "added-position-delete-files");
  }

  private static long count(Map<String, String> summary, String key) {
    return Long.parseLong(summary.getOrDefault(key, "0"));
  }
}
