package dev.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code datashard alter} and {@code datashard schema}. */
class AlterCommandTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  private Result ok(String... args) {
    Result result = run(args);
    assertThat(result.code()).as(result.err()).isZero();
    return result;
  }

  private String createTable() throws IOException {
    Path schema = Files.writeString(dir.resolve("schema.json"), """
        {"schema_id":0,"fields":[{"id":1,"name":"user_id","type":"long","required":true},
        {"id":2,"name":"event","type":"string","required":true},
        {"id":3,"name":"clicks","type":"int","required":false},
        {"id":4,"name":"amount","type":"decimal(9,2)","required":false},
        {"id":5,"name":"place","type":{"type":"struct","fields":[
          {"id":6,"name":"city","type":"string","required":false}]},"required":false}]}""");
    String table = dir.resolve("events").toString();
    ok("create", table, "--schema", schema.toString());
    Path rows = Files.writeString(dir.resolve("a.jsonl"),
        "{\"user_id\": 1, \"event\": \"login\", \"clicks\": 3, \"amount\": \"1.50\", \"place\": {\"city\": \"Oslo\"}}\n");
    ok("append", table, rows.toString());
    return table;
  }

  @Test
  void everyChangeAndTheSchemaItLeaves() throws IOException {
    String table = createTable();
    assertThat(ok("alter", table, "add-column", "country", "string", "--after", "user_id").out())
        .contains("schema 1 is current");
    ok("alter", table, "add-column", "place.zip", "int", "--first");
    ok("alter", table, "rename-column", "event", "action");
    ok("alter", table, "promote-column", "clicks", "long");
    ok("alter", table, "promote-column", "amount", "decimal(20,2)");
    ok("alter", table, "make-optional", "user_id");
    ok("alter", table, "move-column", "amount", "--first");
    ok("alter", table, "drop-column", "place.city");

    Result schema = ok("schema", table, "--format", "table");
    assertThat(schema.out()).contains("schema 8");
    assertThat(schema.out().lines().skip(3).map(l -> l.trim().split("\\s+")[1]))
        .containsExactly("amount", "user_id", "country", "action", "clicks", "place", "place.zip");
    assertThat(schema.out()).contains("decimal(20, 2)");

    Result scan = ok("scan", table, "--format", "jsonl");
    assertThat(scan.out().trim()).isEqualTo("{\"amount\":\"1.50\",\"user_id\":1,\"country\":null,"
        + "\"action\":\"login\",\"clicks\":3,\"place\":{\"zip\":null}}");

    // The json form is what create --schema takes.
    Path json = Files.writeString(dir.resolve("evolved.json"), ok("schema", table, "--format", "json").out());
    ok("create", dir.resolve("copy").toString(), "--schema", json.toString());
    assertThat(ok("schema", dir.resolve("copy").toString(), "--format", "json").out())
        .isEqualTo(ok("schema", table, "--format", "json").out());
  }

  @Test
  void snapshotSchemaAndHistory() throws IOException {
    String table = createTable();
    String firstSnapshot = ok("snapshots", table, "--format", "jsonl").out()
        .replaceAll("(?s).*\"snapshot_id\":(\\d+).*", "$1");
    ok("alter", table, "rename-column", "event", "action");
    Path rows = Files.writeString(dir.resolve("b.jsonl"), "{\"user_id\": 2, \"action\": \"buy\"}\n");
    ok("append", table, rows.toString());

    assertThat(ok("schema", table, "--snapshot", firstSnapshot, "--format", "json").out())
        .contains("\"name\":\"event\"").doesNotContain("\"action\"");
    assertThat(ok("scan", table, "--snapshot", firstSnapshot, "--format", "jsonl").out()).contains("\"event\":\"login\"");
    Result history = ok("schema", table, "--history");
    assertThat(history.out().lines()).hasSize(4);
    assertThat(history.out().lines().skip(2).findFirst().orElseThrow()).contains(firstSnapshot).contains("event");
    assertThat(history.out().lines().skip(3).findFirst().orElseThrow()).contains("yes").contains("action");
    assertThat(ok("schema", table, "--history", "--format", "json").out().lines())
        .hasSize(2).last().asString().contains("\"schema_id\":1", "\"current\":true");
  }

  @Test
  void refusalsAreOneLineNamingTheColumnAndTheRule() throws IOException {
    String table = createTable();
    String before = ok("schema", table, "--format", "json").out();
    assertRefused(run("alter", table, "promote-column", "user_id", "int"), "'user_id'", "int to long");
    assertRefused(run("alter", table, "add-column", "n", "int", "--required", "--default", "0"), "'n'",
        "format version 2");
    assertRefused(run("alter", table, "add-column", "n", "int", "--required"), "'n'", "format version 2");
    assertRefused(run("alter", table, "add-column", "event", "string"), "'event'", "unique");
    assertRefused(run("alter", table, "drop-column", "nope"), "'nope'", "unknown column");
    assertRefused(run("alter", table, "add-column", "n", "integer"), "'integer'", "unknown type");
    assertThat(ok("schema", table, "--format", "json").out()).isEqualTo(before);
    Result usage = run("alter", table, "move-column", "event");
    assertThat(usage.code()).isEqualTo(2);
  }

  @Test
  void partitionByChangesTheSpecOfNewDataAndFilesShowWhatSurvives() throws IOException {
    String table = createTable();
    assertThat(ok("alter", table, "partition-by", "event, bucket(4, user_id)").out().trim())
        .isEqualTo("partition spec 1 is the default: event = identity(event), user_id_bucket_4 = bucket[4](user_id)");
    Path rows = Files.writeString(dir.resolve("b.jsonl"), """
        {"user_id": 2, "event": "click"}
        {"user_id": 3, "event": "logout"}
        """);
    ok("append", table, rows.toString());
    Result files = ok("files", table, "--where", "event = 'click'");
    // Spec 1's manifest (click to logout) is read, its logout file skipped by partition; the
    // unpartitioned first file (login) is skipped by its column bounds.
    assertThat(files.out().lines().skip(2)).hasSize(1).allMatch(line -> line.contains("/event=click/"));
    assertThat(files.err().trim())
        .isEqualTo("manifests read: 2 of 2; files: 3 live in those, 2 kept by partition, 1 by column bounds");
    assertRefused(run("alter", table, "partition-by", "day(event)"), "'event'", "string");
    assertRefused(run("alter", table, "partition-by", "bucket(4, nope)"), "nope", "unknown column");
    assertThat(ok("alter", table, "partition-by", "").out()).contains("partition spec 0 is the default: unpartitioned"); // the first spec, reused
    assertThat(ok("count", table).out().trim()).isEqualTo("3");
  }

  private static void assertRefused(Result result, String column, String rule) {
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err().lines()).singleElement().asString().contains(column, rule);
  }
}
