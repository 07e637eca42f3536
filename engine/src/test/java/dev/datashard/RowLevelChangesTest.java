package dev.datashard;

import static dev.datashard.LocalWarehouse.appendIds;
import static dev.datashard.LocalWarehouse.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.io.local.LocalStorage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Row-level deletes, overwrites and compaction on local tables (copy-on-write). */
class RowLevelChangesTest {
  static final Schema EVENTS = Schema.fromJson("""
      {"fields": [{"id": 1, "name": "id", "type": "long", "required": true},
      {"id": 2, "name": "score", "type": "int", "required": false},
      {"id": 3, "name": "region", "type": "string", "required": false}]}""");

  private RacingStorage store;
  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse(
      root -> store = new RacingStorage(new LocalStorage(root, false)));

  @Test
  void deleteRewritesOnlyTheFilesWhereSomeRowsMatch() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS);
    appendIds(table, 1, 2, 3, 4, 5);
    appendIds(table, 6, 7, 8, 9, 10);
    List<String> before = locations(table);

    Snapshot snapshot = table.newDelete().where(Expression.parse("id > 7")).commit().orElseThrow();

    assertThat(ids(table)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    // The file of 1..5 had no match: it is kept as it was; the other one is replaced.
    assertThat(locations(table)).hasSize(2);
    assertThat(locations(table).stream().filter(before::contains)).hasSize(1);
    assertThat(snapshot.summary()).containsEntry("operation", "overwrite")
        .containsEntry("deleted-data-files", "1").containsEntry("added-data-files", "1")
        .containsEntry("deleted-records", "5").containsEntry("added-records", "2")
        .containsEntry("total-records", "7").containsEntry("total-data-files", "2");
    assertThat(table.newScan().rowCount()).isEqualTo(7);
  }

  @Test
  void aFileEveryRowOfWhichMatchesGoesInMetadataOnly() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS);
    appendIds(table, 1, 2, 3);
    appendIds(table, 10, 11);

    Snapshot snapshot = table.newDelete().where(Expression.parse("id >= 10")).commit().orElseThrow();

    assertThat(snapshot.summary()).containsEntry("operation", "delete").containsEntry("deleted-data-files", "1")
        .doesNotContainKey("added-data-files").containsEntry("total-records", "3");
    assertThat(ids(table)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aComparisonWithNullNeverDeletesTheRow() {
    Table table = warehouse.shard().createTable("events", EVENTS);
    table.appendRecords(List.of(row(1, 5, "eu"), row(2, null, "us"), row(3, 50, null), row(4, 7, "eu")));

    table.newDelete().where(Expression.parse("score < 10")).commit().orElseThrow();
    assertThat(ids(table)).containsExactly(2L, 3L);

    table.newDelete().where(Expression.parse("region != 'eu'")).commit().orElseThrow();
    assertThat(ids(table)).containsExactly(3L);
  }

  @Test
  void aDeleteMatchingNothingCommitsNothing() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS);
    appendIds(table, 1, 2, 3);
    long snapshots = table.snapshots().size();

    assertThat(table.newDelete().where(Expression.parse("id > 100")).commit()).isEmpty();
    assertThat(table.refresh().snapshots()).hasSize((int) snapshots);
  }

  @Test
  void aDeleteNeedsAFilterAndKnownColumns() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS);
    appendIds(table, 1);
    assertThatThrownBy(() -> table.newDelete().commit()).isInstanceOf(ValidationException.class)
        .hasMessageContaining("needs a filter");
    assertThatThrownBy(() -> table.newDelete().where(Expression.parse("nope = 1")).commit())
        .isInstanceOf(ValidationException.class).hasMessageContaining("nope");
    assertThat(ids(table)).containsExactly(1L);
  }

  @Test
  void overwriteDeletesWhatMatchesAndAppendsInOneSnapshot() {
    Table table = warehouse.shard().createTable("events", EVENTS);
    table.appendRecords(List.of(row(1, 1, "eu"), row(2, 1, "us"), row(3, 2, "eu")));

    // Re-ingesting day 1 twice leaves one copy of it.
    for (int run = 0; run < 2; run++) {
      try (Transaction overwrite = table.newOverwrite(Expression.parse("score = 1"))) {
        overwrite.appendRecords(List.of(row(10, 1, "eu"), row(11, 1, "eu")));
        Snapshot snapshot = overwrite.commit().orElseThrow();
        assertThat(snapshot.summary()).containsEntry("operation", "overwrite");
      }
    }
    assertThat(ids(table)).containsExactly(3L, 10L, 11L);
    assertThat(table.currentSnapshot().orElseThrow().summary()).containsEntry("total-records", "3");
  }

  @Test
  void compactionBinPacksSmallFilesWithoutChangingARow() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS);
    for (long i = 0; i < 30; i++) {
      appendIds(table, i * 10, i * 10 + 1);
    }
    assertThat(locations(table)).hasSize(30);
    List<Long> before = ids(table);

    Compaction.Result result = table.rewriteDataFiles().commit();

    assertThat(result.rewrittenDataFiles()).isEqualTo(30);
    assertThat(result.addedDataFiles()).isEqualTo(1);
    assertThat(result.snapshot().orElseThrow().summary()).containsEntry("operation", "replace")
        .containsEntry("deleted-data-files", "30").containsEntry("added-data-files", "1")
        .containsEntry("total-records", "60").containsEntry("total-data-files", "1");
    assertThat(ids(table)).isEqualTo(before);
    assertThat(locations(table)).hasSize(1);
    // Nothing left to do: no new snapshot.
    assertThat(table.rewriteDataFiles().commit().snapshot()).isEmpty();
  }

  @Test
  void compactionHonoursTheTargetSize() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS);
    // Random ids: the size of the written files is then about the size of the values.
    Random random = new Random(7);
    for (int i = 0; i < 8; i++) {
      table.appendRecords(LongStream.range(0, 20_000).mapToObj(n -> Map.<String, Object>of("id", random.nextLong()))
          .toList());
    }
    long fileSize = table.newScan().files().get(0).fileSizeBytes();

    Compaction.Result result = table.rewriteDataFiles().targetSizeBytes(fileSize * 3).commit();

    assertThat(result.rewrittenDataFiles()).isEqualTo(8);
    assertThat(result.addedDataFiles()).isBetween(2, 4);
    assertThat(ids(table)).hasSize(160_000).doesNotHaveDuplicates();
  }

  @Test
  void mergeOnReadWritesPositionDeletesAndCompactionAppliesThem() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS, Map.of("write.delete.mode", "merge-on-read"));
    appendIds(table, 1, 2, 3, 4, 5, 6);
    appendIds(table, 7, 8);
    List<String> dataFiles = locations(table);

    Snapshot first = table.newDelete().where(Expression.parse("id in (2, 4)")).commit().orElseThrow();

    assertThat(first.summary()).containsEntry("operation", "delete").containsEntry("added-delete-files", "1")
        .containsEntry("added-position-deletes", "2").containsEntry("total-position-deletes", "2")
        .containsEntry("total-records", "8").doesNotContainKey("deleted-data-files");
    assertThat(locations(table)).isEqualTo(dataFiles);
    assertThat(ids(table)).containsExactly(1L, 3L, 5L, 6L, 7L, 8L);
    assertThat(table.newScan().rowCount()).isEqualTo(6);
    // Rows a delete file removed already are not deleted twice; a file whose live rows all match goes whole.
    Snapshot second = table.newDelete().where(Expression.parse("id <= 4 or id >= 7")).commit().orElseThrow();
    assertThat(second.summary()).containsEntry("added-position-deletes", "2").containsEntry("deleted-data-files", "1");
    assertThat(ids(table)).containsExactly(5L, 6L);

    Compaction.Result compacted = table.rewriteDataFiles().commit();

    assertThat(compacted.rewrittenDataFiles()).isEqualTo(1);
    assertThat(compacted.removedDeleteFiles()).isEqualTo(2);
    assertThat(compacted.snapshot().orElseThrow().summary()).containsEntry("total-delete-files", "0")
        .containsEntry("total-position-deletes", "0").containsEntry("total-records", "2");
    assertThat(ids(table)).containsExactly(5L, 6L);
  }

  @Test
  void aDeleteThatLosesToAnAppendKeepsTheAppendedRows() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS);
    appendIds(table, 1, 2, 3);
    rival(other -> appendIds(other, 2, 20));

    Snapshot snapshot = table.newDelete().where(Expression.parse("id = 2")).commit().orElseThrow();

    // Rows appended after the delete read the table are not its to delete (snapshot isolation).
    assertThat(ids(table.refresh())).containsExactly(1L, 2L, 3L, 20L);
    assertThat(snapshot.summary()).containsEntry("total-records", "4").containsEntry("total-data-files", "2");
  }

  @Test
  void aCompactionThatLosesToAnAppendKeepsTheAppendedRows() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS);
    appendIds(table, 1);
    appendIds(table, 2);
    rival(other -> appendIds(other, 3));

    Compaction.Result result = table.rewriteDataFiles().commit();

    assertThat(result.rewrittenDataFiles()).isEqualTo(2);
    assertThat(ids(table.refresh())).containsExactly(1L, 2L, 3L);
    assertThat(table.newScan().files()).hasSize(2);
  }

  @Test
  void ofTwoDeletesOfTheSameFileOneWinsAndTheOtherFailsChangingNothing() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS);
    appendIds(table, 1, 2, 3, 4);
    rival(other -> other.newDelete().where(Expression.parse("id = 1")).commit().orElseThrow());
    long filesBefore = LocalWarehouse.filesBelow(warehouse.root()).size();

    assertThatThrownBy(() -> table.newDelete().where(Expression.parse("id = 4")).commit())
        .isInstanceOf(CommitFailedException.class).hasMessageContaining("conflicts with a concurrent commit");

    assertThat(ids(table.refresh())).containsExactly(2L, 3L, 4L);
    // The loser's rewritten file was deleted again; the winner's files and metadata remain.
    assertThat(LocalWarehouse.filesBelow(warehouse.root()).size()).isGreaterThan((int) filesBefore);
    assertThat(table.newScan().files()).hasSize(1);
  }

  @Test
  void aCompactionFailsWhenDeletesForItsFilesLandedMeanwhile() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS, Map.of("write.delete.mode", "merge-on-read"));
    appendIds(table, 1, 2, 3);
    appendIds(table, 4, 5, 6);
    // The rival's position deletes name a file the compaction is rewriting: its rows would come back.
    rival(other -> other.newDelete().where(Expression.parse("id = 2")).commit().orElseThrow());

    assertThatThrownBy(() -> table.rewriteDataFiles().commit()).isInstanceOf(CommitFailedException.class)
        .hasMessageContaining("conflicts with delete file");

    assertThat(ids(table.refresh())).containsExactly(1L, 3L, 4L, 5L, 6L);
    assertThat(table.currentSnapshot().orElseThrow().summary()).containsEntry("operation", "delete");
  }

  @Test
  void aMergeOnReadDeleteFailsWhenACompactionRewroteItsFileMeanwhile() {
    Table table = warehouse.shard().createTable("ids", LocalWarehouse.IDS, Map.of("write.delete.mode", "merge-on-read"));
    appendIds(table, 1, 2, 3);
    appendIds(table, 4, 5, 6);
    rival(other -> other.rewriteDataFiles().commit().snapshot().orElseThrow());

    // Its deletes would name a file no longer in the table, and delete nothing.
    assertThatThrownBy(() -> table.newDelete().where(Expression.parse("id = 2")).commit())
        .isInstanceOf(CommitFailedException.class).hasMessageContaining("conflicts with a concurrent commit");

    assertThat(ids(table.refresh())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(table.newScan().files()).hasSize(1);
  }

  /** Commits {@code change} through a second DataShard just before this one's next publish. */
  private void rival(java.util.function.Consumer<Table> change) {
    store.beforeNextPublish(() -> {
      try (DataShard other = warehouse.openAnother()) {
        change.accept(other.loadTable("ids"));
      }
    });
  }

  private static List<String> locations(Table table) {
    return table.refresh().newScan().files().stream().map(f -> f.location()).toList();
  }

  private static Map<String, Object> row(long id, Integer score, String region) {
    Map<String, Object> row = new HashMap<>();
    row.put("id", id);
    row.put("score", score);
    row.put("region", region);
    return row;
  }
}
