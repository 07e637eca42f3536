package dev.datashard.acid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once appends with idempotency keys, as a batch job uses them: every batch carries the
 * key {@code writer#seq}; a writer killed at any moment is restarted at its first unacknowledged
 * batch, and a commit that throws (an ambiguous one included) is retried with the same key. In
 * the end every batch of every writer is in the table exactly once: none lost, none twice.
 */
class ExactlyOnceTest {
  static final int ROWS = 5;
  static final int WRITERS = 2;

  @TempDir Path dir;
  @RegisterExtension final WriterProcesses fixture = new WriterProcesses();

  @Test
  void killedKeyedWritersOnLocalDisk() throws Exception {
    String table = dir.resolve("warehouse").resolve("keyed").toString();
    Map<String, String> env = Stores.local();
    try (DataShard shard = DataShard.open(StorageConfig.fromEnvironment(env), fixture.allocator())) {
      shard.createTable(table, AcidWriter.SCHEMA);
      killAndRestart("local", env, shard, table, 12, 31337);
    }
  }

  @Test
  void killedKeyedWritersOnS3() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket("keyed");
      Map<String, String> env = Stores.s3(server.endpoint(), "keyed", "acid");
      try (DataShard shard = DataShard.open(StorageConfig.fromEnvironment(env), fixture.allocator())) {
        shard.createTable("keyed", AcidWriter.SCHEMA);
        killAndRestart("S3", env, shard, "keyed", 6, 4711);
      }
    }
  }

  /** Through a proxy that drops, resets and delays requests and answers, with an outage half way. */
  @Test
  void keyedWritersRetryingThroughNetworkFaultsOnS3() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start(); FaultProxy proxy = new FaultProxy(server.port(), 1_130)) {
      server.createBucket("faults");
      Map<String, String> env = Stores.s3(proxy.endpoint(), "faults", "acid");
      int commits = 16;
      try (DataShard shard = DataShard.open(StorageConfig.fromEnvironment(Stores.s3(server.endpoint(), "faults",
          "acid")), fixture.allocator())) {
        // A small retry budget, so that commits do throw and the writers' own retries are exercised.
        shard.createTable("faulty", AcidWriter.SCHEMA, Map.of("commit.retry.num-retries", "1"));
        List<WriterProcess> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          writers.add(start(env, "faulty", "n" + w, commits, 0, "--warmup", "warmup/n" + w, "--pace-ms", "100"));
        }
        for (WriterProcess p : writers) {
          p.awaitReady(Duration.ofMinutes(2));
        }
        proxy.rates(new FaultProxy.Rates(0.04, 0.04, 0.04, 0.04, 0.04, 0.05, 0.25, 20));
        writers.forEach(WriterProcess::go);
        writers.get(0).awaitAnswers(commits / 4, Duration.ofMinutes(3));
        proxy.outage();
        Thread.sleep(4_000);
        proxy.heal();
        for (WriterProcess p : writers) {
          assertThat(p.awaitExit(Duration.ofMinutes(4))).as(p.diagnostics()).isZero();
          assertThat(p.failures()).as("every batch lands within " + AcidWriter.RETRIES + " retries").isEmpty();
        }
        proxy.rates(FaultProxy.Rates.NONE);
        Map<String, Long> nextSeq = new TreeMap<>();
        writers.forEach(p -> nextSeq.put(p.writer(), (long) commits));
        TableAudit.Result audit = new TableAudit(shard, "faulty", ROWS).run(true, fixture.allocator());
        assertThat(audit.batches()).isEqualTo(allBatches(nextSeq));
        Map<String, Integer> retriedBy = new TreeMap<>();
        writers.forEach(p -> p.retries().forEach(r -> retriedBy.merge(r.type(), 1, Integer::sum)));
        assertThat(retriedBy).as("commits that threw and were retried with their key").isNotEmpty();
        Figures.record("exactly once, network faults S3", WRITERS + " writers x " + commits
            + " keyed batches through random faults and a 4 s outage; retries by cause " + retriedBy
            + "; all " + audit.batches().size() + " batches present once");
      }
    }
  }

  private WriterProcess start(Map<String, String> env, String table, String writer, int commits, long firstSeq,
      String... extra) {
    List<String> args = new ArrayList<>(List.of("--idempotent", "--first-seq", Long.toString(firstSeq)));
    args.addAll(List.of(extra));
    WriterProcess process = WriterProcess.start(dir, env, table, writer, commits, ROWS, args.toArray(String[]::new));
    fixture.processes().add(process);
    return process;
  }

  /**
   * Kills writers at random moments and at each step of a commit ({@link PhaseStorage}); each is
   * restarted at the batch after its last acknowledged one, which may be the batch it was killed in.
   */
  private void killAndRestart(String store, Map<String, String> env, DataShard shard, String table, int kills,
      long seed) throws Exception {
    Random random = new Random(seed);
    Map<String, Long> nextSeq = new TreeMap<>();
    WriterProcess[] running = new WriterProcess[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
      nextSeq.put("k" + w, 0L);
      running[w] = start(env, table, "k" + w, 1_000_000, 0, "--autostart", "--pace-ms", "50");
    }
    Map<String, Integer> killsByKind = new TreeMap<>();
    int publishedUnacknowledged = 0;
    for (int round = 0; round < kills; round++) {
      int slot = round % WRITERS;
      WriterProcess victim = running[slot];
      String kind = CrashTest.KINDS.get(random.nextInt(CrashTest.KINDS.size()));
      if (kind.equals("random")) {
        victim.awaitAcks(1, Duration.ofSeconds(90));
        Thread.sleep(random.nextInt(1_000));
      } else {
        victim.pauseAt(PhaseStorage.Phase.of(kind), Math.max(nextSeq.get(victim.writer()), victim.lastAckedSeq() + 1));
        victim.awaitPause(Duration.ofSeconds(90));
      }
      victim.kill();
      killsByKind.merge(kind, 1, Integer::sum);
      long restartAt = Math.max(nextSeq.get(victim.writer()), victim.lastAckedSeq() + 1);
      nextSeq.put(victim.writer(), restartAt);
      // Killed after its publish and before its acknowledgement, the batch is in the table: the
      // restart, retrying it with the same key, must then commit nothing.
      boolean published = shard.loadTable(table).idempotencyKeyCommit(victim.writer() + "#" + restartAt).isPresent();
      if (kind.equals("published")) {
        assertThat(published).as("killed right after publishing " + victim.writer() + "#" + restartAt).isTrue();
      }
      if (published) {
        publishedUnacknowledged++;
      }
      running[slot] = start(env, table, victim.writer(), 1_000_000, restartAt, "--autostart", "--pace-ms", "50");
      running[slot].awaitAcks(1, Duration.ofSeconds(90));
    }
    for (WriterProcess p : running) {
      p.stop();
    }
    for (WriterProcess p : running) {
      assertThat(p.awaitExit(Duration.ofMinutes(2))).as(p.diagnostics()).isZero();
      assertThat(p.failures()).isEmpty();
      nextSeq.put(p.writer(), p.lastAckedSeq() + 1);
    }
    TableAudit.Result audit = new TableAudit(shard, table, ROWS).run(true, fixture.allocator());
    assertThat(audit.batches()).as("every batch of every writer once, none lost").isEqualTo(allBatches(nextSeq));
    Figures.record("exactly once, kills " + store, kills + " SIGKILLs " + killsByKind + " of " + WRITERS
        + " keyed writers, each restarted at its first unacknowledged batch; " + publishedUnacknowledged
        + " of them killed after publishing that batch; all " + audit.batches().size() + " batches present once");
  }

  /** Batches 0 .. next-1 of each writer. */
  private static Set<TableAudit.Batch> allBatches(Map<String, Long> nextSeq) {
    Set<TableAudit.Batch> batches = new HashSet<>();
    nextSeq.forEach((writer, next) -> {
      for (long seq = 0; seq < next; seq++) {
        batches.add(new TableAudit.Batch(writer, seq));
      }
    });
    return batches;
  }
}
