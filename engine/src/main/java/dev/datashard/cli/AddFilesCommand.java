package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Transaction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "add-files", footer = {"%nExample:", "  datashard add-files events file:///data/export/part-0.parquet file:///data/export/part-1.parquet"},
    description = {"Adds existing Parquet files to the table in place, in one commit",
    "(absolute locations in the table's store; columns are matched by name and checked)."})
final class AddFilesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "LOCATION")
  List<String> locations;

  @Override
  public Integer call() {
    try (DataShard shard = Main.openStore()) {
      Optional<Snapshot> snapshot;
      try (Transaction tx = shard.loadTable(table).newTransaction()) {
        snapshot = tx.addFiles(locations).commit();
      }
      spec.commandLine().getOut().println(snapshot
          .map(s -> "added " + s.summary().get("added-data-files") + " file(s), " + s.summary().get("added-records")
              + " rows, in snapshot " + s.snapshotId())
          .orElse("nothing added"));
    }
    return 0;
  }
}
