package dev.datashard.acid;

import dev.datashard.DataShard;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.Transaction;
import dev.datashard.io.StorageConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One writer process of the ACID tests: appends batches tagged (writer, seq) to one table, one
 * commit per batch, and reports on stdout. The store comes from the {@code DATASHARD_*}
 * environment variables, as for any DataShard program.
 *
 * <p>Usage: {@code AcidWriter TABLE WRITER COMMITS ROWS [--warmup TABLE] [--keep-going] [--autostart]
 * [--pace-ms N] [--idempotent] [--first-seq N] [--maintain]} ({@code --pace-ms}: a pause between commits, an
 * application's think time; {@code --idempotent}: each commit carries the key {@code writer#seq},
 * so a restarted writer may retry a batch its killed predecessor was committing, and a commit
 * that throws is retried with the same key, as a batch job would, up to {@value #RETRIES} times; {@code
 * --first-seq}: the first batch to commit; {@code --maintain}: instead of appending, commit
 * {@code seq} is maintenance beside the writers, alternately a row-level delete of one of
 * {@link #DELETED_ROWS} and a compaction, so rows with other numbers must never go)
 *
 * <p>Protocol, one line each. Out: {@code READY w}; {@code ACK w seq snapshotId attempts micros}
 * after each commit returned (for a keyed batch the table already held: the earlier snapshot);
 * {@code RETRY w seq ExceptionClass message} before an idempotent retry;
 * {@code FAIL w seq ExceptionClass message} when a commit threw (the
 * writer stops unless {@code --keep-going}); {@code PAUSED w seq phase} when an armed step was
 * reached (see {@link PhaseStorage}; the process then waits to be killed); {@code DONE w}. In:
 * {@code GO} starts committing (at once with {@code --autostart}), {@code STOP} ends after the commit in progress, {@code PAUSE
 * phase seq} arms a step. The writer halts at once when its stdin closes, so it never outlives
 * the test that started it.
 */
public final class AcidWriter {
  static final Schema SCHEMA = Schema.fromJson("""
      {"schema_id": 0, "fields": [
        {"id": 1, "name": "writer", "type": "string", "required": true},
        {"id": 2, "name": "seq", "type": "long", "required": true},
        {"id": 3, "name": "row", "type": "int", "required": true},
        {"id": 4, "name": "payload", "type": "string", "required": false}]}""");

  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  private static volatile boolean stopRequested;

  static final int RETRIES = 20;

  /** The row numbers a maintainer deletes, one per delete: the rows of a batch below them stay. */
  static final List<Integer> DELETED_ROWS = List.of(7, 8, 9);

  private AcidWriter() {}

  /** The rows of batch (writer, seq): rows 0..count-1. */
  static List<Map<String, Object>> batch(String writer, long seq, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int row = 0; row < count; row++) {
      Map<String, Object> record = new HashMap<>();
      record.put("writer", writer);
      record.put("seq", seq);
      record.put("row", row);
      record.put("payload", writer + "/" + seq + "/" + row + "/" + Long.toHexString(seq * 31 + row));
      rows.add(record);
    }
    return rows;
  }

  public static void main(String[] args) throws Exception {
    String tableName = args[0];
    String writer = args[1];
    int commits = Integer.parseInt(args[2]);
    int rows = Integer.parseInt(args[3]);
    String warmup = null;
    boolean keepGoing = false;
    long paceMillis = 0;
    boolean idempotent = false;
    boolean maintain = false;
    long firstSeq = 0;
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 4; i < args.length; i++) {
      switch (args[i]) {
        case "--warmup" -> warmup = args[++i];
        case "--keep-going" -> keepGoing = true;
        case "--autostart" -> go.countDown();
        case "--pace-ms" -> paceMillis = Long.parseLong(args[++i]);
        case "--idempotent" -> idempotent = true;
        case "--first-seq" -> firstSeq = Long.parseLong(args[++i]);
        case "--maintain" -> maintain = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }

    long[] seqNow = {-1};
    PhaseStorage phases = new PhaseStorage(StorageConfig.fromEnvironment().open(),
        phase -> say("PAUSED " + writer + " " + seqNow[0] + " " + phase.label()));
    Thread commands = new Thread(() -> readCommands(go, phases), "acid-writer-stdin");
    commands.setDaemon(true);
    commands.start();

    int exitCode = 0;
    try (DataShard shard = DataShard.open(phases)) {
      if (warmup != null) {
        // Class loading, the Parquet writer's native library, the S3 client and its
        // conditional-write probe: all paid here, before the clock starts.
        Table scratch = shard.createTable(warmup, SCHEMA);
        scratch.appendRecords(batch(writer, -1, rows));
        scratch.rowCount();
      }
      Table table = shard.loadTable(tableName);
      say("READY " + writer);
      go.await();
      for (long seq = firstSeq; seq < firstSeq + commits && !stopRequested; seq++) {
        if (seq > firstSeq && paceMillis > 0) {
          Thread.sleep(paceMillis);
        }
        seqNow[0] = seq;
        phases.currentSeq(seq);
        long start = System.nanoTime();
        RuntimeException failure = null;
        for (int retry = 0; retry <= (idempotent ? RETRIES : 0); retry++) {
          if (failure != null) {
            say("RETRY " + writer + " " + seq + " " + describe(failure));
          }
          if (maintain) {
            try {
              say("ACK " + writer + " " + seq + " " + maintain(table.refresh(), seq) + " 1 "
                  + (System.nanoTime() - start) / 1000);
              failure = null;
              break;
            } catch (RuntimeException e) {
              failure = e;
              continue;
            }
          }
          try (Transaction tx = table.newTransaction()) {
            if (failure != null) {
              table.refresh();
            }
            if (idempotent) {
              tx.idempotencyKey(writer + "#" + seq);
            }
            tx.appendRecords(batch(writer, seq, rows));
            java.util.Optional<Snapshot> snapshot = tx.commit();
            long snapshotId = snapshot.isPresent() ? snapshot.get().snapshotId() : tx.earlierCommit().orElseThrow();
            long micros = (System.nanoTime() - start) / 1000;
            say("ACK " + writer + " " + seq + " " + snapshotId + " " + tx.commitAttempts() + " " + micros);
            failure = null;
            break;
          } catch (RuntimeException e) {
            failure = e;
          }
        }
        if (failure != null) {
          say("FAIL " + writer + " " + seq + " " + describe(failure));
          if (!keepGoing) {
            failure.printStackTrace();
            exitCode = 1;
            break;
          }
        }
      }
    }
    say("DONE " + writer);
    System.exit(exitCode);
  }

  /** Maintenance step {@code seq}: the snapshot it committed, or 0 when it had nothing to do. */
  private static long maintain(Table table, long seq) {
    java.util.Optional<Snapshot> snapshot = seq % 2 == 0
        ? table.newDelete().where(dev.datashard.Expression.parse(
            "row = " + DELETED_ROWS.get((int) (seq / 2 % DELETED_ROWS.size())))).commit()
        : table.rewriteDataFiles().commit().snapshot();
    return snapshot.map(Snapshot::snapshotId).orElse(0L);
  }

  private static void readCommands(CountDownLatch go, PhaseStorage phases) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] words = line.trim().split(" ");
        switch (words[0]) {
          case "GO" -> go.countDown();
          case "STOP" -> {
            stopRequested = true;
            go.countDown();
          }
          case "PAUSE" -> phases.arm(PhaseStorage.Phase.of(words[1]), Long.parseLong(words[2]));
          default -> say("IGNORED " + line);
        }
      }
    } catch (IOException e) {
      // treated as the end of input
    }
    // The test that started this writer is gone (or done with it): leave no process behind.
    Runtime.getRuntime().halt(3);
  }

  private static String describe(RuntimeException e) {
    return e.getClass().getSimpleName() + " " + String.valueOf(e.getMessage()).replace('\n', ' ');
  }

  private static void say(String line) {
    synchronized (OUT) {
      OUT.println(line);
    }
  }
}
