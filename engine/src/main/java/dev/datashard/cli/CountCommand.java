package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Scan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "count", footer = {"%nExample:", "  datashard count events --where \"event = 'login'\""},
    description = "Prints the number of rows (from metadata only, unless --where or delete files need the data).")
final class CountCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Mixin SnapshotChoice choice;

  @Override
  public Integer call() {
    try (DataShard shard = Main.openStore()) {
      Scan scan = shard.loadTable(table).newScan();
      choice.apply(scan);
      Scan.RowCount count = scan.count();
      spec.commandLine().getOut().println(count.rows());
      if (count.method() == Scan.CountMethod.READ_FOR_DELETES) {
        // On stderr: the count stays the only line a script reads.
        spec.commandLine().getErr().println("note: counted by reading the data files: delete files apply to some");
      }
    }
    return 0;
  }
}
