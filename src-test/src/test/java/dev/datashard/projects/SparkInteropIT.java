package dev.datashard.projects;

import static dev.datashard.projects.ExternalProject.property;
import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark 3.5 with Iceberg's Spark runtime reads, filters, time-travels and appends to a DataShard
 * table, on local disk and on S3 (S3A); DataShard reads Spark's commit and appends again; Spark
 * reads that. DataShard maintains a table Spark created. Runs with {@code -Pspark} only. Spark runs
 * in a JVM of its own (src/test/resources/spark), with its own Arrow, Parquet, Jackson and Avro
 * versions, as a Spark job would beside DataShard.
 */
class SparkInteropIT {
  /** What Spark's launcher opens on Java 17 (its JavaModuleOptions). */
  private static final List<String> SPARK_JVM_OPTIONS = List.of(
      "-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
      "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
      "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "-Djdk.reflect.useDirectMethodHandle=false",
      "-Xmx1g");

  private static final Schema SCHEMA = Schema.fromJson("""
      {"schema-id": 0, "type": "struct", "fields": [
        {"id": 1, "name": "user_id", "type": "long", "required": true},
        {"id": 2, "name": "event", "type": "string", "required": false}]}""");

  private static final String BUCKET = "lake";

  @TempDir static Path sparkDir;
  private static Path sparkProject;
  private static String sparkClassPath;

  @TempDir Path workDir;

  @BeforeAll
  static void buildSparkProject() throws Exception {
    sparkProject = ExternalProject.copy("spark", sparkDir.resolve("spark"));
    // Online: the first run downloads Spark, hadoop-aws and the AWS SDK v1 bundle into the local repository.
    ExternalProject.run(sparkProject, Duration.ofMinutes(20), ExternalProject.mvn("-q", "-B",
        "-Dspark.version=" + property("spark.version"), "-Dhadoop.version=" + property("spark.hadoopVersion"),
        "-Diceberg.version=" + property("iceberg.version"), "compile"));
    sparkClassPath = sparkProject.resolve("target/classes") + File.pathSeparator
        + Files.readString(sparkProject.resolve("target/classpath.txt")).strip();
  }

  @Test
  void onLocalDisk() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        DataShard shard = DataShard.open(StorageConfig.local(workDir.resolve("warehouse")), allocator)) {
      sparkAndDataShardTakeTurns(shard, path -> path, List.of());
    }
  }

  /**
   * The same on S3: DataShard over the S3 server, Spark through S3A at {@code s3a://} with the
   * settings that match DataShard's (the README's table).
   */
  @Test
  void onS3ThroughS3a() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket(BUCKET);
      try (BufferAllocator allocator = new RootAllocator();
          DataShard shard = DataShard.open(StorageConfig.s3(server.config(BUCKET).prefix("warehouse").build()),
              allocator)) {
        List<String> settings = new ArrayList<>(s3aSettings(server));
        // DataShard's metadata names its files s3://...: without this, "No FileSystem for scheme s3".
        settings.add("-Dspark.hadoop.fs.s3.impl=org.apache.hadoop.fs.s3a.S3AFileSystem");
        sparkAndDataShardTakeTurns(shard, location -> location.replaceFirst("^s3://", "s3a://"), settings);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(e.getMessage() + "\nS3 server output:\n" + server.output(), e);
      }
    }
  }

  /**
   * A table Spark created on S3, its files named {@code s3a://}, with Spark's merge-on-read
   * position deletes: DataShard reads it, appends, deletes rows (merge-on-read too, as the table
   * says), and Spark reads DataShard's delete files; then DataShard compacts, expires snapshots and
   * removes orphan files, and Spark reads exactly the rows that should be left, so no live file was
   * deleted. Spark knows only S3A here: the files DataShard added must be named {@code s3a://} as
   * the table is.
   */
  @Test
  void dataShardMaintainsATableSparkCreatedOnS3() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket(BUCKET);
      List<String> settings = s3aSettings(server);
      String warehouse = "s3a://" + BUCKET + "/spark-warehouse";
      String path = warehouse + "/db/spark_events";
      // 0..299, less the 30 multiples of 10.
      assertThat(spark(settings, "create", warehouse)).containsExactly("count=270");

      try (BufferAllocator allocator = new RootAllocator();
          DataShard shard = DataShard.open(StorageConfig.s3(server.config(BUCKET).prefix("warehouse").build()),
              allocator)) {
        Table table = shard.loadTable(path);
        assertThat(table.newScan().plan().tasks()).as("Spark's data files")
            .hasSizeGreaterThan(3)
            .allSatisfy(task -> assertThat(task.file().location()).startsWith(path + "/data/"))
            .anySatisfy(task -> assertThat(task.deletes()).as("Spark's position deletes").isNotEmpty());
        assertThat(table.newScan().rowCount()).isEqualTo(270);

        table.appendRecords(rows(300, 350, "datashard"));
        Snapshot delete = table.newDelete().where(Expression.parse("user_id < 20")).commit().orElseThrow();
        assertThat(delete.summary()).as("merge-on-read, as the table's write.delete.mode says")
            .containsKey("added-position-delete-files").doesNotContainKey("added-data-files");
        // Kept: 20..349 less the 28 multiples of 10 below 300 (20..290, summing to 4340).
        List<String> expected = List.of("count=302", "distinctUserIds=302", "minUserId=21", "sumUserId=56545",
            "datashardRows=50");
        assertThat(spark(settings, "read", path)).as("Spark reading DataShard's delete files").isEqualTo(expected);

        assertThat(table.rewriteDataFiles().commit().snapshot()).as("a compaction").isPresent();
        assertThat(table.newScan().plan().tasks()).allSatisfy(task -> assertThat(task.deletes()).isEmpty());
        long now = System.currentTimeMillis();
        assertThat(table.expireSnapshots(now, 1).deletedDataFiles()).as("files only expired snapshots had")
            .isPositive();
        table.removeOrphanFiles(now, false);

        assertThat(table.refresh().newScan().rowCount()).isEqualTo(302);
        assertThat(table.newScan().plan().tasks()).as("the data files after DataShard's changes")
            .allSatisfy(task -> assertThat(task.file().location()).startsWith(path + "/data/"));
        assertThat(spark(settings, "read", path)).isEqualTo(expected);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(e.getMessage() + "\nS3 server output:\n" + server.output(), e);
      }
    }
  }

  /** S3A settings matching DataShard's for the server (the README's table). */
  private static List<String> s3aSettings(S3ProxyServer server) {
    return List.of(
        "-Dspark.hadoop.fs.s3a.endpoint=" + server.endpoint(),
        "-Dspark.hadoop.fs.s3a.path.style.access=true",
        "-Dspark.hadoop.fs.s3a.access.key=" + S3ProxyServer.ACCESS_KEY,
        "-Dspark.hadoop.fs.s3a.secret.key=" + S3ProxyServer.SECRET_KEY,
        "-Dspark.hadoop.fs.s3a.endpoint.region=us-east-1");
  }

  /**
   * DataShard creates the table and appends twice; Spark reads 200 rows (ids 0..199), 50 of them
   * >= 150, the first snapshot's 100, then appends 200..249; DataShard reads Spark's commit and
   * appends 250..299 on top of it; Spark reads all of that.
   */
  private static void sparkAndDataShardTakeTurns(DataShard shard, UnaryOperator<String> sparkPath,
      List<String> sparkOptions) throws Exception {
    Table table = shard.createTable("events", SCHEMA);
    long firstSnapshotId = table.appendRecords(rows(0, 100, "datashard")).orElseThrow().snapshotId();
    table.appendRecords(rows(100, 200, "datashard"));
    String path = sparkPath.apply(table.location());

    assertThat(spark(sparkOptions, "first", path, String.valueOf(firstSnapshotId)))
        .containsExactly("count=200", "filteredCount=50", "sumUserId=19900", "firstSnapshotCount=100",
            "countAfterAppend=250");

    table.refresh();
    Snapshot sparkSnapshot = table.currentSnapshot().orElseThrow();
    assertThat(sparkSnapshot.operation()).isEqualTo("append");
    assertThat(sparkSnapshot.summary()).containsKey("spark.app.id").doesNotContainKey(Snapshot.COMMIT_ID);
    assertThat(table.rowCount()).isEqualTo(250);
    List<Map<String, Object>> sparkRows = table.newScan().filter(Expression.parse("event = 'spark'")).toRecords();
    assertThat(sparkRows).extracting(row -> (Long) row.get("user_id"))
        .containsExactlyInAnyOrderElementsOf(LongStream.range(200, 250).boxed().toList());

    Snapshot afterSpark = table.appendRecords(rows(250, 300, "datashard")).orElseThrow();
    assertThat(afterSpark.parentId()).isEqualTo(sparkSnapshot.snapshotId());

    assertThat(spark(sparkOptions, "last", path))
        .containsExactly("count=300", "distinctUserIds=300", "sparkRows=50", "snapshots=4");
  }

  private static List<String> spark(List<String> options, String... stepArgs) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ExternalProject.java());
    command.addAll(SPARK_JVM_OPTIONS);
    command.addAll(options);
    command.addAll(List.of("-cp", sparkClassPath, "example.SparkSteps"));
    command.addAll(List.of(stepArgs));
    return ExternalProject.results(ExternalProject.run(sparkProject, Duration.ofMinutes(10), command));
  }

  private static List<Map<String, Object>> rows(long from, long to, String event) {
    return LongStream.range(from, to).<Map<String, Object>>mapToObj(id -> Map.of("user_id", id, "event", event)).toList();
  }
}
