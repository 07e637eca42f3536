package dev.datashard.cli;

import dev.datashard.Compaction;
import dev.datashard.DataShard;
import dev.datashard.Expression;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "compact", footer = {"%nExample:",
    "  datashard compact events --target-size 134217728 --where \"ts >= '2026-11-01T00:00:00'\""},
    description = {"Rewrites small data files (and files with deletes to apply) into files",
        "of the target size, in a 'replace' snapshot that changes no row; rewrites",
        "the manifests into one per partition spec when there are several."})
final class CompactCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--target-size", paramLabel = "BYTES",
      description = "Size of the files written (default: the table's write.target-file-size-bytes).")
  Long targetSize;

  @Option(names = "--where", paramLabel = "FILTER",
      description = "Only files that may hold rows matching FILTER (by their statistics).")
  String where;

  @Override
  public Integer call() {
    try (DataShard shard = Main.openStore()) {
      Compaction compaction = shard.loadTable(table).rewriteDataFiles();
      if (targetSize != null) {
        compaction.targetSizeBytes(targetSize);
      }
      if (where != null) {
        compaction.where(Expression.parse(where));
      }
      Compaction.Result result = compaction.commit();
      spec.commandLine().getOut().println(result.snapshot()
          .map(s -> "rewrote " + result.rewrittenDataFiles() + " data files (" + result.rewrittenBytes()
              + " bytes) into " + result.addedDataFiles() + ", dropped " + result.removedDeleteFiles()
              + " delete files, in snapshot " + s.snapshotId())
          .orElse("nothing to compact (no snapshot created)"));
    }
    return 0;
  }
}
