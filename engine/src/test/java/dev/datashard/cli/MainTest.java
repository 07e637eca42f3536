package dev.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.OtherEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  private String createEventsTable() throws IOException {
    return createTable("events", """
        {"schema_id":1,"fields":[{"id":1,"name":"user_id","type":"long","required":true},
        {"id":2,"name":"event","type":"string","required":true},
        {"id":3,"name":"day","type":"date","required":false},
        {"id":4,"name":"amount","type":"decimal(9,2)","required":false}]}""");
  }

  /** Creates the table {@code name} in {@code dir}; its schema file is {@code dir/schema.json}. */
  private String createTable(String name, String schemaJson) throws IOException {
    Path schema = Files.writeString(dir.resolve("schema.json"), schemaJson);
    String table = dir.resolve(name).toString();
    Result created = run("create", table, "--schema", schema.toString());
    assertThat(created.code()).as(created.err()).isZero();
    return table;
  }

  @Test
  void createAppendScanCountSnapshots() throws IOException {
    String table = createEventsTable();
    Path jsonl = Files.writeString(dir.resolve("a.jsonl"), """
        {"user_id": 1, "event": "login", "day": "2024-01-02", "amount": 1.50}
        {"user_id": 2, "event": "buy, now", "amount": "3.25"}
        """);
    Path csv = Files.writeString(dir.resolve("b.csv"), "user_id,event,day,amount\n3,logout,,\n");
    Result appended = run("append", table, jsonl.toString(), csv.toString());
    assertThat(appended.code()).as(appended.err()).isZero();
    assertThat(appended.out()).contains("appended 3 rows");

    assertThat(run("count", table).out().trim()).isEqualTo("3");
    Result scan = run("scan", table, "--format", "jsonl");
    assertThat(scan.out().lines()).hasSize(3)
        .contains("{\"user_id\":1,\"event\":\"login\",\"day\":\"2024-01-02\",\"amount\":\"1.50\"}")
        .contains("{\"user_id\":3,\"event\":\"logout\",\"day\":null,\"amount\":null}");
    Result csvOut = run("scan", table, "--columns", "event,user_id", "--format", "csv", "--limit", "5");
    assertThat(csvOut.out().lines()).first().isEqualTo("event,user_id");
    assertThat(csvOut.out()).contains("\"buy, now\",2");
    assertThat(run("scan", table, "--format", "table", "--limit", "1").out().lines()).hasSize(3);

    Result snapshots = run("snapshots", table, "--format", "jsonl");
    assertThat(snapshots.out().lines()).singleElement().satisfies(line -> assertThat(line)
        .contains("\"snapshot_id\":", "\"parent_id\":null", "\"timestamp_ms\":", "\"operation\":\"append\"",
            "\"added-records\":\"3\""));
    String id = snapshots.out().replaceAll(".*\"snapshot_id\":(\\d+).*\\s*", "$1");
    assertThat(run("count", table, "--snapshot", id).out().trim()).isEqualTo("3");
  }

  @Test
  void createWithPartitionBy() throws IOException {
    Path schema = Files.writeString(dir.resolve("schema.json"), """
        {"schema_id":1,"fields":[{"id":1,"name":"user_id","type":"long","required":true},
        {"id":2,"name":"ts","type":"timestamp","required":false}]}""");
    String table = dir.resolve("events").toString();
    Result created = run("create", table, "--schema", schema.toString(), "--partition-by", "day(ts), bucket(16, user_id)");
    assertThat(created.code()).as(created.err()).isZero();
    try (Stream<Path> files = Files.list(dir.resolve("events/metadata"))) {
      String metadata = Files.readString(files.filter(p -> p.toString().endsWith(".metadata.json")).findFirst().orElseThrow());
      assertThat(metadata).contains("\"transform\":\"day\"", "\"name\":\"user_id_bucket\"", "\"last-partition-id\":1001");
    }
    Result bad = run("create", dir.resolve("other").toString(), "--schema", schema.toString(), "--partition-by", "month(user_id)");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err().lines()).singleElement().satisfies(line -> assertThat(line).contains("user_id", "long"));
    assertThat(Files.exists(dir.resolve("other"))).isFalse();
  }

  @Test
  void errorsAreOneLineAndLeaveTheTableUnchanged() throws IOException {
    String table = createEventsTable();
    Path good = Files.writeString(dir.resolve("good.jsonl"), "{\"user_id\": 1, \"event\": \"a\"}\n");
    Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"user_id\": 1.7, \"event\": \"a\"}\n");
    Result failed = run("append", table, good.toString(), bad.toString());
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err().lines()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("datashard: ").contains("bad.jsonl", "line 1", "user_id", "1.7"));
    assertThat(run("count", table).out().trim()).isEqualTo("0");
    assertThat(run("snapshots", table, "--format", "jsonl").out()).isEmpty();

    Result missingTable = run("count", dir.resolve("nope").toString());
    assertThat(missingTable.code()).isEqualTo(1);
    assertThat(missingTable.err()).contains("no table at");
    Result missingFile = run("append", table, dir.resolve("absent.csv").toString());
    assertThat(missingFile.code()).isEqualTo(1);
    assertThat(missingFile.err()).contains("absent.csv");
    Result unknownColumn = run("scan", table, "--columns", "colour");
    assertThat(unknownColumn.code()).isEqualTo(1);
    assertThat(unknownColumn.err()).contains("unknown column 'colour'");
    assertThat(run("scan", table, "--format", "xml").code()).isEqualTo(2);
    Result exists = run("create", table, "--schema", dir.resolve("schema.json").toString());
    assertThat(exists.code()).isEqualTo(1);
    assertThat(exists.err()).contains("already exists");
  }

  @Test
  void timestampsOfTheYears1To9999RoundTripThroughAppendAndScan() throws IOException {
    String table = createTable("times", """
        {"schema_id":1,"fields":[{"id":1,"name":"id","type":"long","required":true},
        {"id":2,"name":"ts","type":"timestamp","required":false},
        {"id":3,"name":"tstz","type":"timestamptz","required":false},
        {"id":4,"name":"day","type":"date","required":false}]}""");
    String first = "{\"id\":1,\"ts\":\"0001-01-01T00:00:00.000000\","
        + "\"tstz\":\"0001-01-01T00:00:00.000000+00:00\",\"day\":\"0001-01-01\"}";
    String last = "{\"id\":2,\"ts\":\"9999-12-31T23:59:59.999999\","
        + "\"tstz\":\"9999-12-31T23:59:59.999999+00:00\",\"day\":\"9999-12-31\"}";
    Path jsonl = Files.writeString(dir.resolve("times.jsonl"), first + "\n" + last + "\n");
    Path csv = Files.writeString(dir.resolve("times.csv"),
        "id,ts,tstz\n3,0001-01-01T00:00:00,9999-12-31T23:59:59.999999Z\n");
    Result appended = run("append", table, jsonl.toString(), csv.toString());
    assertThat(appended.code()).as(appended.err()).isZero();

    Result scan = run("scan", table, "--format", "jsonl");
    assertThat(scan.code()).as(scan.err()).isZero();
    assertThat(scan.out().lines()).containsExactlyInAnyOrder(first, last, "{\"id\":3,"
        + "\"ts\":\"0001-01-01T00:00:00.000000\",\"tstz\":\"9999-12-31T23:59:59.999999+00:00\",\"day\":null}");
    // What scan prints appends again unchanged.
    Path printed = Files.writeString(dir.resolve("printed.jsonl"), scan.out());
    assertThat(run("append", table, printed.toString()).code()).isZero();
    assertThat(run("scan", table, "--where", "ts < '0002-01-01T00:00:00'", "--columns", "id").out().lines())
        .containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":3}", "{\"id\":1}", "{\"id\":3}");
  }

  @Test
  void rowLevelDeleteOverwriteAndCompact() throws IOException {
    String table = createEventsTable();
    Path day1 = Files.writeString(dir.resolve("day1.jsonl"), """
        {"user_id": 1, "event": "login", "day": "2026-11-29"}
        {"user_id": 2, "event": "click", "day": "2026-11-29"}
        """);
    Path day2 = Files.writeString(dir.resolve("day2.jsonl"), """
        {"user_id": 3, "event": "login", "day": "2026-11-30"}
        {"user_id": 4, "event": "click", "day": "2026-11-30"}
        """);
    assertThat(run("append", table, day1.toString()).code()).isZero();
    assertThat(run("append", table, day2.toString()).code()).isZero();

    Result deleted = run("delete", table, "--where", "event = 'click'");
    assertThat(deleted.code()).as(deleted.err()).isZero();
    assertThat(deleted.out()).contains("overwrite snapshot", "2 rows removed", "data files removed 2, written 1");
    assertThat(run("count", table).out().trim()).isEqualTo("2");
    assertThat(run("delete", table, "--where", "user_id > 100").out()).contains("nothing deleted");
    Result unknown = run("delete", table, "--where", "colour = 'red'");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("colour");
    assertThat(run("delete", table).code()).isEqualTo(2); // --where is required

    // Re-ingesting a day twice leaves one copy of it.
    for (int run = 0; run < 2; run++) {
      Result overwritten = run("overwrite", table, "--where", "day = '2026-11-29'", day1.toString());
      assertThat(overwritten.code()).as(overwritten.err()).isZero();
      assertThat(overwritten.out()).contains("overwrite snapshot");
    }
    assertThat(run("scan", table, "--columns", "user_id", "--format", "csv").out().lines().skip(1).sorted())
        .containsExactly("1", "2", "3");

    Path day3 = Files.writeString(dir.resolve("day3.jsonl"), "{\"user_id\": 5, \"event\": \"login\"}\n");
    assertThat(run("append", table, day3.toString()).code()).isZero();
    Result compacted = run("compact", table);
    assertThat(compacted.code()).as(compacted.err()).isZero();
    assertThat(compacted.out()).contains("rewrote 2 data files", "into 1");
    assertThat(run("count", table).out().trim()).isEqualTo("4");
    assertThat(run("compact", table).out()).contains("nothing to compact");
  }

  @Test
  void timeTravelFiltersAndSnapshotMaintenance() throws IOException, InterruptedException {
    String table = createEventsTable();
    Path first = Files.writeString(dir.resolve("1.jsonl"), "{\"user_id\": 1, \"event\": \"login\"}\n");
    Path second = Files.writeString(dir.resolve("2.jsonl"),
        "{\"user_id\": 2, \"event\": \"logout\"}\n{\"user_id\": 3, \"event\": \"click\"}\n");
    assertThat(run("append", table, first.toString()).code()).isZero();
    Thread.sleep(5);
    assertThat(run("append", table, second.toString()).code()).isZero();
    String[] ids = run("snapshots", table, "--format", "jsonl").out().lines()
        .map(l -> l.replaceAll(".*\"snapshot_id\":(\\d+).*", "$1")).toArray(String[]::new);
    String firstTime = run("snapshots", table, "--format", "jsonl").out().lines().findFirst().orElseThrow()
        .replaceAll(".*\"timestamp_ms\":(\\d+).*", "$1");

    assertThat(run("count", table, "--as-of", firstTime).out().trim()).isEqualTo("1");
    assertThat(run("count", table, "--as-of", java.time.Instant.ofEpochMilli(Long.parseLong(firstTime)).toString())
        .out().trim()).isEqualTo("1");
    assertThat(run("count", table, "--where", "user_id >= 2 and event in ('click', 'view')").out().trim()).isEqualTo("1");
    assertThat(run("scan", table, "--where", "not (user_id = 1)", "--columns", "user_id").out().lines())
        .containsExactlyInAnyOrder("{\"user_id\":2}", "{\"user_id\":3}");
    Result badWhere = run("scan", table, "--where", "user_id ==");
    assertThat(badWhere.code()).isEqualTo(1);
    assertThat(badWhere.err()).contains("cannot parse filter");
    assertThat(run("count", table, "--snapshot", ids[0], "--as-of", firstTime).code()).isEqualTo(2);

    Result files = run("files", table, "--where", "user_id = 1");
    assertThat(files.out().lines()).hasSize(3);
    String firstFile = files.out().lines().skip(2).findFirst().orElseThrow().split("\\s+")[0];
    Result deleted = run("delete-files", table, firstFile);
    assertThat(deleted.code()).as(deleted.err()).isZero();
    assertThat(run("count", table).out().trim()).isEqualTo("2");
    assertThat(run("delete-files", table, firstFile).err()).contains("not a live data file");

    Result rollback = run("rollback", table, ids[0]);
    assertThat(rollback.code()).as(rollback.err()).isZero();
    assertThat(run("count", table).out().trim()).isEqualTo("1");
    Result expire = run("expire", table, "--older-than", Long.toString(System.currentTimeMillis() + 1000));
    assertThat(expire.code()).as(expire.err()).isZero();
    assertThat(expire.out()).contains("expired 2 snapshot(s)", "1 data file(s)");
    // The expired snapshots' log entries went, and with them the history before: a time there is
    // refused rather than answered with a snapshot that may not have been current then.
    Result expiredTime = run("count", table, "--as-of", firstTime);
    assertThat(expiredTime.code()).isEqualTo(1);
    assertThat(expiredTime.err()).contains("as of " + java.time.Instant.ofEpochMilli(Long.parseLong(firstTime)),
        "snapshot log begins at");
    assertThat(run("count", table, "--as-of", Long.toString(System.currentTimeMillis())).out().trim()).isEqualTo("1");
    Result orphans = run("orphans", table, "--dry-run");
    assertThat(orphans.out()).contains("would delete 0 orphan file(s)");
    assertThat(run("set-property", table, "commit.retry.num-retries", "7").out()).contains("commit.retry.num-retries=7");
    assertThat(run("set-property", table, "commit.retry.num-retries", "--unset").code()).isZero();
    assertThat(run("set-property", table, "k").code()).isEqualTo(2);
  }

  @Test
  void setPropertyRefusesBadValuesAndRepairsThoseOthersStored() throws IOException {
    String table = createEventsTable();
    Path metadata = Path.of(table, "metadata");
    List<String> versionsBefore = metadataVersions(metadata);
    String[][] refused = {{"commit.retry.min-wait-ms", "5000"}, {"commit.retry.num-retries", "abc"},
        {"commit.manifest.min-count-to-merge", "x"}};
    for (String[] property : refused) {
      Result result = run("set-property", table, property[0], property[1]);
      assertThat(result.code()).isEqualTo(1);
      assertThat(result.err().lines()).singleElement().satisfies(line -> assertThat(line)
          .startsWith("datashard: ").contains(property[0], property[1], "must"));
    }
    assertThat(metadataVersions(metadata)).isEqualTo(versionsBefore);

    // Stored by another engine, the same values neither fail commits nor their own repair.
    OtherEngine.setProperties(Path.of(table), Map.of(refused[0][0], refused[0][1], refused[1][0], refused[1][1],
        refused[2][0], refused[2][1]));
    Path rows = Files.writeString(dir.resolve("rows.jsonl"), "{\"user_id\": 1, \"event\": \"a\"}\n");
    Result appended = run("append", table, rows.toString());
    assertThat(appended.code()).as(appended.err()).isZero();
    assertThat(run("set-property", table, "commit.retry.min-wait-ms", "--unset").code()).isZero();
    assertThat(run("set-property", table, "commit.retry.num-retries", "--unset").code()).isZero();
    assertThat(run("set-property", table, "commit.manifest.min-count-to-merge", "20").code()).isZero();
    try (DataShard shard = Main.openStore()) {
      assertThat(shard.loadTable(table).properties()).containsOnly(Map.entry("commit.manifest.min-count-to-merge", "20"));
    }
  }

  private static List<String> metadataVersions(Path metadata) throws IOException {
    try (Stream<Path> files = Files.list(metadata)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".metadata.json")).sorted().toList();
    }
  }

  @Test
  void demoRunsOnAFreshWarehouse() {
    Result demo = run("demo", dir.resolve("warehouse").toString());
    assertThat(demo.code()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("create table", "append 10,000 records", "read 50,000 records",
        "ingest 1,000,000 rows");
  }

  @Test
  void everyCommandAnswersHelpWithItsUsageAndAnExample() {
    Result all = run("--help");
    for (var command : Main.COMMANDS.entrySet()) {
      assertThat(command.getValue().getAnnotation(picocli.CommandLine.Command.class).name()).isEqualTo(command.getKey());
      assertThat(all.out()).as("datashard --help").contains("  " + command.getKey() + " ");
    }
    for (String command : Main.COMMANDS.keySet()) {
      Result help = run(command, "--help");
      assertThat(help.code()).as(command + " --help: " + help.err()).isZero();
      assertThat(help.out()).as(command).startsWith("Usage: datashard " + command).contains("Example:")
          .contains("  datashard " + command + " ");
    }
  }

  @Test
  void benchOnLocalDiskPrintsTheLatencyTableAndLeavesNothingBehind() {
    Result bench = run("bench", "--iterations", "1");
    assertThat(bench.code()).as(bench.err()).isZero();
    assertThat(bench.out()).contains("| Operation | Local (median / p90) |", "| append 100 records | ",
        "| read 50,000 records (every value) | ");
    Path warehouse = Path.of(bench.out().lines().findFirst().orElseThrow().replaceAll("^local disk (\\S+): .*", "$1"));
    assertThat(warehouse.getFileName().toString()).startsWith("datashard-bench-");
    assertThat(warehouse).as("the local warehouse is deleted").doesNotExist();
    assertThat(run("bench", "--iterations", "0").code()).isEqualTo(2);
  }
}
