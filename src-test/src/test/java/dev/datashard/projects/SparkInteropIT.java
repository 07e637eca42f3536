package dev.datashard.projects;

import static dev.datashard.projects.ExternalProject.property;
import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark 3.5 with Iceberg's Spark runtime reads, filters, time-travels and appends to a DataShard
 * table on local disk; DataShard reads Spark's commit and appends again; Spark reads that. Runs
 * with {@code -Pspark} only. Spark runs in a JVM of its own (src/test/resources/spark), with its
 * own Arrow, Parquet, Jackson and Avro versions, as a Spark job would beside DataShard.
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

  @TempDir Path workDir;

  @Test
  void sparkReadsAndAppendsToADataShardTableAndDataShardContinuesAfterSpark() throws Exception {
    Path project = ExternalProject.copy("spark", workDir.resolve("spark"));
    // Online: the first run downloads Spark into the local repository.
    ExternalProject.run(project, Duration.ofMinutes(20), ExternalProject.mvn("-q", "-B",
        "-Dspark.version=" + property("spark.version"), "-Diceberg.version=" + property("iceberg.version"),
        "compile"));
    String sparkClassPath = project.resolve("target/classes") + File.pathSeparator
        + Files.readString(project.resolve("target/classpath.txt")).strip();

    try (BufferAllocator allocator = new RootAllocator();
        DataShard shard = DataShard.open(StorageConfig.local(workDir.resolve("warehouse")), allocator)) {
      Table table = shard.createTable("events", SCHEMA);
      long firstSnapshotId = table.appendRecords(rows(0, 100, "datashard")).orElseThrow().snapshotId();
      table.appendRecords(rows(100, 200, "datashard"));

      // Spark: 200 rows (ids 0..199), 50 of them >= 150; the first snapshot's 100; then appends 200..249.
      assertThat(spark(project, sparkClassPath, "first", table.location(), String.valueOf(firstSnapshotId)))
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

      assertThat(spark(project, sparkClassPath, "last", table.location()))
          .containsExactly("count=300", "distinctUserIds=300", "sparkRows=50", "snapshots=4");
    }
  }

  private static List<String> spark(Path project, String classPath, String... stepArgs) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ExternalProject.java());
    command.addAll(SPARK_JVM_OPTIONS);
    command.addAll(List.of("-cp", classPath, "example.SparkSteps"));
    command.addAll(List.of(stepArgs));
    return ExternalProject.results(ExternalProject.run(project, Duration.ofMinutes(10), command));
  }

  private static List<Map<String, Object>> rows(long from, long to, String event) {
    return LongStream.range(from, to).<Map<String, Object>>mapToObj(id -> Map.of("user_id", id, "event", event)).toList();
  }
}
