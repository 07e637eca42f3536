package dev.datashard.acid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * Many writer processes append to one table at once, with no lock anywhere: every commit must
 * land exactly once, in one linear history, with summaries that match the data.
 */
class ContentionTest {
  static final int WRITERS = 10;
  static final int COMMITS = 20;
  static final int ROWS = 10;

  @TempDir Path dir;
  @RegisterExtension final WriterProcesses fixture = new WriterProcesses();

  @Test
  void tenWriterProcessesOnLocalDisk() throws Exception {
    Path warehouse = dir.resolve("warehouse");
    String table = warehouse.resolve("contended").toString();
    Map<String, String> env = Stores.local();
    try (DataShard shard = DataShard.open(StorageConfig.fromEnvironment(env), fixture.allocator())) {
      shard.createTable(table, AcidWriter.SCHEMA);
      TableAudit.Result audit = contend("local", env, shard, table, w -> warehouse.resolve("warmup-" + w).toString());

      // Apache Iceberg reads the same history and the same rows.
      org.apache.iceberg.Table iceberg = new HadoopTables(new Configuration()).load(shard.loadTable(table).location());
      List<org.apache.iceberg.Snapshot> icebergSnapshots = new ArrayList<>();
      iceberg.snapshots().forEach(icebergSnapshots::add);
      assertThat(icebergSnapshots).hasSameSizeAs(audit.snapshots());
      for (int i = 0; i < icebergSnapshots.size(); i++) {
        org.apache.iceberg.Snapshot theirs = icebergSnapshots.get(i);
        Snapshot ours = audit.snapshots().get(i);
        assertThat(theirs.snapshotId()).isEqualTo(ours.snapshotId());
        assertThat(theirs.parentId()).isEqualTo(ours.parentId());
        assertThat(theirs.sequenceNumber()).isEqualTo(ours.sequenceNumber());
        assertThat(theirs.summary().get("total-records")).isEqualTo(ours.summary().get("total-records"));
      }
      Set<String> icebergRows = new HashSet<>();
      try (CloseableIterable<Record> rows = IcebergGenerics.read(iceberg).select("writer", "seq", "row").build()) {
        for (Record row : rows) {
          assertThat(icebergRows.add(row.getField("writer") + "#" + row.getField("seq") + "/" + row.getField("row")))
              .as("Iceberg reads each row once").isTrue();
        }
      }
      assertThat(icebergRows).hasSize(WRITERS * COMMITS * ROWS);
    }
  }

  @Test
  void tenWriterProcessesOnS3() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket("contention");
      Map<String, String> env = Stores.s3(server.endpoint(), "contention", "acid");
      try (DataShard shard = DataShard.open(StorageConfig.fromEnvironment(env), fixture.allocator())) {
        shard.createTable("contended", AcidWriter.SCHEMA);
        contend("S3", env, shard, "contended", w -> "warmup/" + w);
      }
    }
  }

  /** Runs the writers to completion against {@code table}; the audit of the result. */
  private TableAudit.Result contend(String store, Map<String, String> env, DataShard shard, String table,
      java.util.function.Function<String, String> warmupTable) throws Exception {
    long startedAt = System.nanoTime();
    for (int w = 0; w < WRITERS; w++) {
      String writer = String.format("w%02d", w);
      fixture.processes().add(WriterProcess.start(dir, env, table, writer, COMMITS, ROWS,
          "--warmup", warmupTable.apply(writer)));
    }
    for (WriterProcess process : fixture.processes()) {
      process.awaitReady(Duration.ofMinutes(3));
    }
    long readyAt = System.nanoTime();
    long go = System.nanoTime();
    fixture.processes().forEach(WriterProcess::go);
    List<WriterProcess.Ack> acks = new ArrayList<>();
    for (WriterProcess process : fixture.processes()) {
      assertThat(process.awaitExit(Duration.ofMinutes(5))).as(process.diagnostics()).isZero();
      assertThat(process.isDone()).isTrue();
      assertThat(process.failures()).as(process.writer() + " failures").isEmpty();
      assertThat(process.acks()).as(process.writer() + " acknowledgements").hasSize(COMMITS);
      acks.addAll(process.acks());
    }
    long lastAck = acks.stream().mapToLong(WriterProcess.Ack::atNanos).max().orElseThrow();

    TableAudit.Result audit = new TableAudit(shard, table, ROWS).run(true, fixture.allocator());
    assertThat(audit.snapshots()).hasSize(WRITERS * COMMITS);
    assertThat(audit.batches()).isEqualTo(TableAudit.batches(acks));
    for (WriterProcess.Ack ack : acks) {
      assertThat(audit.batchBySnapshot().get(ack.snapshotId())).as("the snapshot acknowledged for " + ack)
          .isEqualTo(new TableAudit.Batch(ack.writer(), ack.seq()));
    }
    assertThat(audit.rowsChecked()).isEqualTo((long) WRITERS * COMMITS * ROWS);
    // Writers that finish cleanly leave nothing behind: the only unreferenced files are metadata
    // versions older than the metadata log keeps (write.metadata.previous-versions-max = 100).
    TableAudit.Orphans orphans = TableAudit.checkOrphans(shard, table, audit);
    assertThat(orphans.byKind().keySet()).as("orphans " + orphans.byKind()).containsOnly("metadata version out of the log");

    long commits = acks.size();
    long attempts = acks.stream().mapToLong(WriterProcess.Ack::attempts).sum();
    int maxAttempts = acks.stream().mapToInt(WriterProcess.Ack::attempts).max().orElseThrow();
    long[] micros = acks.stream().mapToLong(WriterProcess.Ack::micros).sorted().toArray();
    Figures.record("contention " + store, WRITERS + " writer processes x " + COMMITS + " commits x " + ROWS
        + " rows: " + commits + " commits in " + Figures.ratio((lastAck - go) / 1e9) + " s = "
        + Figures.perSecond(commits, lastAck - go) + " commits/s; retries per commit "
        + Figures.ratio((attempts - commits) / (double) commits) + " (max attempts " + maxAttempts
        + "); commit latency p50 " + micros[micros.length / 2] / 1000 + " ms, p95 "
        + micros[(int) (micros.length * 0.95)] / 1000 + " ms, max " + micros[micros.length - 1] / 1000
        + " ms; rows checked " + audit.rowsChecked() + "; JVM start+warm-up " + Figures.ratio((readyAt - startedAt) / 1e9) + " s");
    return audit;
  }
}
