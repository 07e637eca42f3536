package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rollback", footer = {"%nExample:", "  datashard rollback events 1464430520496590269"},
    description = "Makes an older snapshot current again (no data is copied).")
final class RollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Parameters(index = "1", paramLabel = "ID")
  long snapshotId;

  @Override
  public Integer call() {
    try (DataShard shard = Main.openStore()) {
      Snapshot current = shard.loadTable(table).rollback(snapshotId);
      spec.commandLine().getOut().println("current snapshot is now " + current.snapshotId()
          + " (" + current.totalRecords().map(n -> n + " rows").orElse("row count unknown") + ")");
    }
    return 0;
  }
}
