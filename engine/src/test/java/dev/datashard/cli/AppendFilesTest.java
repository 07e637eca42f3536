package dev.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's appends: right-sized data files whatever the input, the write properties' rules, and
 * exactly-once appends with an idempotency key.
 */
class AppendFilesTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  private String createTable() throws IOException {
    Path schema = Files.writeString(dir.resolve("schema.json"), """
        {"schema_id":1,"fields":[{"id":1,"name":"user_id","type":"long","required":true},
        {"id":2,"name":"event","type":"string","required":true},
        {"id":3,"name":"ts","type":"long","required":true},
        {"id":4,"name":"amount","type":"double","required":false},
        {"id":5,"name":"country","type":"string","required":false}]}""");
    String table = dir.resolve("events").toString();
    Result created = run("create", table, "--schema", schema.toString());
    assertThat(created.code()).as(created.err()).isZero();
    return table;
  }

  private Path jsonl(String name, int rows) throws IOException {
    Path file = dir.resolve(name);
    String[] events = {"login", "logout", "click", "view", "purchase"};
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      for (int i = 0; i < rows; i++) {
        out.write("{\"user_id\":" + i + ",\"event\":\"" + events[i % 5] + "\",\"ts\":" + (1_700_000_000_000L + i)
            + ",\"amount\":" + (i % 1000) / 4.0 + ",\"country\":\"c" + i % 40 + "\"}\n");
      }
    }
    return file;
  }

  private List<Path> dataFiles(String table) throws IOException {
    try (Stream<Path> files = Files.walk(Path.of(table, "data"))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
  }

  @Test
  void aLargeJsonlFileBecomesOneDataFile() throws IOException {
    String table = createTable();
    // Three chunks of 65,536 records for the CLI's parser: one data file all the same.
    Result appended = run("append", table, jsonl("big.jsonl", 150_000).toString());
    assertThat(appended.code()).as(appended.err()).isZero();
    assertThat(appended.out()).contains("appended 150000 rows");
    assertThat(dataFiles(table)).hasSize(1);
    assertThat(run("count", table).out().trim()).isEqualTo("150000");

    // A smaller target: the same input rolls into several files, every row kept.
    Result set = run("set-property", table, "write.target-file-size-bytes", "200000");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(run("append", table, dir.resolve("big.jsonl").toString()).code()).isZero();
    assertThat(dataFiles(table)).hasSizeGreaterThan(3);
    assertThat(run("count", table).out().trim()).isEqualTo("300000");
  }

  @Test
  void setPropertyRefusesWhatTheWriterCannotHonour() throws IOException {
    String table = createTable();
    Result refused = run("set-property", table, "write.parquet.compression-codec", "zip");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err().lines()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("datashard: ").contains("write.parquet.compression-codec", "zip", "zstd"));
    Result size = run("set-property", table, "write.parquet.page-size-bytes", "-1");
    assertThat(size.code()).isEqualTo(1);
    assertThat(size.err()).contains("write.parquet.page-size-bytes");
    // Nothing was committed: the table is still at its first version.
    assertThat(Path.of(table, "metadata", "v2.metadata.json")).doesNotExist();

    assertThat(run("set-property", table, "write.parquet.compression-codec", "snappy").code()).isZero();
    assertThat(run("append", table, jsonl("small.jsonl", 10).toString()).code()).isZero();
    assertThat(run("count", table).out().trim()).isEqualTo("10");
  }

  @Test
  void anAppendRetriedWithItsIdempotencyKeyCommitsNothing() throws IOException {
    String table = createTable();
    String input = jsonl("day-1.jsonl", 100).toString();
    Result first = run("append", table, input, "--idempotency-key", "day-1.jsonl@2026-11-30");
    assertThat(first.code()).as(first.err()).isZero();
    String snapshot = first.out().replaceAll("(?s).*in snapshot (-?\\d+).*", "$1");

    Result retry = run("append", table, input, "--idempotency-key", "day-1.jsonl@2026-11-30");
    assertThat(retry.code()).as(retry.err()).isZero();
    assertThat(retry.out().strip()).isEqualTo("nothing appended: idempotency key 'day-1.jsonl@2026-11-30' was"
        + " committed in snapshot " + snapshot);
    assertThat(run("count", table).out().trim()).isEqualTo("100");
    assertThat(run("snapshots", table, "--format", "jsonl").out().lines()).hasSize(1);

    assertThat(run("append", table, input, "--idempotency-key", "day-1.jsonl@2026-12-01").code()).isZero();
    assertThat(run("count", table).out().trim()).isEqualTo("200");
  }
}
