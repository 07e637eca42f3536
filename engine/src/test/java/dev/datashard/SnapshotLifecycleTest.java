package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.commit.SnapshotExpiry;
import dev.datashard.io.StorageConfig;
import dev.datashard.metadata.TableMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotLifecycleTest {
  @TempDir Path warehouse;
  private RootAllocator allocator;
  private DataShard shard;
  private Table table;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
    shard = DataShard.open(StorageConfig.local(warehouse), allocator);
    table = shard.createTable("t", Schema.fromJson(
        "{\"fields\": [{\"id\": 1, \"name\": \"id\", \"type\": \"long\", \"required\": true}]}"));
  }

  @AfterEach
  void close() {
    shard.close();
    allocator.close();
  }

  private Snapshot append(long... ids) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (long id : ids) {
      records.add(Map.of("id", id));
    }
    return table.appendRecords(records).orElseThrow();
  }

  private List<Path> files(String dir) throws IOException {
    try (Stream<Path> files = Files.list(warehouse.resolve("t").resolve(dir))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void timeTravelReadsOldDataByIdAndByTime() throws InterruptedException {
    Snapshot first = append(1, 2);
    Thread.sleep(5);
    Snapshot second = append(3);
    assertThat(table.newScan().useSnapshot(first.snapshotId()).toRecords()).hasSize(2);
    assertThat(table.newScan().asOfTime(first.timestampMillis()).toRecords()).hasSize(2);
    assertThat(table.newScan().asOfTime(second.timestampMillis()).rowCount()).isEqualTo(3);
    assertThatThrownBy(() -> table.newScan().asOfTime(first.timestampMillis() - 1).toRecords())
        .isInstanceOf(DataShardException.class).hasMessageContaining("snapshot log begins at");
    assertThatThrownBy(() -> table.newScan().useSnapshot(42).toRecords())
        .isInstanceOf(DataShardException.class).hasMessageContaining("no snapshot 42");
  }

  @Test
  void rollbackMakesAnOlderSnapshotCurrentAndKeepsHistory() throws InterruptedException {
    Snapshot first = append(1);
    Thread.sleep(5);
    Snapshot second = append(2);
    Thread.sleep(5);
    table.rollback(first.snapshotId());
    Table reloaded = shard.loadTable("t");
    assertThat(reloaded.currentSnapshot()).contains(first);
    assertThat(reloaded.rowCount()).isEqualTo(1);
    assertThat(reloaded.newScan().asOfTime(second.timestampMillis()).rowCount()).isEqualTo(2);
    Snapshot third = append(3);
    assertThat(third.parentId()).isEqualTo(first.snapshotId());
    assertThat(shard.loadTable("t").newScan().toRecords()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 3L);
    assertThatThrownBy(() -> table.rollback(99)).hasMessageContaining("no snapshot 99");
  }

  @Test
  void expiryRemovesSnapshotsAndOnlyTheirFiles() throws IOException {
    Snapshot first = append(1);
    append(2);
    table.rollback(first.snapshotId()); // the second snapshot's data is now referenced by nothing current
    Snapshot third = append(3);
    int listsBefore = (int) files("metadata").stream().filter(p -> p.getFileName().toString().startsWith("snap-")).count();

    SnapshotExpiry.Result result = table.expireSnapshots(System.currentTimeMillis() + 1, 2);
    assertThat(result.expiredSnapshotIds()).hasSize(1);
    assertThat(result.deletedDataFiles()).isEqualTo(1);
    assertThat(result.deletedManifests()).isEqualTo(1);
    Table reloaded = shard.loadTable("t");
    assertThat(reloaded.snapshots()).extracting(Snapshot::snapshotId).containsExactly(first.snapshotId(), third.snapshotId());
    assertThat(reloaded.newScan().toRecords()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 3L);
    assertThat(files("data")).hasSize(2);
    assertThat(files("metadata").stream().filter(p -> p.getFileName().toString().startsWith("snap-")))
        .hasSize(listsBefore - 1);
    assertThat(table.expireSnapshots().expiredSnapshotIds()).as("nothing is 5 days old").isEmpty();
  }

  @Test
  void asOfTimeAfterRollbackAndExpiryNeverAnswersWithAStateTheTableWasNotIn() throws InterruptedException {
    Snapshot first = append(1);
    Thread.sleep(5);
    Snapshot second = append(2);
    Thread.sleep(5);
    table.rollback(first.snapshotId());
    long rolledBackAt = table.metadata().snapshotLog().get(2).timestampMillis();
    Thread.sleep(5);
    Snapshot third = append(3);

    table.expireSnapshots(System.currentTimeMillis() + 1, 2); // the second snapshot goes
    Table reloaded = shard.loadTable("t");
    // At the second's time the table held rows 1 and 2; with its log entry gone, that state is
    // unknown, and so is everything before it.
    assertThat(reloaded.metadata().snapshotLog()).extracting(TableMetadata.LogEntry::snapshotId)
        .containsExactly(first.snapshotId(), third.snapshotId());
    for (long before : new long[] {second.timestampMillis(), first.timestampMillis(), rolledBackAt - 1}) {
      assertThatThrownBy(() -> reloaded.newScan().asOfTime(before).rowCount())
          .isInstanceOf(DataShardException.class)
          .hasMessageContaining("snapshot log begins at " + Instant.ofEpochMilli(rolledBackAt));
    }
    assertThat(reloaded.newScan().asOfTime(rolledBackAt).rowCount()).isEqualTo(1);
    assertThat(reloaded.newScan().asOfTime(third.timestampMillis()).rowCount()).isEqualTo(2);
  }

  @Test
  void expiryWhileWritersCommitLosesNoRow() throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        long writer = w;
        running.add(writers.submit(() -> {
          for (int i = 0; i < 15; i++) {
            append(writer * 1000 + i);
          }
        }));
      }
      for (int round = 0; round < 5; round++) {
        table.expireSnapshots(System.currentTimeMillis(), 1);
      }
      for (Future<?> f : running) {
        f.get();
      }
    } finally {
      writers.shutdown();
    }
    table.expireSnapshots(System.currentTimeMillis(), 1);
    Table reloaded = shard.loadTable("t");
    assertThat(reloaded.snapshots()).hasSize(1);
    assertThat(reloaded.newScan().toRecords()).hasSize(45);
    assertThat(reloaded.rowCount()).isEqualTo(45);
  }

  @Test
  void orphanRemovalSparesReferencedAndYoungFiles() throws IOException {
    append(1);
    Path orphan = Files.writeString(warehouse.resolve("t/data/left-by-a-killed-writer.parquet"), "x");
    Files.setLastModifiedTime(orphan, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Path young = Files.writeString(warehouse.resolve("t/data/in-flight.parquet"), "y");

    long anHourAgo = System.currentTimeMillis() - 1_800_000;
    List<String> dryRun = table.removeOrphanFiles(anHourAgo, true);
    assertThat(dryRun).singleElement().satisfies(f -> assertThat(f).endsWith("left-by-a-killed-writer.parquet"));
    assertThat(orphan).exists();
    assertThat(table.removeOrphanFiles(anHourAgo, false)).hasSize(1);
    assertThat(orphan).doesNotExist();
    assertThat(young).exists();
    // With no grace at all, this process's idle staging directory goes too (a new one is made).
    assertThat(table.removeOrphanFiles(System.currentTimeMillis() + 1000, false)).filteredOn(f -> !isStaging(f))
        .singleElement().satisfies(f -> assertThat(f).endsWith("in-flight.parquet"));
    assertThat(shard.loadTable("t").newScan().toRecords()).hasSize(1);
  }

  @Test
  void copyKeepsEverySnapshotReadableAndTheSourceUntouched(@TempDir Path elsewhere) {
    String dataPath = table.location() + "/custom-data";
    table.setProperties(Map.of("write.data.path", dataPath));
    Snapshot first = append(1, 2);
    Snapshot second = append(3);
    try (DataShard other = DataShard.open(StorageConfig.local(elsewhere), allocator)) {
      var result = shard.copyTable("t", other, "copy");
      assertThat(result.snapshots()).isEqualTo(2);
      assertThat(result.dataFiles()).isEqualTo(2);
      Table copy = other.loadTable("copy");
      assertThat(copy.location()).startsWith(elsewhere.toUri().toString().replaceAll("/$", ""));
      assertThat(copy.snapshots()).extracting(Snapshot::snapshotId).containsExactly(first.snapshotId(), second.snapshotId());
      assertThat(copy.newScan().useSnapshot(first.snapshotId()).toRecords()).hasSize(2);
      assertThat(copy.newScan().toRecords()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 2L, 3L);
      // The data path inside the table moved with it: the copy's new files stay in the copy.
      assertThat(copy.properties()).containsEntry("write.data.path", copy.location() + "/custom-data");
      copy.appendRecords(List.of(Map.of("id", 4L)));
      assertThat(other.loadTable("copy").rowCount()).isEqualTo(4);
      assertThat(copy.refresh().newScan().files()).extracting(f -> f.location())
          .allSatisfy(location -> assertThat(location).startsWith(copy.location() + "/custom-data/"));
      assertThatThrownBy(() -> shard.copyTable("t", other, "copy")).isInstanceOf(TableExistsException.class);
    }
    assertThat(shard.loadTable("t").rowCount()).isEqualTo(3);
  }

  @Test
  void deletingWholeFilesMakesADeleteSnapshot() throws IOException {
    append(1, 2);
    append(3);
    append(4, 5, 6);
    String middle = table.newScan().filter(Expression.equal("id", 3L)).files().get(0).location();
    Snapshot delete = table.deleteFiles(List.of(middle));
    assertThat(delete.operation()).isEqualTo("delete");
    assertThat(delete.summary()).containsEntry("deleted-data-files", "1").containsEntry("deleted-records", "1")
        .containsEntry("total-records", "5").containsEntry("total-data-files", "2");
    Table reloaded = shard.loadTable("t");
    assertThat(reloaded.newScan().toRecords()).extracting(r -> r.get("id")).containsExactlyInAnyOrder(1L, 2L, 4L, 5L, 6L);
    assertThat(reloaded.rowCount()).isEqualTo(5);
    assertThat(reloaded.newScan().useSnapshot(delete.parentId()).rowCount()).isEqualTo(6);
    assertThat(files("data")).hasSize(3); // still there for older snapshots
    assertThatThrownBy(() -> reloaded.deleteFiles(List.of(middle))).isInstanceOf(ValidationException.class)
        .hasMessageContaining("not a live data file");
    append(7);
    assertThat(shard.loadTable("t").rowCount()).isEqualTo(6);
    // Once the snapshots that still held it expire, the file itself goes.
    assertThat(reloaded.expireSnapshots(System.currentTimeMillis() + 1, 1).deletedDataFiles()).isEqualTo(1);
    assertThat(files("data")).hasSize(3);
    assertThat(shard.loadTable("t").newScan().toRecords()).hasSize(6);
  }

  @Test
  void manifestsAreMergedOnceTheListGrowsLong() {
    table.setProperties(Map.of("commit.manifest.min-count-to-merge", "5"));
    List<Snapshot> snapshots = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      snapshots.add(append(i));
    }
    Table reloaded = shard.loadTable("t");
    var manifests = reloaded.operations().manifests(reloaded.currentSnapshot().orElseThrow());
    assertThat(manifests).hasSizeLessThan(5);
    assertThat(manifests.stream().mapToLong(m -> m.addedRowsCount() + m.existingRowsCount()).sum()).isEqualTo(12);
    assertThat(reloaded.newScan().toRecords()).extracting(r -> r.get("id"))
        .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    for (int i = 0; i < snapshots.size(); i++) {
      assertThat(reloaded.newScan().useSnapshot(snapshots.get(i).snapshotId()).rowCount()).isEqualTo(i + 1);
      assertThat(reloaded.newScan().useSnapshot(snapshots.get(i).snapshotId()).toRecords()).hasSize(i + 1);
    }
    // Expiring the history leaves the merged manifests and every row.
    reloaded.expireSnapshots(System.currentTimeMillis() + 1, 1);
    assertThat(shard.loadTable("t").newScan().toRecords()).hasSize(12);
    assertThat(reloaded.removeOrphanFiles(System.currentTimeMillis() + 1000, true)).filteredOn(f -> !isStaging(f)).isEmpty();
  }

  @Test
  void badPropertyValuesAreRefusedAndLeaveTheTableExactlyUnchanged() {
    append(1);
    Map<String, String> refused = Map.of(
        "commit.retry.min-wait-ms", "5000", // above the default maximum wait, 2000
        "commit.retry.max-wait-ms", "5", // below the default minimum wait, 10
        "commit.retry.num-retries", "abc",
        "commit.retry.total-timeout-ms", "-1",
        "commit.manifest.min-count-to-merge", "x",
        "commit.manifest-merge.enabled", "yes",
        "write.metadata.previous-versions-max", "2147483648",
        "write.metadata.delete-after-commit.enabled", "1",
        "write.data.path", "relative/data",
        "format-version", "3");
    refused.forEach((key, value) -> {
      String before = shard.loadTable("t").metadataFile();
      assertThatThrownBy(() -> table.setProperties(Map.of(key, value)))
          .isInstanceOf(ValidationException.class).hasMessageContaining(key).hasMessageContaining(value)
          .hasMessageContaining("must");
      assertThat(shard.loadTable("t").metadataFile()).as(key).isEqualTo(before);
    });
    assertThat(shard.loadTable("t").properties()).isEmpty();
    assertThatThrownBy(() -> shard.createTable("u", table.schema(), Map.of("commit.retry.num-retries", "-3")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("commit.retry.num-retries='-3'");
    assertThat(shard.tableExists("u")).isFalse();

    // Waits are checked together, against what a commit would read: the values set and the defaults.
    table.setProperties(Map.of("commit.retry.min-wait-ms", "5000", "commit.retry.max-wait-ms", "8000"));
    String before = shard.loadTable("t").metadataFile();
    assertThatThrownBy(() -> table.removeProperties(java.util.Set.of("commit.retry.max-wait-ms")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("commit.retry.min-wait-ms=5000 would exceed commit.retry.max-wait-ms=2000 (the default)");
    assertThat(shard.loadTable("t").metadataFile()).isEqualTo(before);
    // Other engines' keys are stored as given; format-version asks for a version, which is not stored.
    table.setProperties(Map.of("spark.sql.anything", " any value ", "format-version", "2",
        "commit.manifest-merge.enabled", "FALSE"));
    assertThat(shard.loadTable("t").properties()).containsOnly(Map.entry("commit.retry.min-wait-ms", "5000"),
        Map.entry("commit.retry.max-wait-ms", "8000"), Map.entry("spark.sql.anything", " any value "),
        Map.entry("commit.manifest-merge.enabled", "FALSE"));
  }

  @Test
  void badValuesAnotherEngineStoredReadAsDefaultsAndCanBeRepaired() throws IOException, InterruptedException {
    append(1);
    Map<String, String> bad = Map.of(
        "commit.retry.min-wait-ms", "5000",
        "commit.retry.num-retries", "abc",
        "commit.manifest.min-count-to-merge", "x",
        "commit.manifest-merge.enabled", "maybe",
        "write.metadata.previous-versions-max", "many");
    OtherEngine.setProperties(warehouse.resolve("t"), bad);
    Table reloaded = shard.loadTable("t");
    assertThat(reloaded.properties()).containsAllEntriesOf(bad);

    // Every kind of commit goes on, reading the defaults for what it cannot parse.
    Snapshot second = append(2);
    Thread.sleep(5);
    reloaded.rollback(second.parentId());
    reloaded.expireSnapshots(System.currentTimeMillis() + 1, 1);
    reloaded.setProperties(Map.of("owner", "analytics"));
    assertThat(shard.loadTable("t").rowCount()).isEqualTo(1);

    // And the bad values are repaired, by a new value or by removing them.
    reloaded.setProperties(Map.of("commit.retry.num-retries", "7", "commit.manifest.min-count-to-merge", "3"));
    reloaded.removeProperties(java.util.Set.of("commit.retry.min-wait-ms", "commit.manifest-merge.enabled",
        "write.metadata.previous-versions-max"));
    assertThat(shard.loadTable("t").properties()).containsOnly(Map.entry("commit.retry.num-retries", "7"),
        Map.entry("commit.manifest.min-count-to-merge", "3"), Map.entry("owner", "analytics"));
  }

  @Test
  void oldMetadataFilesAreDeletedWhenAskedTo() throws IOException {
    table.setProperties(Map.of("write.metadata.delete-after-commit.enabled", "true",
        "write.metadata.previous-versions-max", "2"));
    for (int i = 0; i < 5; i++) {
      append(i);
    }
    List<Path> versionFiles = files("metadata").stream().filter(p -> p.toString().endsWith(".metadata.json")).toList();
    // Dropped from the log, the older versions are retired: emptied, their numbers still taken.
    assertThat(versionFiles.stream().filter(p -> !retired(p)).map(p -> p.getFileName().toString()).sorted())
        .containsExactly("v5.metadata.json", "v6.metadata.json", "v7.metadata.json");
    assertThat(versionFiles.stream().filter(p -> retired(p)).map(p -> p.getFileName().toString()).sorted())
        .containsExactly("v1.metadata.json", "v2.metadata.json", "v3.metadata.json", "v4.metadata.json");
    Table reloaded = shard.loadTable("t");
    assertThat(reloaded.properties()).containsEntry("write.metadata.previous-versions-max", "2");
    assertThat(reloaded.newScan().rowCount()).isEqualTo(5);
    reloaded.removeProperties(java.util.Set.of("write.metadata.previous-versions-max"));
    assertThat(shard.loadTable("t").properties()).doesNotContainKey("write.metadata.previous-versions-max");
  }

  private static boolean retired(Path file) {
    try {
      return dev.datashard.commit.TableOperations.isRetired(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean isStaging(String location) {
    return location.substring(location.lastIndexOf('/') + 1).startsWith(".tmp-");
  }
}
