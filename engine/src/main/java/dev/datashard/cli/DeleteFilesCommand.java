package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "delete-files", footer = {"%nExample:",
    "  datashard files events --where \"ts < 1700000000000\"       # the locations",
    "  datashard delete-files events file:///wh/events/data/00000-0-7f3a.parquet"},
    description = {"Removes whole data files (locations as 'files' lists them)",
    "in a new snapshot; older snapshots keep them until expired."})
final class DeleteFilesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "LOCATION")
  List<String> locations;

  @Override
  public Integer call() {
    try (DataShard shard = Main.openStore()) {
      Snapshot snapshot = shard.loadTable(table).deleteFiles(locations);
      spec.commandLine().getOut().println("deleted " + snapshot.summary().get("deleted-data-files") + " file(s), "
          + snapshot.summary().get("deleted-records") + " rows, in snapshot " + snapshot.snapshotId());
    }
    return 0;
  }
}
