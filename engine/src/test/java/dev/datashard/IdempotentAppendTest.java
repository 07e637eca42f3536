package dev.datashard;

import static dev.datashard.LocalWarehouse.IDS;
import static dev.datashard.LocalWarehouse.appendIds;
import static dev.datashard.LocalWarehouse.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.commit.IdempotencyKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Appends with an idempotency key land exactly once, however often they are retried. */
class IdempotentAppendTest {
  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();
  /** Its store holds back the publish of every table's v3 and reports it unanswered. */
  @RegisterExtension final LocalWarehouse unanswered = new LocalWarehouse(LateCommitTest.LateStorage::new);

  private static Optional<Snapshot> appendWithKey(Table table, String key, long... ids) {
    try (Transaction tx = table.newTransaction().idempotencyKey(key)) {
      for (long id : ids) {
        tx.appendRecords(List.of(Map.of("id", id)));
      }
      return tx.commit();
    }
  }

  private List<String> dataFiles() {
    return LocalWarehouse.filesBelow(warehouse.root().resolve("t/data")).stream().map(Object::toString).toList();
  }

  @Test
  void aSecondAppendWithTheSameKeyCommitsNothingAndLeavesNoFiles() {
    Table table = warehouse.shard().createTable("t", IDS);
    Snapshot first = appendWithKey(table, "batch-1", 1, 2).orElseThrow();
    assertThat(first.summary()).containsEntry(Snapshot.IDEMPOTENCY_KEY, "batch-1");
    List<String> filesAfterFirst = dataFiles();

    try (Transaction retry = table.newTransaction().idempotencyKey("batch-1")) {
      retry.appendRecords(List.of(Map.of("id", 1L), Map.of("id", 2L)));
      assertThat(retry.commit()).isEmpty();
      assertThat(retry.earlierCommit()).hasValue(first.snapshotId());
    }
    assertThat(ids(table.refresh())).containsExactly(1L, 2L);
    assertThat(table.snapshots()).hasSize(1);
    assertThat(dataFiles()).as("the retry's data file is deleted").isEqualTo(filesAfterFirst);

    assertThat(appendWithKey(table, "batch-2", 3)).isPresent();
    assertThat(ids(table.refresh())).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aStaleHandleLosingTheRaceFindsTheKeyInTheWinnersCommit() {
    Table first = warehouse.shard().createTable("t", IDS);
    try (DataShard other = warehouse.openAnother()) {
      Table stale = other.loadTable("t");
      Snapshot landed = appendWithKey(first, "job-7", 1).orElseThrow();
      // The stale handle has not seen the commit: its first publish fails, and its retry finds the key.
      assertThat(stale.idempotencyKeyCommit("job-7")).isEmpty();
      try (Transaction tx = stale.newTransaction().idempotencyKey("job-7")) {
        tx.appendRecords(List.of(Map.of("id", 1L)));
        assertThat(tx.commit()).isEmpty();
        assertThat(tx.earlierCommit()).hasValue(landed.snapshotId());
        assertThat(tx.commitAttempts()).isEqualTo(2);
      }
      assertThat(ids(stale.refresh())).containsExactly(1L);
    }
  }

  /** The commit gives up without an answer; the same append is retried whether or not the lost PUT lands. */
  @Test
  void aRetryAfterAnAmbiguousCommitNeverDuplicates() {
    LateCommitTest.LateStorage storage = (LateCommitTest.LateStorage) unanswered.shard().storage();
    Table table = unanswered.shard().createTable("t", IDS, Map.of("commit.retry.num-retries", "0"));
    appendIds(table, 1); // v2; the next publish, v3, gets no answer and is held back
    assertThatThrownBy(() -> appendWithKey(table, "late", 2)).isInstanceOf(AmbiguousCommitException.class);
    storage.deliver(); // the lost PUT lands after all
    assertThat(appendWithKey(table.refresh(), "late", 2)).isEmpty();
    assertThat(ids(table.refresh())).containsExactly(1L, 2L);
  }

  @Test
  void aRetryAfterAnAmbiguousCommitWhosePutNeverLandsAppendsOnce() {
    LateCommitTest.LateStorage storage = (LateCommitTest.LateStorage) unanswered.shard().storage();
    Table table = unanswered.shard().createTable("t", IDS, Map.of("commit.retry.num-retries", "0"));
    appendIds(table, 1);
    assertThatThrownBy(() -> appendWithKey(table, "late", 2)).isInstanceOf(AmbiguousCommitException.class);
    assertThat(appendWithKey(table.refresh(), "late", 2)).isPresent(); // takes v3
    storage.deliver(); // too late: v3 is taken, the held PUT cannot land
    assertThat(ids(table.refresh())).containsExactly(1L, 2L);
  }

  @Test
  void keysOutliveExpiryForTheirWindowAndRolledBackKeysAreFree() throws InterruptedException {
    Table table = warehouse.shard().createTable("t", IDS);
    Snapshot keyed = appendWithKey(table, "k1", 1).orElseThrow();
    Snapshot next = appendWithKey(table, "k2", 2).orElseThrow();
    Thread.sleep(5);
    table.expireSnapshots(System.currentTimeMillis(), 1);
    assertThat(table.snapshot(keyed.snapshotId())).isEmpty();
    assertThat(table.properties()).containsKey(IdempotencyKeys.EXPIRED_KEYS);
    assertThat(table.idempotencyKeyCommit("k1")).hasValue(keyed.snapshotId());
    assertThat(appendWithKey(table, "k1", 1)).isEmpty();

    // A window of 0 hours: the next expiry forgets the key, and the same key appends again.
    table.setProperties(Map.of("datashard.idempotency.retention-hours", "0"));
    table.expireSnapshots(System.currentTimeMillis(), 1);
    assertThat(table.idempotencyKeyCommit("k1")).isEmpty();
    assertThat(table.properties()).doesNotContainKey(IdempotencyKeys.EXPIRED_KEYS);

    // Rolled back, k2's rows are no longer in the table: its key is free again.
    Snapshot third = appendWithKey(table, "k3", 3).orElseThrow();
    table.rollback(next.snapshotId());
    assertThat(table.idempotencyKeyCommit("k3")).isEqualTo(OptionalLong.empty());
    assertThat(appendWithKey(table, "k3", 3)).isPresent();
    assertThat(third.summary()).containsEntry(Snapshot.IDEMPOTENCY_KEY, "k3");
    assertThat(ids(table.refresh())).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aBlankKeyIsRefused() {
    Table table = warehouse.shard().createTable("t", IDS);
    try (Transaction tx = table.newTransaction()) {
      assertThatThrownBy(() -> tx.idempotencyKey(" ")).isInstanceOf(ValidationException.class)
          .hasMessageContaining("idempotency key");
    }
  }
}
