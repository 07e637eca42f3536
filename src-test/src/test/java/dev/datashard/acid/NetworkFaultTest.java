package dev.datashard.acid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.AmbiguousCommitException;
import dev.datashard.DataShard;
import dev.datashard.DataShardException;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.StorageException;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends through a proxy that breaks the network between DataShard and the S3 server: each
 * append commits exactly once or fails with a clear error, and nothing is lost or duplicated.
 */
class NetworkFaultTest {
  static final String BUCKET = "faults";
  static final int ROWS = 5;
  static S3ProxyServer server;

  @TempDir Path dir;
  private RootAllocator allocator;
  private FaultProxy proxy;
  private DataShard direct;
  private final List<WriterProcess> processes = new ArrayList<>();

  @BeforeAll
  static void startServer() throws IOException {
    server = S3ProxyServer.start();
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void open() throws IOException {
    allocator = new RootAllocator();
    proxy = new FaultProxy(server.port(), 20_251_125);
    direct = DataShard.open(StorageConfig.s3(server.config(BUCKET).prefix("acid").build()), allocator);
  }

  @AfterEach
  void close() throws IOException {
    processes.forEach(WriterProcess::close);
    proxy.close();
    direct.close();
    allocator.close();
  }

  /** A DataShard whose every request goes through the proxy. */
  private DataShard throughProxy() {
    return DataShard.open(StorageConfig.s3(server.config(BUCKET).endpoint(proxy.endpoint()).prefix("acid").build()),
        allocator);
  }

  @Test
  void writerProcessesUnderRandomFaultsCommitExactlyOnceOrFailClearly() throws Exception {
    String table = "faulty-" + System.nanoTime();
    direct.createTable(table, AcidWriter.SCHEMA);
    Map<String, String> env = Stores.s3(proxy.endpoint(), BUCKET, "acid");
    int writers = 4;
    int commits = 20;
    for (int w = 0; w < writers; w++) {
      processes.add(WriterProcess.start(dir, env, table, "f" + w, commits, ROWS, "--keep-going",
          "--warmup", "warmup/" + table + "/f" + w));
    }
    for (WriterProcess p : processes) {
      p.awaitReady(Duration.ofMinutes(2));
    }
    FaultProxy.Rates rates = new FaultProxy.Rates(0.03, 0.03, 0.03, 0.03, 0.03, 0.05, 0.25, 20);
    proxy.rates(rates);
    long start = System.nanoTime();
    processes.forEach(WriterProcess::go);
    // Half way, a 4 s outage (every request answered 503): some appends run out of retries.
    processes.get(0).awaitAnswers(commits / 2, Duration.ofMinutes(3));
    proxy.outage();
    Thread.sleep(4_000);
    proxy.heal();
    for (WriterProcess p : processes) {
      assertThat(p.awaitExit(Duration.ofMinutes(4))).as(p.diagnostics()).isZero();
    }
    long elapsed = System.nanoTime() - start;
    proxy.rates(FaultProxy.Rates.NONE);

    List<WriterProcess.Ack> acks = new ArrayList<>();
    List<WriterProcess.Failure> failures = new ArrayList<>();
    for (WriterProcess p : processes) {
      acks.addAll(p.acks());
      failures.addAll(p.failures());
      assertThat(p.acks().size() + p.failures().size()).as(p.writer() + ": every append answered").isEqualTo(commits);
    }
    Set<TableAudit.Batch> ambiguous = new HashSet<>();
    Map<String, Integer> failuresByType = new TreeMap<>();
    for (WriterProcess.Failure failure : failures) {
      failuresByType.merge(failure.type(), 1, Integer::sum);
      // A clear error: DataShard's or the store's own, saying what and where, never a bare
      // exception from below.
      assertThat(failure.type()).as(failure.toString()).isIn("StorageException", "AmbiguousCommitException",
          "CommitFailedException", "MalformedMetadataException");
      assertThat(failure.message()).as(failure.toString()).contains("s3://" + BUCKET + "/acid/" + table);
      if (failure.type().equals("AmbiguousCommitException")) {
        ambiguous.add(new TableAudit.Batch(failure.writer(), failure.seq()));
      }
    }

    TableAudit.Result audit = new TableAudit(direct, table, ROWS).run(true, allocator);
    Set<TableAudit.Batch> acknowledged = TableAudit.batches(acks);
    assertThat(audit.batches()).as("every acknowledged append is committed (once: the audit checks)").containsAll(acknowledged);
    Set<TableAudit.Batch> mayBePresent = new HashSet<>(acknowledged);
    mayBePresent.addAll(ambiguous);
    assertThat(mayBePresent).as("appends that failed for certain are not in the table").containsAll(audit.batches());
    for (WriterProcess.Ack ack : acks) {
      assertThat(audit.batchBySnapshot().get(ack.snapshotId())).isEqualTo(new TableAudit.Batch(ack.writer(), ack.seq()));
    }
    TableAudit.checkOrphans(direct, table, audit);
    assertThat(proxy.injected(FaultProxy.Fault.LOST_COMMIT_ANSWER)).as("commit answers lost").isPositive();
    assertThat(proxy.injected(FaultProxy.Fault.OUTAGE_503)).isPositive();

    long ambiguousCommitted = ambiguous.stream().filter(audit.batches()::contains).count();
    Figures.record("network faults S3", writers + " writer processes x " + commits + " appends through the fault proxy ("
        + rates + ", plus a 4 s outage): " + proxy.requests() + " requests, " + proxy.totalInjected() + " faults injected "
        + proxy.injected() + "; " + acks.size() + " appends acknowledged, all present once; " + failures.size()
        + " failed with a clear error " + failuresByType + " (" + ambiguousCommitted + " of " + ambiguous.size()
        + " ambiguous ones turned out committed, the rest absent); " + audit.snapshots().size() + " snapshots, "
        + audit.rowsChecked() + " rows checked; " + Figures.ratio(elapsed / 1e9) + " s");
  }

  @Test
  void aCommitWhoseAnswerIsLostIsFoundAndCountedOnce() {
    String name = "lost-answer-" + System.nanoTime();
    direct.createTable(name, AcidWriter.SCHEMA);
    try (DataShard shard = throughProxy()) {
      Table table = shard.loadTable(name);
      table.appendRecords(AcidWriter.batch("a", 0, ROWS));
      proxy.loseNextCommitAnswers(1);
      Snapshot snapshot = table.appendRecords(AcidWriter.batch("a", 1, ROWS)).orElseThrow();
      table.appendRecords(AcidWriter.batch("a", 2, ROWS));
      assertThat(proxy.injected(FaultProxy.Fault.LOST_COMMIT_ANSWER)).isEqualTo(1);
      TableAudit.Result audit = new TableAudit(direct, name, ROWS).run(true, allocator);
      assertThat(audit.snapshots()).hasSize(3);
      assertThat(audit.batchBySnapshot().get(snapshot.snapshotId())).isEqualTo(new TableAudit.Batch("a", 1));
    }
  }

  @Test
  void aCommitWhoseOutcomeCannotBeLearnedIsReportedAmbiguousAndKeepsItsFiles() {
    String name = "unknowable-" + System.nanoTime();
    direct.createTable(name, AcidWriter.SCHEMA);
    try (DataShard shard = throughProxy()) {
      Table table = shard.loadTable(name);
      table.appendRecords(AcidWriter.batch("a", 0, ROWS));
      // The commit PUT is applied, its answer lost, and then the store is unreachable: neither
      // the HEAD that would tell nor a reload of the table gets through.
      proxy.loseNextCommitAnswers(1);
      proxy.outageAfterLostCommitAnswer();
      assertThatThrownBy(() -> table.appendRecords(AcidWriter.batch("a", 1, ROWS)))
          .isInstanceOf(AmbiguousCommitException.class)
          .hasMessageContaining(table.location())
          .hasMessageContaining(Snapshot.COMMIT_ID);
      proxy.heal();
    }
    // The store did take it: present once, and whole (its files were not cleaned up as a failure's).
    TableAudit.Result audit = new TableAudit(direct, name, ROWS).run(true, allocator);
    assertThat(audit.batches()).containsExactlyInAnyOrder(new TableAudit.Batch("a", 0), new TableAudit.Batch("a", 1));
    TableAudit.checkOrphans(direct, name, audit);
  }

  @Test
  void aLateCommitPutThatLandsWhileTheWriterRetriesLeavesTheTableWhole() {
    String name = "late-" + System.nanoTime();
    direct.createTable(name, AcidWriter.SCHEMA);
    try (DataShard shard = throughProxy()) {
      Table table = shard.loadTable(name);
      table.appendRecords(AcidWriter.batch("a", 0, ROWS));
      // Every try of the publish of v3 seems to fail (the connection resets), so the commit
      // cannot tell and retries; meanwhile one of those PUTs reaches the store after all.
      proxy.captureCommitsTo("/metadata/v3.metadata.json");
      Snapshot snapshot = table.appendRecords(AcidWriter.batch("a", 1, ROWS)).orElseThrow();
      assertThat(proxy.injected(FaultProxy.Fault.CAPTURED_COMMIT)).isPositive();
      assertThat(proxy.lateCommitStatuses()).containsExactly(200);
      table.appendRecords(AcidWriter.batch("a", 2, ROWS));
      TableAudit.Result audit = new TableAudit(direct, name, ROWS).run(true, allocator);
      assertThat(audit.batchBySnapshot().get(snapshot.snapshotId())).isEqualTo(new TableAudit.Batch("a", 1));
      assertThat(audit.snapshots()).hasSize(3);
      TableAudit.checkOrphans(direct, name, audit);
    }
  }

  @Test
  void aLateCommitPutThatLandsAfterTheWriterGaveUpLeavesTheTableWhole() throws IOException {
    String name = "late-after-" + System.nanoTime();
    direct.createTable(name, AcidWriter.SCHEMA, Map.of("commit.retry.num-retries", "0"));
    try (DataShard shard = throughProxy()) {
      Table table = shard.loadTable(name);
      table.appendRecords(AcidWriter.batch("a", 0, ROWS));
      proxy.captureCommitsTo("/metadata/v3.metadata.json");
      // No retries left, and the outcome unknown: that is not "failed", the PUT may land yet.
      assertThatThrownBy(() -> table.appendRecords(AcidWriter.batch("a", 1, ROWS)))
          .isInstanceOf(AmbiguousCommitException.class)
          .hasMessageContaining(Snapshot.COMMIT_ID);
    }
    assertThat(proxy.deliverCapturedCommit()).isEqualTo(200);
    TableAudit.Result audit = new TableAudit(direct, name, ROWS).run(true, allocator);
    assertThat(audit.batches()).containsExactlyInAnyOrder(new TableAudit.Batch("a", 0), new TableAudit.Batch("a", 1));
    TableAudit.checkOrphans(direct, name, audit);
  }

  @Test
  void everyKindOfFaultAloneIsAbsorbed() {
    // Each fault at a rate of one request in three, on its own: retries absorb it.
    List<FaultProxy.Rates> each = List.of(
        new FaultProxy.Rates(0.3, 0, 0, 0, 0, 0, 0, 0),
        new FaultProxy.Rates(0, 0.3, 0, 0, 0, 0, 0, 0),
        new FaultProxy.Rates(0, 0, 0.3, 0, 0, 0, 0, 0),
        new FaultProxy.Rates(0, 0, 0, 0.3, 0, 0, 0, 0),
        new FaultProxy.Rates(0, 0, 0, 0, 0.3, 0, 0, 0),
        new FaultProxy.Rates(0, 0, 0, 0, 0, 0.3, 0, 0),
        new FaultProxy.Rates(0, 0, 0, 0, 0, 0, 0.5, 0),
        new FaultProxy.Rates(0, 0, 0, 0, 0, 0, 0, 50));
    String name = "each-" + System.nanoTime();
    direct.createTable(name, AcidWriter.SCHEMA);
    try (DataShard shard = throughProxy()) {
      Table table = shard.loadTable(name);
      long seq = 0;
      for (FaultProxy.Rates rates : each) {
        proxy.rates(rates);
        for (int i = 0; i < 3; i++) {
          try {
            table.appendRecords(AcidWriter.batch("e", seq, ROWS));
          } catch (DataShardException | StorageException e) {
            throw new AssertionError("append " + seq + " failed under " + rates + ": " + e, e);
          }
          seq++;
        }
      }
      proxy.rates(FaultProxy.Rates.NONE);
      TableAudit.Result audit = new TableAudit(direct, name, ROWS).run(true, allocator);
      assertThat(audit.snapshots()).hasSize((int) seq);
      TableAudit.checkOrphans(direct, name, audit);
    }
    Figures.record("fault kinds S3", "each fault alone at 30% of requests (lost commit answers at 50% of commit PUTs, "
        + "or latency up to 50 ms), 3 appends each: all committed once; faults injected " + proxy.injected());
  }
}
