package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.io.AmbiguousWriteException;
import dev.datashard.io.ForwardingStorage;
import dev.datashard.io.local.LocalStorage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit whose publish got no answer, and whose PUT reaches the store only later: the table
 * must stay whole whichever way the commit ends.
 */
class LateCommitTest {
  static final Schema SCHEMA = Schema.fromJson("""
      {"schema_id": 1, "fields": [{"id": 1, "name": "id", "type": "long", "required": true}]}""");

  @TempDir Path warehouse;

  /** Local storage whose publishes of one file get "no answer" and are held back until delivered. */
  static final class LateStorage extends ForwardingStorage {
    String heldFile;
    byte[] held;
    boolean deliverOnNextPublish;

    LateStorage(Path base) {
      super(new LocalStorage(base, false));
    }

    void deliver() {
      delegate.publish(heldFile, held);
      heldFile = null;
    }

    @Override
    public boolean publish(String location, byte[] data) {
      if (location.endsWith("/v3.metadata.json") && heldFile == null && held == null) {
        heldFile = location;
        held = data;
        throw new AmbiguousWriteException(location, null);
      }
      if (deliverOnNextPublish && location.equals(heldFile)) {
        deliver();
      }
      return delegate.publish(location, data);
    }
  }

  private static List<Map<String, Object>> rows(long id) {
    Map<String, Object> row = new HashMap<>();
    row.put("id", id);
    return List.of(row);
  }

  @Test
  void aRetryThatLosesToItsOwnLatePublishKeepsThePublishedManifestList() {
    LateStorage storage = new LateStorage(warehouse);
    storage.deliverOnNextPublish = true;
    try (DataShard shard = DataShard.open(storage)) {
      Table table = shard.createTable("t", SCHEMA);
      table.appendRecords(rows(1));
      Snapshot snapshot = table.appendRecords(rows(2)).orElseThrow();
      assertThat(snapshot.manifestList()).contains("-1-"); // the first attempt's, landed late
      Table reloaded = shard.loadTable("t");
      assertThat(reloaded.snapshots()).hasSize(2);
      assertThat(reloaded.newScan().toRecords()).hasSize(2);
      assertThat(reloaded.removeOrphanFiles(System.currentTimeMillis() + 1_000, true))
          .allSatisfy(orphan -> assertThat(orphan).doesNotContain(snapshot.manifestList()));
    }
  }

  @Test
  void givingUpWithoutAnAnswerIsAmbiguousAndDeletesNothing() {
    LateStorage storage = new LateStorage(warehouse);
    try (DataShard shard = DataShard.open(storage)) {
      Table table = shard.createTable("t", SCHEMA, Map.of("commit.retry.num-retries", "0"));
      table.appendRecords(rows(1));
      assertThatThrownBy(() -> table.appendRecords(rows(2)))
          .isInstanceOf(AmbiguousCommitException.class)
          .hasMessageContaining("may still appear as version 3")
          .hasMessageContaining(Snapshot.COMMIT_ID);
      storage.deliver();
      Table reloaded = shard.loadTable("t");
      assertThat(reloaded.snapshots()).hasSize(2);
      assertThat(reloaded.newScan().toRecords()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 2L);
    }
  }

  @Test
  void aMetadataChangeWhoseLatePublishWinsItsRetryIsAppliedOnce() {
    LateStorage storage = new LateStorage(warehouse);
    storage.deliverOnNextPublish = true;
    try (DataShard shard = DataShard.open(storage)) {
      Table table = shard.createTable("t", SCHEMA);
      table.appendRecords(rows(1));
      table.setProperties(Map.of("owner", "analytics"));
      Table reloaded = shard.loadTable("t");
      assertThat(reloaded.properties()).containsEntry("owner", "analytics");
      assertThat(metadataVersions()).as("the late first publish is the change; no second version")
          .containsExactly("v1.metadata.json", "v2.metadata.json", "v3.metadata.json");
    }
  }

  @Test
  void aMetadataChangeGivingUpWithoutAnAnswerIsAmbiguous() {
    LateStorage storage = new LateStorage(warehouse);
    try (DataShard shard = DataShard.open(storage)) {
      Table table = shard.createTable("t", SCHEMA, Map.of("commit.retry.num-retries", "0"));
      table.appendRecords(rows(1));
      assertThatThrownBy(() -> table.setProperties(Map.of("owner", "analytics")))
          .isInstanceOf(AmbiguousCommitException.class)
          .hasMessageContaining("may still appear as version 3");
      storage.deliver();
      assertThat(shard.loadTable("t").properties()).containsEntry("owner", "analytics");
    }
  }

  /** Both tries at v3 lose their answer; the first one's PUT lands while the second is lost for good. */
  static final class TwiceUnansweredStorage extends ForwardingStorage {
    private byte[] firstTry;
    private int tries;

    TwiceUnansweredStorage(Path base) {
      super(new LocalStorage(base, false));
    }

    @Override
    public boolean publish(String location, byte[] data) {
      if (location.endsWith("/v3.metadata.json") && tries < 2) {
        if (++tries == 1) {
          firstTry = data;
        } else {
          delegate.publish(location, firstTry);
        }
        throw new AmbiguousWriteException(location, null);
      }
      return delegate.publish(location, data);
    }
  }

  @Test
  void aMetadataChangeRecognisesWhicheverOfItsUnansweredTriesLanded() {
    try (DataShard shard = DataShard.open(new TwiceUnansweredStorage(warehouse))) {
      Table table = shard.createTable("t", SCHEMA);
      table.appendRecords(rows(1));
      table.setProperties(Map.of("owner", "analytics"));
      assertThat(shard.loadTable("t").properties()).containsEntry("owner", "analytics");
      assertThat(metadataVersions()).containsExactly("v1.metadata.json", "v2.metadata.json", "v3.metadata.json");
    }
  }

  private java.util.List<String> metadataVersions() {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(warehouse.resolve("t/metadata"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("v\\d+\\.metadata\\.json")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
