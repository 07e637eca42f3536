package dev.datashard.acid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.hadoop.HadoopTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writer processes die by SIGKILL, over and over, at random moments and at each step of a
 * commit, while others keep committing. After every kill the table loads, every acknowledged
 * commit is in it exactly once, nothing half-committed is visible; at the end, what the killed
 * writers left behind is only orphans, and removing them harms nothing.
 */
class CrashTest {
  static final int SLOTS = 3;
  static final int ROWS = 5;
  /**
   * Writers pause between commits: this test is about kills, not contention (ContentionTest).
   * Committing back to back, three writers made 700-1,600 snapshots per run, and a freshly started
   * writer JVM (after a kill) could lose 50 races in a row against warm ones on that much history.
   */
  static final int PACE_MILLIS = 100;
  /** A kill at a random moment, or at one step of a commit (see {@link PhaseStorage}). */
  static final List<String> KINDS = List.of("random", "data", "manifest", "manifest-list", "publish", "published");

  @TempDir Path dir;
  @RegisterExtension final WriterProcesses fixture = new WriterProcesses();

  @Test
  void killedWritersOnLocalDisk() throws Exception {
    String table = dir.resolve("warehouse").resolve("crashed").toString();
    Map<String, String> env = Stores.local();
    try (DataShard shard = DataShard.open(StorageConfig.fromEnvironment(env), fixture.allocator())) {
      shard.createTable(table, AcidWriter.SCHEMA);
      TableAudit.Result audit = crash("local", env, shard, table, 30, 4242);
      org.apache.iceberg.Table iceberg = new HadoopTables(new Configuration()).load(shard.loadTable(table).location());
      assertThat(iceberg.currentSnapshot().snapshotId()).isEqualTo(audit.snapshots().get(audit.snapshots().size() - 1).snapshotId());
      assertThat(iceberg.currentSnapshot().summary().get("total-records")).isEqualTo(Long.toString(audit.totalRecords()));
    }
  }

  @Test
  void killedWritersOnS3() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket("crashes");
      Map<String, String> env = Stores.s3(server.endpoint(), "crashes", "acid");
      try (DataShard shard = DataShard.open(StorageConfig.fromEnvironment(env), fixture.allocator())) {
        shard.createTable("crashed", AcidWriter.SCHEMA);
        crash("S3", env, shard, "crashed", 12, 777);
      }
    }
  }

  /** A killed writer: what it had acknowledged, and the commit it was stopped in (when armed). */
  record Kill(String writer, String kind, long lastAcked, Long pausedSeq) {}

  private TableAudit.Result crash(String store, Map<String, String> env, DataShard shard, String table, int kills,
      long seed) throws Exception {
    Random random = new Random(seed);
    long started = System.nanoTime();
    WriterProcess[] slots = new WriterProcess[SLOTS];
    int[] incarnations = new int[SLOTS];
    Function<Integer, WriterProcess> launch = slot -> {
      WriterProcess p = WriterProcess.start(dir, env, table, "s" + slot + "i" + incarnations[slot]++, 1_000_000, ROWS,
          "--autostart", "--pace-ms", Integer.toString(PACE_MILLIS));
      fixture.processes().add(p);
      return p;
    };
    for (int s = 0; s < SLOTS; s++) {
      slots[s] = launch.apply(s);
    }
    TableAudit auditor = new TableAudit(shard, table, ROWS);
    List<Kill> killed = new ArrayList<>();
    Map<String, Integer> killsByKind = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    long audits = 0;
    long rowsChecked = 0;
    for (int round = 0; round < kills; round++) {
      if (round % KINDS.size() == 0) {
        order = new ArrayList<>(KINDS);
        java.util.Collections.shuffle(order, random);
      }
      String kind = order.get(round % KINDS.size());
      int slot = round % SLOTS;
      WriterProcess victim = slots[slot];
      int othersBefore = othersAcks(slots, slot);
      Long pausedSeq = null;
      if (kind.equals("random")) {
        // Once the writer commits (so the moment falls in its commits, not its JVM's start).
        victim.awaitAcks(1, Duration.ofSeconds(90));
        Thread.sleep(random.nextInt(1_500));
      } else {
        victim.pauseAt(PhaseStorage.Phase.of(kind), victim.lastAckedSeq() + 1);
        pausedSeq = victim.awaitPause(Duration.ofSeconds(90)).seq();
        Thread.sleep(random.nextInt(20));
      }
      victim.kill();
      killed.add(new Kill(victim.writer(), kind, victim.lastAckedSeq(), pausedSeq));
      killsByKind.merge(kind, 1, Integer::sum);
      slots[slot] = launch.apply(slot);

      // After each kill: the table loads and holds every acknowledged commit once, whole.
      Set<TableAudit.Batch> acknowledged = acknowledged();
      TableAudit.Result audit = auditor.run(round % 3 == 2, fixture.allocator());
      audits++;
      rowsChecked += audit.rowsChecked();
      checkAgainstAcks(audit, acknowledged, killed, "after kill " + (round + 1) + " (" + kind + " of " + victim.writer() + ")");

      // ... and the other writers keep committing.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (othersAcks(slots, slot) <= othersBefore) {
        assertThat(System.nanoTime()).as("other writers commit after kill " + (round + 1)).isLessThan(deadline);
        Thread.sleep(20);
      }
    }
    for (WriterProcess p : slots) {
      p.stop();
    }
    for (WriterProcess p : slots) {
      assertThat(p.awaitExit(Duration.ofMinutes(2))).as(p.diagnostics()).isZero();
      assertThat(p.failures()).isEmpty();
    }
    long finished = System.nanoTime();

    Set<TableAudit.Batch> acknowledged = acknowledged();
    TableAudit.Result audit = auditor.run(true, fixture.allocator());
    rowsChecked += audit.rowsChecked();
    checkAgainstAcks(audit, acknowledged, killed, "at the end");
    // Killed writers' leftovers are orphans only; deleting them leaves the same table.
    TableAudit.Orphans orphans = TableAudit.checkOrphans(shard, table, audit);
    List<String> removed = shard.loadTable(table).removeOrphanFiles(System.currentTimeMillis() + 1_000, false);
    assertThat(removed).containsExactlyInAnyOrderElementsOf(orphans.files());
    TableAudit.Result afterCleanup = new TableAudit(shard, table, ROWS).run(true, fixture.allocator());
    rowsChecked += afterCleanup.rowsChecked();
    assertThat(afterCleanup.batches()).isEqualTo(audit.batches());
    assertThat(afterCleanup.snapshots()).isEqualTo(audit.snapshots());

    int processCount = fixture.processes().size();
    Map<String, Integer> leftByKills = new TreeMap<>(orphans.byKind());
    Integer expiredVersions = leftByKills.remove("metadata version out of the log");
    long committedUnacknowledged = audit.batches().stream().filter(b -> !acknowledged.contains(b)).count();
    Figures.record("crashes " + store, kills + " SIGKILLs " + new TreeMap<>(killsByKind) + " across " + processCount
        + " writer processes (" + SLOTS + " at a time); " + acknowledged.size() + " acknowledged commits all present once, "
        + committedUnacknowledged + " commits published by writers killed before acknowledging; " + audit.snapshots().size()
        + " snapshots in one linear chain; " + (audits + 2) + " audits, " + rowsChecked + " rows checked; orphans left by kills "
        + leftByKills + " (+ " + (expiredVersions == null ? 0 : expiredVersions) + " metadata versions out of the log; "
        + "all removed, table unchanged); " + Figures.ratio((finished - started) / 1e9) + " s");
    return audit;
  }

  private int othersAcks(WriterProcess[] slots, int except) {
    int count = 0;
    for (WriterProcess p : fixture.processes()) {
      if (p != slots[except]) {
        count += p.ackCount();
      }
    }
    return count;
  }

  private Set<TableAudit.Batch> acknowledged() {
    Set<TableAudit.Batch> acks = new HashSet<>();
    fixture.processes().forEach(p -> acks.addAll(TableAudit.batches(p.acks())));
    return acks;
  }

  /**
   * Every acknowledged commit (as of before the audit) is present; every present commit was
   * acknowledged, or is the one commit a writer was in when it was killed (or is in now); commits
   * killed before their publish are absent, those killed after it present.
   */
  private void checkAgainstAcks(TableAudit.Result audit, Set<TableAudit.Batch> acknowledgedBefore, List<Kill> killed,
      String when) {
    assertThat(audit.batches()).as("acknowledged commits present " + when).containsAll(acknowledgedBefore);
    Set<TableAudit.Batch> allowed = new HashSet<>(acknowledged());
    Map<String, Kill> kills = new LinkedHashMap<>();
    killed.forEach(k -> kills.put(k.writer(), k));
    for (WriterProcess p : fixture.processes()) {
      Kill kill = kills.get(p.writer());
      allowed.add(new TableAudit.Batch(p.writer(), (kill != null ? kill.lastAcked() : p.lastAckedSeq()) + 1));
    }
    assertThat(allowed).as("commits present " + when + " were acknowledged or in flight").containsAll(audit.batches());
    for (Kill kill : killed) {
      if (kill.pausedSeq() != null) {
        TableAudit.Batch batch = new TableAudit.Batch(kill.writer(), kill.pausedSeq());
        if (kill.kind().equals("published")) {
          assertThat(audit.batches()).as(when + ": " + batch + ", killed after its publish, is committed").contains(batch);
        } else {
          assertThat(audit.batches()).as(when + ": " + batch + ", killed at " + kill.kind() + ", never appears")
              .doesNotContain(batch);
        }
      }
    }
  }
}
