package dev.datashard.acid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writer processes append while a maintainer process deletes rows and compacts the same table,
 * with no lock anywhere: the maintainer's commits that lose races retry on the appends (never
 * dropping appended rows) or fail with a conflict, and every snapshot of the resulting history
 * reads each row at most once and every row no delete aimed at exactly once.
 */
class RowLevelContentionTest {
  static final int WRITERS = 3;
  static final int COMMITS = 15;
  static final int ROWS = 10;
  static final int MAINTENANCE_STEPS = 16;

  @TempDir Path dir;
  @RegisterExtension final WriterProcesses fixture = new WriterProcesses();

  @Test
  void appendsBesideDeletesAndCompactionsOnLocalDiskCopyOnWrite() throws Exception {
    Map<String, String> env = Stores.local();
    String table = dir.resolve("warehouse").resolve("t").toString();
    contend(env, table, dir.resolve("warehouse").resolve("warmup").toString(), "copy-on-write", true);
  }

  @Test
  void appendsBesideDeletesAndCompactionsOnS3() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket("row-level");
      // Merge-on-read here (position deletes written to and read from S3), copy-on-write on local disk.
      contend(Stores.s3(server.endpoint(), "row-level", "acid"), "t", "warmup", "merge-on-read", false);
    }
  }

  /** @param warmupTable where each process warms up (its name appended), so that all start committing at once */
  private void contend(Map<String, String> env, String tableName, String warmupTable, String deleteMode,
      boolean checkWithIceberg) throws Exception {
    try (DataShard shard = DataShard.open(StorageConfig.fromEnvironment(env), fixture.allocator())) {
      Table table = shard.createTable(tableName, AcidWriter.SCHEMA, Map.of("write.delete.mode", deleteMode,
          "commit.retry.min-wait-ms", "5", "commit.retry.max-wait-ms", "200"));
      for (int w = 0; w < WRITERS; w++) {
        fixture.processes().add(WriterProcess.start(dir, env, tableName, "w" + w, COMMITS, ROWS, "--pace-ms", "50",
            "--warmup", warmupTable + "-w" + w));
      }
      WriterProcess maintainer = WriterProcess.start(dir, env, tableName, "maintainer", MAINTENANCE_STEPS, ROWS,
          "--pace-ms", "100", "--keep-going", "--maintain", "--warmup", warmupTable + "-maintainer");
      fixture.processes().add(maintainer);
      for (WriterProcess process : fixture.processes()) {
        process.awaitReady(Duration.ofMinutes(3));
      }
      fixture.processes().forEach(WriterProcess::go);
      Map<Long, TableAudit.Batch> appendedIn = new HashMap<>();
      for (WriterProcess process : fixture.processes()) {
        assertThat(process.awaitExit(Duration.ofMinutes(5))).as(process.diagnostics()).isZero();
        if (process != maintainer) {
          assertThat(process.failures()).as(process.writer() + " failures").isEmpty();
          assertThat(process.acks()).hasSize(COMMITS);
          process.acks().forEach(ack -> appendedIn.put(ack.snapshotId(), new TableAudit.Batch(ack.writer(), ack.seq())));
        }
      }
      // A maintenance step may lose to another on the same files; then it fails, changing nothing.
      assertThat(maintainer.failures()).allSatisfy(failure ->
          assertThat(failure.message()).as(failure.toString()).contains("conflicts with"));
      assertThat(maintainer.acks()).as("maintenance steps that committed").isNotEmpty();

      List<Snapshot> history = history(table.refresh());
      assertThat(history.stream().map(s -> s.summary().get("operation")).distinct())
          .as("the history mixes appends with deletes or compactions").contains("append").hasSizeGreaterThan(1);
      Set<TableAudit.Batch> visible = new HashSet<>();
      Set<String> last = Set.of();
      for (Snapshot snapshot : history) {
        Optional.ofNullable(appendedIn.get(snapshot.snapshotId())).ifPresent(visible::add);
        last = checkSnapshot(table, snapshot, visible);
      }
      assertThat(visible).hasSize(WRITERS * COMMITS);
      if (checkWithIceberg) {
        Set<String> icebergRows = new HashSet<>();
        org.apache.iceberg.Table iceberg = new HadoopTables(new Configuration()).load(table.location());
        try (CloseableIterable<Record> rows = IcebergGenerics.read(iceberg).select("writer", "seq", "row").build()) {
          for (Record row : rows) {
            assertThat(icebergRows.add(row.getField("writer") + "#" + row.getField("seq") + "/" + row.getField("row")))
                .as("Iceberg reads each row once").isTrue();
          }
        }
        assertThat(icebergRows).isEqualTo(last);
      }
    }
  }

  /**
   * Reads one snapshot: no row twice, and every row of the batches appended so far whose number
   * no delete aims at. Returns the rows read.
   */
  private Set<String> checkSnapshot(Table table, Snapshot snapshot, Set<TableAudit.Batch> appended) {
    Set<String> rows = new HashSet<>();
    for (Map<String, Object> row : table.newScan().useSnapshot(snapshot.snapshotId()).select("writer", "seq", "row")
        .toRecords()) {
      String key = row.get("writer") + "#" + row.get("seq") + "/" + row.get("row");
      assertThat(rows.add(key)).as("snapshot %d (%s) reads %s once", snapshot.snapshotId(),
          snapshot.summary().get("operation"), key).isTrue();
    }
    for (TableAudit.Batch batch : appended) {
      for (int row = 0; row < ROWS; row++) {
        if (!AcidWriter.DELETED_ROWS.contains(row)) {
          assertThat(rows).as("snapshot %d (%s)", snapshot.snapshotId(), snapshot.summary().get("operation"))
              .contains(batch + "/" + row);
        }
      }
    }
    assertThat(Long.parseLong(snapshot.summary().get("total-records"))
        - Long.parseLong(snapshot.summary().getOrDefault("total-position-deletes", "0")))
        .as("snapshot %d: its totals count the rows read", snapshot.snapshotId()).isEqualTo(rows.size());
    return rows;
  }

  /** The current snapshot's ancestry, oldest first. */
  private static List<Snapshot> history(Table table) {
    List<Snapshot> history = new ArrayList<>();
    Optional<Snapshot> snapshot = table.currentSnapshot();
    while (snapshot.isPresent()) {
      history.add(0, snapshot.get());
      snapshot = snapshot.get().parent().flatMap(table::snapshot);
    }
    return history;
  }
}
