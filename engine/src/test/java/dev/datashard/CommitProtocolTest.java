package dev.datashard;

import static dev.datashard.LocalWarehouse.IDS;
import static dev.datashard.LocalWarehouse.appendIds;
import static dev.datashard.LocalWarehouse.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.commit.TableOperations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The commit protocol's invariant: a metadata version number is never published twice, whatever
 * retention, orphan removal or dropping did, so an acknowledged commit never vanishes and no
 * writer commits on a stale base.
 */
class CommitProtocolTest {
  private static final Map<String, String> KEEP_ONE_OLD_VERSION = Map.of(
      "write.metadata.delete-after-commit.enabled", "true", "write.metadata.previous-versions-max", "1");

  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();
  private Path dir;
  private DataShard shard;

  @BeforeEach
  void open() {
    dir = warehouse.root();
    shard = warehouse.shard();
  }

  private Path metadata(String table) {
    return dir.resolve(table).resolve("metadata");
  }

  @Test
  void createRefusesATableWhoseFirstVersionsRetentionRemoved() throws IOException {
    Table table = shard.createTable("t", IDS, KEEP_ONE_OLD_VERSION);
    appendIds(table, 1);
    appendIds(table, 2);
    assertThat(TableOperations.isRetired(Files.readAllBytes(metadata("t").resolve("v1.metadata.json"))))
        .as("v1 is retired, not deleted").isTrue();

    assertThatThrownBy(() -> shard.createTable("t", IDS)).isInstanceOf(TableExistsException.class);
    assertThat(ids(shard.loadTable("t"))).containsExactly(1L, 2L);
    appendIds(shard.loadTable("t"), 3);
    assertThat(ids(shard.loadTable("t"))).containsExactly(1L, 2L, 3L);
  }

  @Test
  void createRefusesATableWhoseOldMetadataOrphanRemovalTook() {
    Table table = shard.createTable("t", IDS, Map.of("write.metadata.previous-versions-max", "1"));
    appendIds(table, 1);
    appendIds(table, 2);
    appendIds(table, 3);
    List<String> removed = table.removeOrphanFiles(System.currentTimeMillis() + 60_000, false);
    assertThat(removed).anySatisfy(f -> assertThat(f).endsWith("/v1.metadata.json"));

    assertThatThrownBy(() -> shard.createTable("t", IDS)).isInstanceOf(TableExistsException.class);
    assertThat(ids(shard.loadTable("t"))).containsExactly(1L, 2L, 3L);
  }

  @Test
  void anEmptyNewestVersionIsDamageNotRetirement() throws IOException {
    Table table = shard.createTable("t", IDS);
    appendIds(table, 1);
    Files.write(metadata("t").resolve("v2.metadata.json"), new byte[0]);
    try (DataShard other = warehouse.openAnother()) {
      assertThatThrownBy(() -> other.loadTable("t")).isInstanceOf(DataShardException.class)
          .hasMessageContaining("v2.metadata.json");
    }
  }

  @Test
  void createRefusesAnyTraceOfATable() throws IOException {
    Files.createDirectories(metadata("hinted"));
    Files.writeString(metadata("hinted").resolve("version-hint.text"), "7");
    assertThatThrownBy(() -> shard.createTable("hinted", IDS)).isInstanceOf(TableExistsException.class);

    Files.createDirectories(metadata("later"));
    Files.writeString(metadata("later").resolve("v5.metadata.json"), "{}");
    assertThatThrownBy(() -> shard.createTable("later", IDS)).isInstanceOf(TableExistsException.class);

    Files.createDirectories(dir.resolve("data-only/data"));
    Files.writeString(dir.resolve("data-only/data/part-0.parquet"), "x");
    assertThatThrownBy(() -> shard.createTable("data-only", IDS)).isInstanceOf(TableExistsException.class);
    assertThat(metadata("data-only")).doesNotExist();
  }

  @Test
  void aLongLivedHandleSeesPastRetiredVersionsAndItsCommitIsNeverHidden() {
    Table longLived = shard.createTable("t", IDS, KEEP_ONE_OLD_VERSION);
    appendIds(longLived, 1);
    try (DataShard other = warehouse.openAnother()) {
      Table busy = other.loadTable("t");
      for (long id = 2; id <= 6; id++) {
        appendIds(busy, id);
      }
    }
    // longLived's base is v2; v3 is retired and the newest is v7.
    Snapshot appended = appendIds(longLived, 7);
    Table fresh = shard.loadTable("t");
    assertThat(fresh.currentSnapshot()).contains(appended);
    assertThat(ids(fresh)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void aHandleFindsNewerVersionsWhenAnotherEngineDeletedItsSuccessor() throws IOException {
    Table longLived = shard.createTable("t", IDS);
    appendIds(longLived, 1);
    try (DataShard other = warehouse.openAnother()) {
      Table busy = other.loadTable("t");
      appendIds(busy, 2);
      appendIds(busy, 3);
    }
    // As Iceberg's own metadata clean-up does: the file is gone, not retired.
    Files.delete(metadata("t").resolve("v3.metadata.json"));
    assertThat(ids(longLived.refresh())).containsExactly(1L, 2L, 3L);
    appendIds(longLived, 4);
    assertThat(ids(shard.loadTable("t"))).containsExactly(1L, 2L, 3L, 4L);
    assertThat(metadata("t").resolve("v3.metadata.json")).doesNotExist();
  }

  @Test
  void aHandleOfADroppedTableNeverCommitsIntoTheTableCreatedInItsPlace() {
    Table dropped = shard.createTable("t", IDS);
    appendIds(dropped, 1);
    appendIds(dropped, 2);
    try (DataShard other = warehouse.openAnother()) {
      assertThat(other.dropTable("t")).isTrue();
      assertThat(other.tableExists("t")).isFalse();
      Table recreated = other.createTable("t", IDS);
      assertThat(recreated.metadataFile()).endsWith("/v4.metadata.json");
      appendIds(recreated, 10);
    }
    assertThatThrownBy(() -> appendIds(dropped, 3)).isInstanceOf(NoSuchTableException.class)
        .hasMessageContaining("was dropped");
    assertThat(ids(shard.loadTable("t"))).containsExactly(10L);
  }

  @Test
  void dropSparesATableNestedInItsDirectory() {
    appendIds(shard.createTable("sales", IDS), 1);
    appendIds(shard.createTable("sales/2024", IDS), 2);
    assertThat(shard.dropTable("sales")).isTrue();
    assertThat(ids(shard.loadTable("sales/2024"))).containsExactly(2L);
    appendIds(shard.createTable("sales", IDS), 3);
    assertThat(ids(shard.loadTable("sales"))).containsExactly(3L);
  }
}
