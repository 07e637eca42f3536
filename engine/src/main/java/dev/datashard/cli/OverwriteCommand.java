package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.Snapshot;
import dev.datashard.Transaction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "overwrite", footer = {"%nExample:",
    "  datashard overwrite events --where \"day = '2026-11-29'\" day-2026-11-29.jsonl   # re-ingest a day"},
    description = {"Deletes the rows matching a filter and appends files (.jsonl, .csv, .parquet,",
        ".arrow) in one snapshot: running it again with the same input gives the same table."})
final class OverwriteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE")
  List<Path> files;

  @Option(names = "--where", required = true, paramLabel = "FILTER", description = "The rows to replace.")
  String where;

  @Override
  public Integer call() throws Exception {
    Progress progress = new Progress(System.err, System.console() != null);
    try (DataShard shard = Main.openStore()) {
      InputFiles inputs = new InputFiles(shard.allocator(), progress);
      Optional<Snapshot> snapshot;
      try (Transaction tx = shard.loadTable(table).newOverwrite(Expression.parse(where))) {
        for (Path file : files) {
          inputs.append(tx, file);
        }
        snapshot = tx.commit();
      }
      progress.finish();
      spec.commandLine().getOut().println(snapshot.map(OverwriteCommand::describe)
          .orElse("nothing matched and nothing to append (no snapshot created)"));
    }
    return 0;
  }

  private static String describe(Snapshot snapshot) {
    Map<String, String> summary = snapshot.summary();
    return "overwrite snapshot " + snapshot.snapshotId() + ": data files removed "
        + summary.getOrDefault("deleted-data-files", "0") + ", written " + summary.getOrDefault("added-data-files", "0")
        + " (" + summary.getOrDefault("added-records", "0") + " rows, new and rewritten); position-delete files "
        + "written " + summary.getOrDefault("added-position-delete-files", "0") + "; the table holds "
        + summary.getOrDefault("total-records", "?") + " rows before delete files apply";
  }
}
