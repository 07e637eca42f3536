package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.Transaction;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "append", description = "Appends files (.jsonl, .csv, .parquet, .arrow) in one commit.")
final class AppendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE")
  List<Path> files;

  @Override
  public Integer call() throws Exception {
    Progress progress = new Progress(System.err, System.console() != null);
    try (DataShard shard = Main.openStore()) {
      Table target = shard.loadTable(table);
      InputFiles inputs = new InputFiles(shard.allocator(), progress);
      Optional<Snapshot> snapshot;
      try (Transaction tx = target.newTransaction()) {
        for (Path file : files) {
          inputs.append(tx, file);
        }
        snapshot = tx.commit();
      }
      progress.finish();
      spec.commandLine().getOut().println(snapshot
          .map(s -> "appended " + s.summary().get("added-records") + " rows in snapshot " + s.snapshotId())
          .orElse("nothing to append: the files hold no rows (no snapshot created)"));
    }
    return 0;
  }
}
