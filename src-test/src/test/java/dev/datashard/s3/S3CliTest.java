package dev.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.io.s3.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI, unchanged, in a separate JVM configured only by DATASHARD_* environment variables. */
class S3CliTest {
  static S3ProxyServer server;
  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws IOException {
    server = S3ProxyServer.start();
    server.createBucket("cli-bucket");
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  record Result(int code, String out, String err) {}

  private static Map<String, String> s3Env(String bucket) {
    Map<String, String> env = new HashMap<>();
    env.put("DATASHARD_STORAGE_TYPE", "s3");
    env.put("DATASHARD_S3_ENDPOINT", server.endpoint().toString());
    env.put("DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
    env.put("DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY);
    env.put("DATASHARD_S3_BUCKET", bucket);
    env.put("DATASHARD_S3_PREFIX", "cli/");
    return env;
  }

  static Result datashard(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), "dev.datashard.cli.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("DATASHARD_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    var out = process.getInputStream().readAllBytes();
    var err = process.getErrorStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("datashard " + String.join(" ", args) + " did not finish");
    }
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void theFoundationCommandsWorkUnchangedOnS3() throws Exception {
    Map<String, String> env = s3Env("cli-bucket");
    Path schema = Files.writeString(dir.resolve("schema.json"), """
        {"schema_id":1,"fields":[{"id":1,"name":"user_id","type":"long","required":true},
        {"id":2,"name":"event","type":"string","required":true},
        {"id":3,"name":"timestamp","type":"long","required":true}]}""");
    Path jsonl = Files.writeString(dir.resolve("a.jsonl"),
        "{\"user_id\": 1, \"event\": \"login\", \"timestamp\": 10}\n{\"user_id\": 2, \"event\": \"logout\", \"timestamp\": 20}\n");
    Path csv = Files.writeString(dir.resolve("b.csv"), "user_id,event,timestamp\n3,click,30\n");

    Result created = datashard(env, "create", "events", "--schema", schema.toString());
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.out()).contains("s3://cli-bucket/cli/events");
    Result appended = datashard(env, "append", "events", jsonl.toString(), csv.toString());
    assertThat(appended.code()).as(appended.err()).isZero();
    assertThat(datashard(env, "count", "events").out().trim()).isEqualTo("3");
    assertThat(datashard(env, "scan", "events", "--where", "user_id >= 2", "--columns", "event").out().lines())
        .containsExactlyInAnyOrder("{\"event\":\"logout\"}", "{\"event\":\"click\"}");
    assertThat(datashard(env, "snapshots", "events", "--format", "jsonl").out().lines()).hasSize(1);

    Path local = dir.resolve("local-copy");
    Result down = datashard(env, "copy", "events", local.toString());
    assertThat(down.code()).as(down.err()).isZero();
    Result localCount = datashard(Map.of(), "count", local.toString());
    assertThat(localCount.out().trim()).as(localCount.err()).isEqualTo("3");
    Result up = datashard(env, "copy", local.toString(), "s3://cli-bucket/elsewhere/events2");
    assertThat(up.code()).as(up.err()).isZero();
    assertThat(datashard(env, "count", "s3://cli-bucket/elsewhere/events2").out().trim()).isEqualTo("3");
  }

  @Test
  void badSettingsGiveOneLineNamingTheSetting() throws Exception {
    Result noBucket = datashard(s3Env("missing-bucket"), "count", "events");
    assertThat(noBucket.code()).isEqualTo(1);
    assertThat(noBucket.err().lines()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("datashard: ").contains("missing-bucket", "DATASHARD_S3_BUCKET"));

    Map<String, String> unset = s3Env("x");
    unset.remove("DATASHARD_S3_BUCKET");
    Result required = datashard(unset, "count", "events");
    assertThat(required.code()).isEqualTo(1);
    assertThat(required.err()).contains("DATASHARD_S3_BUCKET is required");

    Map<String, String> wrongSecret = s3Env("cli-bucket");
    wrongSecret.put("DATASHARD_S3_SECRET_KEY", "not-the-secret-42");
    Result denied = datashard(wrongSecret, "count", "events");
    assertThat(denied.code()).isEqualTo(1);
    assertThat(denied.err()).contains("DATASHARD_S3_SECRET_KEY").doesNotContain("not-the-secret-42");
    assertThat(denied.err().lines()).hasSize(1);
  }

  @Test
  void benchMeasuresS3BesideLocalDiskAndDropsEveryTableItMade() throws Exception {
    server.createBucket("bench-bucket");
    Map<String, String> env = s3Env("bench-bucket");
    Result bench = datashard(env, "bench", "--iterations", "2");
    assertThat(bench.code()).as(bench.err()).isZero();
    List<String> table = bench.out().lines().filter(line -> line.startsWith("| ")).toList();
    assertThat(table.get(0)).isEqualTo("| Operation | Local (median / p90) | S3 (median / p90) |");
    assertThat(table.subList(1, table.size())).extracting(line -> line.split(" \\| ")[0])
        .containsExactly("| create table", "| append 100 records", "| append 10,000 records",
            "| append 10,000 rows (Arrow batch)", "| read 50,000 records (every value)");
    assertThat(table.subList(1, table.size())).allSatisfy(line -> assertThat(line).matches(
        "\\| [^|]+ \\| \\d+\\.\\d\\d ms / \\d+\\.\\d\\d ms \\| \\d+\\.\\d\\d ms / \\d+\\.\\d\\d ms \\|"));
    // Only retired version markers may stay: every table was dropped.
    try (var s3 = dev.datashard.io.StorageConfig.s3(server.config("bench-bucket").build()).open()) {
      assertThat(s3.list("s3://bench-bucket/cli/")).allSatisfy(object ->
          assertThat(dev.datashard.commit.TableOperations.isRetired(object)).as(object.location()).isTrue());
    }

    Result local = datashard(Map.of(), "bench", "--store", "s3");
    assertThat(local.code()).isEqualTo(2);
    assertThat(local.err()).contains("--store s3 needs an S3 store", "DATASHARD_STORAGE_TYPE=s3");
  }

  @Test
  void theDemoRunsOnTheConfiguredBucket() throws Exception {
    server.createBucket("demo-bucket");
    Result demo = datashard(s3Env("demo-bucket"), "demo");
    assertThat(demo.code()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("DataShard demo: S3 s3://demo-bucket/cli", "medians of 7 runs",
        "now has 1000100 rows");
  }
}
