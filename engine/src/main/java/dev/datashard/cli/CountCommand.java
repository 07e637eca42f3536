package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Scan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "count", description = "Prints the number of rows, from metadata only.")
final class CountCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--snapshot", paramLabel = "ID", description = "Count as of this snapshot.")
  Long snapshotId;

  @Override
  public Integer call() {
    try (DataShard shard = Main.openStore()) {
      Scan scan = shard.loadTable(table).newScan();
      if (snapshotId != null) {
        scan.useSnapshot(snapshotId);
      }
      spec.commandLine().getOut().println(scan.rowCount());
    }
    return 0;
  }
}
