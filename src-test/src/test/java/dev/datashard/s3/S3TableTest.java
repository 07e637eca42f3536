package dev.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.NoSuchTableException;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.commit.TableOperations;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.StorageException;
import dev.datashard.io.s3.S3Storage;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The engine end to end on a real S3 server (S3Proxy, started here on loopback). */
class S3TableTest {
  static final String BUCKET = "tables";
  static final Schema EVENTS = Schema.fromJson("""
      {"schema_id": 1, "fields": [
        {"id": 1, "name": "user_id", "type": "long", "required": true},
        {"id": 2, "name": "event", "type": "string", "required": true},
        {"id": 3, "name": "timestamp", "type": "long", "required": true}]}""");

  // A low multipart threshold, so a few MB of Parquet already go up in parallel parts.
  @RegisterExtension static final S3Shard s3 = new S3Shard(BUCKET,
      config -> config.multipartThresholdBytes(5L << 20).partSizeBytes(5L << 20));

  private S3Storage storage() {
    return (S3Storage) s3.shard().storage();
  }

  static List<Map<String, Object>> records(long start, int count) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> r = new HashMap<>();
      r.put("user_id", start + i);
      r.put("event", i % 2 == 0 ? "login" : "logout");
      r.put("timestamp", 1_700_000_000_000L + i);
      records.add(r);
    }
    return records;
  }

  @Test
  void createAppendScanAndTimeTravelOnS3() {
    Table table = s3.shard().createTable("events-" + System.nanoTime(), EVENTS);
    assertThat(table.location()).startsWith("s3://" + BUCKET + "/warehouse/events-");
    Snapshot first = table.appendRecords(records(0, 100)).orElseThrow();
    table.appendRecords(records(100, 10_000));
    Table reloaded = s3.shard().loadTable(table.name());
    assertThat(reloaded.rowCount()).isEqualTo(10_100);
    assertThat(reloaded.newScan().useSnapshot(first.snapshotId()).toRecords()).hasSize(100);
    assertThat(reloaded.newScan().filter(Expression.parse("user_id < 50")).files()).hasSize(1);
    assertThat(reloaded.newScan().filter(Expression.parse("user_id >= 10000")).toRecords()).hasSize(100);
    assertThat(reloaded.snapshots()).hasSize(2);
    assertThat(s3.shard().tableExists(table.name())).isTrue();
    assertThat(s3.shard().dropTable(table.name())).isTrue();
    assertThat(s3.shard().tableExists(table.name())).isFalse();
  }

  @Test
  void multipartSizedDataFilesRoundTrip() throws IOException {
    // Uncompressed, so the file is about 19 MB of Parquet, above the 5 MiB part size (zstd: 2.4 MB).
    Table table = s3.shard().createTable("big-" + System.nanoTime(), EVENTS,
        Map.of("write.parquet.compression-codec", "uncompressed"));
    int rows = 600_000;
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(
        dev.datashard.arrow.ArrowSchemas.toArrow(EVENTS), s3.allocator())) {
      BigIntVector ids = (BigIntVector) batch.getVector(0);
      VarCharVector events = (VarCharVector) batch.getVector(1);
      BigIntVector timestamps = (BigIntVector) batch.getVector(2);
      for (int i = 0; i < rows; i++) {
        ids.setSafe(i, i);
        events.setSafe(i, ("event-" + (i * 7919L % 1_000_003)).getBytes());
        timestamps.setSafe(i, i * 31L);
      }
      batch.setRowCount(rows);
      table.append(batch);
    }
    assertThat(table.newScan().files().get(0).fileSizeBytes()).isGreaterThan(5L << 20);
    long count = 0;
    long sum = 0;
    try (ArrowReader reader = s3.shard().loadTable(table.name()).newScan().arrowReader()) {
      while (reader.loadNextBatch()) {
        BigIntVector ids = (BigIntVector) reader.getVectorSchemaRoot().getVector(0);
        for (int i = 0; i < ids.getValueCount(); i++) {
          sum += ids.get(i);
        }
        count += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    assertThat(count).isEqualTo(rows);
    assertThat(sum).isEqualTo((long) rows * (rows - 1) / 2);
  }

  @Test
  void requestCountsPerOperation() {
    String name = "counted-" + System.nanoTime();
    storage().verifyConditionalWrites(); // the one-time probe, outside what is counted
    storage().requestCounts().reset();
    Table table = s3.shard().createTable(name, EVENTS);
    s3.shard().storage().close(); // waits for the background version-hint write
    Map<String, Long> create = storage().requestCounts().snapshot();
    System.out.println("S3 requests, create table: " + create);
    assertThat(create).containsEntry("PutObject", 2L); // v1.metadata.json (conditional), version hint
  }

  @Test
  void appendAndReadRequestCounts() {
    Table table = s3.shard().createTable("rt-" + System.nanoTime(), EVENTS);
    table.appendRecords(records(0, 10));
    storage().requestCounts().reset();
    table.appendRecords(records(10, 100));
    Map<String, Long> append = storage().requestCounts().snapshot();
    System.out.println("S3 requests, append (table loaded): " + append);
    // data file, manifest, manifest list (concurrent), then the conditional metadata PUT and the hint
    assertThat(append).containsEntry("PutObject", 5L);
    assertThat(append.getOrDefault("GetObject", 0L)).isZero();

    Table reader = s3.shard().loadTable(table.name());
    storage().requestCounts().reset();
    assertThat(reader.newScan().toRecords()).hasSize(110);
    Map<String, Long> read = storage().requestCounts().snapshot();
    System.out.println("S3 requests, full scan of 2 files (table loaded): " + read);
    // manifest list, 2 manifests (concurrent), 2 data files (concurrent)
    assertThat(read).containsEntry("GetObject", 5L);

    storage().requestCounts().reset();
    s3.shard().loadTable(table.name());
    Map<String, Long> load = storage().requestCounts().snapshot();
    System.out.println("S3 requests, load table: " + load);
    // version hint, then the hinted version and the probe for the next one (404) concurrently
    assertThat(load).containsEntry("GetObject", 3L);
  }

  @Test
  void concurrentThreadsAppendEveryRowExactlyOnce() throws Exception {
    String name = "concurrent-" + System.nanoTime();
    s3.shard().createTable(name, EVENTS);
    int writers = 4;
    int commits = 5;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        long base = w * 1000L;
        futures.add(pool.submit(() -> {
          Table table = s3.shard().loadTable(name);
          for (int c = 0; c < commits; c++) {
            table.appendRecords(records(base + c * 10L, 10));
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    Table table = s3.shard().loadTable(name);
    List<Long> ids = table.newScan().toRecords().stream().map(r -> (Long) r.get("user_id")).sorted().toList();
    assertThat(ids).hasSize(writers * commits * 10).doesNotHaveDuplicates();
    assertThat(table.snapshots()).hasSize(writers * commits);
    assertThat(table.rowCount()).isEqualTo(writers * commits * 10L);
  }

  @Test
  void copyLocalToS3AndBack(@TempDir Path local) {
    try (DataShard disk = DataShard.open(StorageConfig.local(local), s3.allocator())) {
      Table source = disk.createTable("source", EVENTS);
      Snapshot first = source.appendRecords(records(0, 10)).orElseThrow();
      source.appendRecords(records(10, 5));
      // Merge-on-read: a position delete file, which names the source's data file inside it.
      source.setProperties(Map.of("write.delete.mode", "merge-on-read"));
      source.newDelete().where(Expression.parse("user_id = 3")).commit();
      String onS3 = "copied-" + System.nanoTime();
      disk.copyTable("source", s3.shard(), onS3);
      Table copy = s3.shard().loadTable(onS3);
      assertThat(copy.location()).startsWith("s3://");
      assertThat(copy.newScan().rowCount()).isEqualTo(14);
      assertThat(copy.newScan().plan().tasks()).anySatisfy(task -> assertThat(task.deletes()).singleElement()
          .satisfies(delete -> assertThat(delete.referencedDataFile()).isEqualTo(task.file().location())));
      assertThat(copy.newScan().useSnapshot(first.snapshotId()).toRecords()).hasSize(10);
      copy.appendRecords(records(100, 1));

      s3.shard().copyTable(onS3, disk, "back");
      Table back = disk.loadTable("back");
      assertThat(back.snapshots()).hasSize(4);
      assertThat(back.newScan().toRecords()).hasSize(15)
          .noneSatisfy(row -> assertThat(row.get("user_id")).isEqualTo(3L));
      assertThat(back.newScan().useSnapshot(first.snapshotId()).rowCount()).isEqualTo(10);
    }
  }

  @Test
  void clearErrorsForBadSettingsAndMissingThings() {
    assertThatThrownBy(() -> s3.shard().loadTable("no-such-table")).isInstanceOf(NoSuchTableException.class)
        .hasMessageContaining("s3://" + BUCKET + "/warehouse/no-such-table");
    assertThatThrownBy(() -> s3.shard().createTable("../escape", EVENTS)).isInstanceOf(StorageException.class)
        .hasMessageContaining("..");

    try (DataShard missingBucket = DataShard.open(StorageConfig.s3(s3.server().config("no-such-bucket").build()))) {
      assertThatThrownBy(() -> missingBucket.createTable("t", EVENTS)).isInstanceOf(StorageException.class)
          .satisfies(e -> assertThat(((StorageException) e).kind()).isEqualTo(StorageException.Kind.NO_SUCH_BUCKET))
          .hasMessageContaining("DATASHARD_S3_BUCKET");
    }
    try (DataShard wrongSecret = DataShard.open(StorageConfig.s3(s3.server().config(BUCKET)
        .credentials(S3ProxyServer.ACCESS_KEY, "wrong-secret-123").build()))) {
      assertThatThrownBy(() -> wrongSecret.createTable("t", EVENTS)).isInstanceOf(StorageException.class)
          .hasMessageContaining("DATASHARD_S3_SECRET_KEY").hasMessageNotContaining("wrong-secret-123");
    }
    try (DataShard unreachable = DataShard.open(StorageConfig.s3(s3.server().config(BUCKET)
        .endpoint(URI.create("http://127.0.0.1:1")).build()))) {
      assertThatThrownBy(() -> unreachable.loadTable("t")).isInstanceOf(StorageException.class)
          .hasMessageContaining("DATASHARD_S3_ENDPOINT");
    }
    assertThatThrownBy(() -> StorageConfig.fromEnvironment(Map.of("DATASHARD_STORAGE_TYPE", "s3")))
        .hasMessageContaining("DATASHARD_S3_BUCKET");
  }

  @Test
  void snapshotLifecycleOnS3() throws Exception {
    String name = "lifecycle-" + System.nanoTime();
    Table table = s3.shard().createTable(name, EVENTS, Map.of(
        "write.metadata.delete-after-commit.enabled", "true", "write.metadata.previous-versions-max", "3"));
    Snapshot first = table.appendRecords(records(0, 10)).orElseThrow();
    Thread.sleep(5);
    Snapshot second = table.appendRecords(records(10, 10)).orElseThrow();
    Thread.sleep(5);
    table.rollback(first.snapshotId());
    assertThat(s3.shard().loadTable(name).rowCount()).isEqualTo(10);
    assertThat(s3.shard().loadTable(name).newScan().asOfTime(second.timestampMillis()).rowCount()).isEqualTo(20);

    // Expiry while another writer commits: no committed row is lost.
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> writer = pool.submit(() -> {
        Table own = s3.shard().loadTable(name);
        for (int i = 0; i < 8; i++) {
          own.appendRecords(records(1000 + i * 10L, 10));
        }
      });
      for (int i = 0; i < 3; i++) {
        s3.shard().loadTable(name).expireSnapshots(System.currentTimeMillis(), 1);
      }
      writer.get();
    } finally {
      pool.shutdown();
    }
    // One more snapshot, so the last expiry has one to expire however the concurrent ones ran.
    s3.shard().loadTable(name).appendRecords(records(2000, 10));
    var expired = s3.shard().loadTable(name).expireSnapshots(System.currentTimeMillis() + 1, 1);
    Table after = s3.shard().loadTable(name);
    assertThat(after.snapshots()).hasSize(1);
    assertThat(after.newScan().toRecords()).hasSize(100);
    assertThat(expired.expiredSnapshotIds()).isNotEmpty();

    // Old metadata versions beyond the log were retired (emptied, their numbers kept); orphans are found and removed.
    var versions = s3.shard().storage().list(after.location() + "/metadata/").stream()
        .filter(o -> o.location().endsWith(".metadata.json")).toList();
    assertThat(versions.stream().filter(o -> !TableOperations.isRetired(o))).hasSizeLessThanOrEqualTo(4);
    assertThat(versions.stream().filter(TableOperations::isRetired)).isNotEmpty();
    String orphan = after.location() + "/data/left-behind.parquet";
    s3.shard().storage().write(orphan, new byte[] {1});
    assertThat(after.removeOrphanFiles(System.currentTimeMillis() + 1000, false)).containsExactly(orphan);
    assertThat(s3.shard().storage().exists(orphan)).isFalse();
    assertThat(s3.shard().loadTable(name).newScan().toRecords()).hasSize(100);
    after.setProperties(Map.of("owner", "s3-test"));
    assertThat(s3.shard().loadTable(name).properties()).containsEntry("owner", "s3-test");
  }
}
