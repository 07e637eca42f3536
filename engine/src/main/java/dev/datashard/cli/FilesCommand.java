package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Scan;
import dev.datashard.metadata.DataFile;
import dev.datashard.plan.FileScanTask;
import dev.datashard.plan.PlanStatistics;
import dev.datashard.plan.ScanPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "files", footer = {"%nExample:", "  datashard files events --where \"user_id between 10 and 20\""},
    description = {"Lists the data files a scan would read (after pruning by --where).",
        "On stderr: manifests read (the others skipped by their partition summaries) and files kept by partition "
            + "and by column bounds."})
final class FilesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Mixin SnapshotChoice choice;

  @Override
  public Integer call() {
    try (DataShard shard = Main.openStore()) {
      Scan scan = choice.apply(shard.loadTable(table).newScan());
      List<List<String>> rows = new ArrayList<>();
      ScanPlan plan = scan.plan();
      for (FileScanTask task : plan.tasks()) {
        DataFile file = task.file();
        rows.add(List.of(file.location(), Long.toString(file.recordCount()), Long.toString(file.fileSizeBytes())));
      }
      TextTable.print(spec.commandLine().getOut(), List.of("location", "records", "bytes"), rows, false);
      PlanStatistics counts = plan.statistics();
      spec.commandLine().getErr().printf("manifests read: %d of %d; files: %d live in those, %d kept by partition, "
          + "%d by column bounds%n", counts.manifestsRead(), counts.manifests(), counts.liveFiles(),
          counts.partitionMatches(), counts.files());
    }
    return 0;
  }
}
