package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.Transaction;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "append", footer = {"%nExample:", "  datashard append events day-1.jsonl day-1.csv", "  datashard append events day-1.jsonl --idempotency-key day-1.jsonl@2026-11-30"},
    description = "Appends files (.jsonl, .csv, .parquet, .arrow) in one commit.")
final class AppendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE")
  List<Path> files;

  @Option(names = "--idempotency-key", paramLabel = "KEY",
      description = "Append exactly once: when the table already holds KEY (an earlier run of this append"
          + " committed), append nothing and exit 0. Use one key per input, e.g. the file name and its date.")
  String idempotencyKey;

  @Override
  public Integer call() throws Exception {
    Progress progress = new Progress(System.err, System.console() != null);
    try (DataShard shard = Main.openStore()) {
      Table target = shard.loadTable(table);
      // Checked before reading the inputs to save the work; the commit checks again, atomically.
      OptionalLong earlier = idempotencyKey == null ? OptionalLong.empty() : target.idempotencyKeyCommit(idempotencyKey);
      if (earlier.isPresent()) {
        spec.commandLine().getOut().println(alreadyCommitted(earlier.getAsLong()));
        return 0;
      }
      InputFiles inputs = new InputFiles(shard.allocator(), progress);
      Optional<Snapshot> snapshot;
      try (Transaction tx = target.newTransaction()) {
        if (idempotencyKey != null) {
          tx.idempotencyKey(idempotencyKey);
        }
        for (Path file : files) {
          inputs.append(tx, file);
        }
        snapshot = tx.commit();
        earlier = tx.earlierCommit();
      }
      progress.finish();
      String outcome;
      if (snapshot.isPresent()) {
        outcome = "appended " + snapshot.get().summary().get("added-records") + " rows in snapshot "
            + snapshot.get().snapshotId();
      } else if (earlier.isPresent()) {
        outcome = alreadyCommitted(earlier.getAsLong());
      } else {
        outcome = "nothing to append: the files hold no rows (no snapshot created)";
      }
      spec.commandLine().getOut().println(outcome);
    }
    return 0;
  }

  private String alreadyCommitted(long snapshotId) {
    return "nothing appended: idempotency key '" + idempotencyKey + "' was committed in snapshot " + snapshotId;
  }
}
