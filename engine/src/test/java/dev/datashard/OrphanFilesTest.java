package dev.datashard;

import static dev.datashard.LocalWarehouse.IDS;
import static dev.datashard.LocalWarehouse.appendIds;
import static dev.datashard.LocalWarehouse.filesBelow;
import static dev.datashard.LocalWarehouse.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.io.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Orphan removal never takes a file some table still references, however the table is reached. */
class OrphanFilesTest {
  private static final long HOUR = 3_600_000;

  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();
  private Path dir;
  private DataShard shard;

  @BeforeEach
  void open() {
    dir = warehouse.root();
    shard = warehouse.shard();
  }

  private static long inAMinute() {
    return System.currentTimeMillis() + 60_000;
  }

  @Test
  void aTableReachedThroughASymbolicLinkKeepsEveryFile() throws IOException {
    Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
    Table viaLink = shard.createTable(link.resolve("t").toString(), IDS);
    appendIds(viaLink, 1);
    appendIds(viaLink, 2);
    List<Path> before = filesBelow(dir.resolve("real/t"));

    Table viaRealPath = shard.loadTable(dir.resolve("real/t").toString());
    assertThat(viaRealPath.removeOrphanFiles(inAMinute(), false)).filteredOn(f -> !f.contains("/.tmp-")).isEmpty();
    assertThat(viaLink.removeOrphanFiles(inAMinute(), false)).filteredOn(f -> !f.contains("/.tmp-")).isEmpty();
    assertThat(filesBelow(dir.resolve("real/t"))).containsExactlyElementsOf(before);
    assertThat(ids(shard.loadTable(link.resolve("t").toString()))).containsExactly(1L, 2L);
  }

  @Test
  void aNestedTableIsNotTheOuterTablesOrphans() {
    Table sales = shard.createTable("sales", IDS);
    appendIds(sales, 1);
    Table sales2024 = shard.createTable("sales/2024", IDS);
    appendIds(sales2024, 2);
    List<Path> nested = filesBelow(dir.resolve("sales/2024"));

    assertThat(sales.removeOrphanFiles(inAMinute(), false)).filteredOn(f -> !f.contains("/.tmp-")).isEmpty();
    assertThat(filesBelow(dir.resolve("sales/2024"))).containsExactlyElementsOf(nested);
    assertThat(ids(shard.loadTable("sales/2024"))).containsExactly(2L);
    assertThat(ids(shard.loadTable("sales"))).containsExactly(1L);
  }

  @Test
  void emptyStagingDirectoriesOfKilledWritersAreRemoved() throws IOException {
    Table table = shard.createTable("t", IDS);
    appendIds(table, 1);
    Path abandoned = Files.createDirectories(dir.resolve("t/data/.tmp-killed-writer"));
    Files.setLastModifiedTime(abandoned, FileTime.fromMillis(System.currentTimeMillis() - 5 * HOUR));
    Path young = Files.createDirectories(dir.resolve("t/data/.tmp-live-writer"));

    long anHourAgo = System.currentTimeMillis() - HOUR;
    assertThat(table.removeOrphanFiles(anHourAgo, true)).containsExactly(Location.of(abandoned).toString());
    assertThat(abandoned).exists();
    table.removeOrphanFiles(anHourAgo, false);
    assertThat(abandoned).doesNotExist();
    assertThat(young).exists();
  }

  @Test
  void aKilledWritersStagingDirectoryGoesWithItsPartialFileInOneRun() throws IOException {
    Table table = shard.createTable("t", IDS);
    appendIds(table, 1);
    Path staging = Files.createDirectories(dir.resolve("t/data/.tmp-killed-mid-write"));
    Path partial = Files.writeString(staging.resolve("part-0.parquet"), "PAR1 and then nothing");
    long fiveHoursAgo = System.currentTimeMillis() - 5 * HOUR;
    Files.setLastModifiedTime(partial, FileTime.fromMillis(fiveHoursAgo));
    Files.setLastModifiedTime(staging, FileTime.fromMillis(fiveHoursAgo));

    long anHourAgo = System.currentTimeMillis() - HOUR;
    List<String> listed = table.removeOrphanFiles(anHourAgo, true);
    assertThat(listed).containsExactlyInAnyOrder(Location.of(partial).toString(), Location.of(staging).toString());
    assertThat(table.removeOrphanFiles(anHourAgo, false)).containsExactlyInAnyOrderElementsOf(listed);
    assertThat(staging).doesNotExist();
    assertThat(ids(shard.loadTable("t"))).containsExactly(1L);
  }

  @Test
  void orphanRemovalWhileWritersCommitNeitherFailsNorTakesTheirFiles() throws Exception {
    Table table = shard.createTable("t", IDS);
    ExecutorService writers = Executors.newFixedThreadPool(2);
    AtomicBoolean stop = new AtomicBoolean();
    try {
      List<Future<Integer>> appended = List.of(writers.submit(() -> appendUntil(stop, 0)),
          writers.submit(() -> appendUntil(stop, 1_000_000)));
      // The default grace period, as a user runs it: in-flight files are young.
      for (int i = 0; i < 20; i++) {
        assertThat(shard.loadTable("t").removeOrphanFiles(System.currentTimeMillis() - 3 * 24 * HOUR, false)).isEmpty();
      }
      stop.set(true);
      int rows = appended.get(0).get() + appended.get(1).get();
      assertThat(shard.loadTable("t").rowCount()).isEqualTo(rows);
      assertThat(ids(shard.loadTable("t"))).hasSize(rows);
    } finally {
      stop.set(true);
      writers.shutdown();
      assertThat(writers.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }
  }

  private int appendUntil(AtomicBoolean stop, long firstId) {
    Table table = shard.loadTable("t");
    int appended = 0;
    while (!stop.get() || appended == 0) {
      appendIds(table, firstId + appended);
      appended++;
    }
    return appended;
  }
}
