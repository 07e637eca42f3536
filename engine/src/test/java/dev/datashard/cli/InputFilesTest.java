package dev.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.datashard.DataShard;
import dev.datashard.LocalWarehouse;
import dev.datashard.Schema;
import dev.datashard.Table;
import dev.datashard.Transaction;
import dev.datashard.ValidationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The .jsonl and .csv input of {@code datashard append}: every bad line or value is an error
 * naming the file, its physical line and the field, and nothing is appended.
 */
class InputFilesTest {
  private static final Schema SCHEMA = Schema.fromJson("""
      {"schema_id": 1, "fields": [
        {"id": 1, "name": "id", "type": "long", "required": true},
        {"id": 2, "name": "s", "type": "string", "required": false},
        {"id": 3, "name": "d", "type": "double", "required": false},
        {"id": 4, "name": "f", "type": "float", "required": false},
        {"id": 5, "name": "t", "type": "time", "required": false},
        {"id": 6, "name": "ts", "type": "timestamp", "required": false}]}""");

  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();
  private Path dir;
  private BufferAllocator allocator;
  private DataShard shard;
  private Table table;

  @BeforeEach
  void open() {
    dir = warehouse.scratch();
    allocator = warehouse.allocator();
    shard = warehouse.shard();
    table = shard.createTable("t", SCHEMA);
  }

  /** Appends one input file in one commit, as {@code datashard append} does. */
  private void append(String fileName, byte[] content) throws IOException {
    Path file = Files.write(dir.resolve(fileName), content);
    try (Transaction tx = table.newTransaction()) {
      new InputFiles(allocator, new Progress(System.err, false)).append(tx, file);
      tx.commit();
    }
  }

  private void append(String fileName, String content) throws IOException {
    append(fileName, content.getBytes(StandardCharsets.UTF_8));
  }

  /** The error for a file, without the file name it starts with; the table must not have changed. */
  private String rejected(String fileName, byte[] content) {
    Throwable thrown = catchThrowable(() -> append(fileName, content));
    assertThat(thrown).isInstanceOf(ValidationException.class);
    assertThat(table.refresh().snapshots()).as("snapshots after rejecting " + fileName).isEmpty();
    String prefix = dir.resolve(fileName) + ": ";
    assertThat(thrown.getMessage()).startsWith(prefix);
    return thrown.getMessage().substring(prefix.length());
  }

  private String rejected(String fileName, String content) {
    return rejected(fileName, content.getBytes(StandardCharsets.UTF_8));
  }

  private List<Map<String, Object>> rows() {
    return table.refresh().newScan().toRecords().stream()
        .sorted(Comparator.comparing(row -> (Long) row.get("id"))).toList();
  }

  @Test
  void aJsonLineHoldsExactlyOneObject() throws IOException {
    assertThat(rejected("two.jsonl", "{\"id\":1,\"s\":\"a\"}{\"id\":2,\"s\":\"b\"}\n"))
        .isEqualTo("line 1 holds more than one JSON value: the format is one JSON object per line");
    assertThat(rejected("garbage.jsonl", "{\"id\":1}\n{\"id\":2} garbage\n"))
        .startsWith("line 2 has text after its JSON object: Unrecognized token 'garbage'");
    assertThat(rejected("array.jsonl", "[1, 2]\n")).isEqualTo("line 1 is not a JSON object");
    assertThat(rejected("cut.jsonl", "{\"id\":1\n")).startsWith("line 1 is not a JSON object: Unexpected end-of-input");
    assertThat(rejected("twice.jsonl", "{\"id\":1,\"s\":\"a\",\"id\":2}\n"))
        .isEqualTo("line 1: field 'id' appears twice");

    append("good.jsonl", "{\"id\":1,\"s\":\"a\"}   \n{\"id\":2,\"s\":\"b\"}");
    assertThat(rows()).extracting(row -> row.get("s")).containsExactly("a", "b");
  }

  @Test
  void errorsNameThePhysicalLineWhateverWasSkipped() {
    assertThat(rejected("blanks.jsonl", "\n\n{\"id\":1}\n  \n{\"id\":2,\"d\":\"x\"}\n"))
        .isEqualTo("line 5, field 'd': 'x' (String) is not a valid double");
    assertThat(rejected("crlf.jsonl", "{\"id\":1}\r\n\r\n{\"s\":\"no id\"}\r\n"))
        .isEqualTo("line 3: required field 'id' is missing or null");
    // A quoted CSV cell spanning lines moves the rows after it down.
    assertThat(rejected("lines.csv", "id,s,d\n1,\"two\nlines\",1.5\n2,x,oops\n"))
        .isEqualTo("line 4, field 'd': 'oops' (String) is not a valid double");

    // The second chunk of records is counted on from the first.
    StringBuilder text = new StringBuilder("\n");
    for (int id = 0; id < 65_536; id++) {
      text.append("{\"id\":").append(id).append("}\n");
    }
    text.append("\n{\"id\":1.5}\n");
    assertThat(rejected("long.jsonl", text.toString())).startsWith("line 65539, field 'id': 1.5 is not a whole number");
  }

  @Test
  void bytesThatAreNotUtf8AreAnErrorNamingTheLine() throws IOException {
    assertThat(rejected("latin1.jsonl", bytes("{\"id\":1}\n\n{\"id\":2,\"s\":\"", 0xff, "\"}\n")))
        .isEqualTo("line 3 is not valid UTF-8 (byte 0xff)");
    assertThat(rejected("cut.csv", bytes("id,s\n1,a\n2,", 0xc3, "\n3,b\n")))
        .isEqualTo("line 3 is not valid UTF-8 (byte 0xc3)");

    // A byte-order mark is not part of the first column's name; multi-byte characters may cross
    // the reader's buffers.
    String longText = "é✓".repeat(30_000);
    append("bom.csv", bytes(0xef, 0xbb, 0xbf, "id,s\n7,bom\n"));
    append("long.jsonl", "{\"id\":8,\"s\":\"" + longText + "\"}\n");
    assertThat(rows()).extracting(row -> row.get("s")).containsExactly("bom", longText);
  }

  /** Text as UTF-8 with raw bytes (the integers) among it. */
  private static byte[] bytes(Object... textAndBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : textAndBytes) {
      if (part instanceof String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  @Test
  void aCsvHeaderNamesEachColumnOnceAndRowsFitIt() {
    assertThat(rejected("twice.csv", "id,s,s\n5,a,b\n")).isEqualTo("line 1: the header names column 's' twice");
    assertThat(rejected("wide.csv", "id,s\n1,a\n2,b,c\n")).isEqualTo("line 3 has 3 values but the header names 2 columns");
    assertThat(rejected("quote.csv", "id,s\n1,\"open\n")).startsWith("line 2 is not valid CSV: Missing closing quote");
  }

  @Test
  void numbersBeyondTheirTypeAreErrors() throws IOException {
    assertThat(rejected("big.csv", "id,d\n1,1e400\n"))
        .startsWith("line 2, field 'd': '1e400' is out of range for double");
    assertThat(rejected("big-float.csv", "id,f\n1,3.5e38\n"))
        .startsWith("line 2, field 'f': '3.5e38' is out of range for float");
    assertThat(rejected("tiny.csv", "id,d\n1,1e-400\n"))
        .startsWith("line 2, field 'd': '1e-400' is out of range for double");
    assertThat(rejected("big.jsonl", "{\"id\":1,\"d\":1e400}\n"))
        .startsWith("line 1, field 'd': 1E+400 is out of range for double");
    assertThat(rejected("long.jsonl", "{\"id\":9223372036854775808}\n"))
        .isEqualTo("line 1, field 'id': 9223372036854775808 is out of range for long");

    append("special.csv", "id,d,f\n1,Infinity,-Infinity\n2,NaN,NaN\n");
    assertThat(rows()).extracting(row -> row.get("d")).containsExactly(Double.POSITIVE_INFINITY, Double.NaN);
    assertThat(rows()).extracting(row -> row.get("f")).containsExactly(Float.NEGATIVE_INFINITY, Float.NaN);
  }

  @Test
  void negativeZeroKeepsItsSign() throws IOException {
    append("zeros.jsonl", "{\"id\":1,\"d\":-0.0,\"f\":-0.0}\n{\"id\":2,\"d\":0.0,\"f\":-0e5}\n");
    append("zeros.csv", "id,d,f\n3,-0.0,-0\n");
    // Compared as text: 0.0 equals -0.0 as a number.
    assertThat(rows()).extracting(row -> String.valueOf(row.get("d"))).containsExactly("-0.0", "0.0", "-0.0");
    assertThat(rows()).extracting(row -> String.valueOf(row.get("f"))).containsExactly("-0.0", "-0.0", "-0.0");
  }

  @Test
  void timesAndTimestampsOutOfRangeAreErrors() throws IOException {
    assertThat(rejected("day.jsonl", "{\"id\":1,\"t\":86399999999}\n{\"id\":2,\"t\":86400000000}\n"))
        .isEqualTo("line 2, field 't': 86400000000 is out of range for time: microseconds since midnight are 0 "
            + "to 86399999999");
    assertThat(rejected("negative.jsonl", "{\"id\":1,\"t\":-1}\n")).startsWith("line 1, field 't': -1 is out of range");
    assertThat(rejected("year.csv", "id,ts\n1,+10000-01-01T00:00:00\n"))
        .isEqualTo("line 2, field 'ts': '+10000-01-01T00:00:00' is out of range for timestamp: years 0001 to 9999 only");

    // Before 1677 and after 2262, where nanoseconds since 1970 overflow a long.
    append("old.csv", "id,ts\n1,1600-02-29T12:00:00.000001\n2,2300-01-01T00:00:00\n");
    assertThat(rows()).extracting(row -> row.get("ts"))
        .containsExactly(LocalDateTime.of(1600, 2, 29, 12, 0, 0, 1_000), LocalDateTime.of(2300, 1, 1, 0, 0));
  }

  @Test
  void unknownColumnsAndMissingRequiredFieldsAreErrors() {
    String columns = "(table columns: id, s, d, f, t, ts)";
    assertThat(rejected("colour.jsonl", "{\"id\":1}\n{\"id\":2,\"colour\":\"red\"}\n"))
        .isEqualTo("line 2: unknown column 'colour' " + columns);
    // A CSV names its columns once, in the header, so that is where the error points.
    assertThat(rejected("colour.csv", "id,colour\n1,red\n")).isEqualTo("line 1: unknown column 'colour' " + columns);
    assertThat(rejected("no-id.csv", "id,s\n1,a\n,b\n")).isEqualTo("line 3: required field 'id' is missing or null");
    assertThat(rejected("no-id-column.csv", "s\na\n")).isEqualTo("line 2: required field 'id' is missing or null");
    assertThat(rejected("null-id.jsonl", "{\"id\":null}\n")).isEqualTo("line 1: required field 'id' is missing or null");
  }

  @Test
  void csvQuotesFollowRfc4180() throws IOException {
    assertThat(rejected("after.csv", "id,s\n1,\"a\"b\n")).isEqualTo("line 2 is not valid CSV: text after the closing "
        + "quote of a value");
    assertThat(rejected("inside.csv", "id,s\n1,a\"b\n")).startsWith("line 2 is not valid CSV: a quote inside a value");

    append("quotes.csv", "\"id\",s\r\n1,\"a, \"\"b\"\"\r\nc\"\r\n\r\n2,\"\"\r\n3,\r\n");
    assertThat(rows()).extracting(row -> row.get("s")).containsExactly("a, \"b\"\r\nc", null, null);
  }

  @Test
  void jsonEscapesAndOrderOfFieldsAreRead() throws IOException {
    append("escapes.jsonl", "{\"s\":\"tab\\there \\u00e9 \\ud83d\\ude00\",\"id\":1}\n"
        + "{ \"d\" : 2.5 , \"id\" : 2 , \"s\" : \"x\" }\n{\"id\":3,\"s\":null,\"d\":-1}\n");
    assertThat(rows()).extracting(row -> row.get("s")).containsExactly("tab\there \u00e9 \ud83d\ude00", "x", null);
    assertThat(rows()).extracting(row -> row.get("d")).containsExactly(null, 2.5, -1.0);
  }

  @Test
  void decimalsReadFromTheBytesEqualJavasParsing() throws IOException {
    // Short decimals take the fast path; the others (more than 2^53, powers of ten past 22) do not.
    List<String> texts = List.of("0.1", "123.456e-5", "1e22", "1e23", "9007199254740993", "0.30000000000000004",
        "4.35", "-7.125E+3", "1234567890123456789.5", "2.2250738585072014E-308");
    StringBuilder csv = new StringBuilder("id,d\n");
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < texts.size(); i++) {
      csv.append(i).append(',').append(texts.get(i)).append('\n');
      jsonl.append("{\"id\":").append(100 + i).append(",\"d\":").append(texts.get(i)).append("}\n");
    }
    append("decimals.csv", csv.toString());
    append("decimals.jsonl", jsonl.toString());
    List<Double> expected = texts.stream().map(Double::parseDouble).toList();
    List<Object> read = rows().stream().map(row -> row.get("d")).toList();
    assertThat(read.subList(0, texts.size())).isEqualTo(expected);
    assertThat(read.subList(texts.size(), 2 * texts.size())).isEqualTo(expected);
  }

  @Test
  void compressedInputsAreRead() throws IOException {
    String jsonl = "{\"id\":1,\"s\":\"gz\"}\n";
    append("a.jsonl.gz", gzip(jsonl.getBytes(StandardCharsets.UTF_8)));
    append("b.csv.zst", zstd("id,s\n2,zst\n".getBytes(StandardCharsets.UTF_8)));
    append("c.JSONL.GZ", gzip("{\"id\":3,\"s\":\"upper\"}\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(rows()).extracting(row -> row.get("s")).containsExactly("gz", "zst", "upper");
    table.refresh().snapshots().forEach(snapshot -> assertThat(snapshot.summary()).containsEntry("added-records", "1"));
  }

  @Test
  void damagedCompressedInputIsAnErrorAndNothingIsAppended() throws IOException {
    byte[] gz = gzip("{\"id\":1}\n{\"id\":2}\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
    assertThat(rejected("cut.jsonl.gz", java.util.Arrays.copyOf(gz, gz.length / 2)))
        .startsWith("line ").contains("the compressed input is damaged or cut short");
    assertThat(rejected("plain.csv.gz", "id\n1\n")).startsWith("line 1: the compressed input is damaged or cut short");
    byte[] zst = zstd("id\n1\n".getBytes(StandardCharsets.UTF_8));
    zst[zst.length - 2] ^= 0x55;
    assertThat(rejected("bad.csv.zst", zst)).contains("the compressed input is damaged or cut short");
    assertThat(rejected("data.parquet.gz", new byte[0])).isEqualTo("only .jsonl and .csv inputs may be compressed (.gz, .zst)");
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] zstd(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (io.airlift.compress.zstd.ZstdOutputStream zst = new io.airlift.compress.zstd.ZstdOutputStream(out)) {
      zst.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void intsOutOfRangeAreErrorsOnTheFastPathToo() throws IOException {
    Table ints = shard.createTable("ints", Schema.fromJson("""
        {"schema_id": 1, "fields": [{"id": 1, "name": "i", "type": "int", "required": true}]}"""));
    for (String[] input : new String[][] {{"big.jsonl", "{\"i\":2147483647}\n{\"i\":2147483648}\n", "line 2"},
        {"small.csv", "i\n-2147483648\n-2147483649\n", "line 3"}}) {
      Path file = Files.writeString(dir.resolve(input[0]), input[1]);
      Throwable thrown = catchThrowable(() -> {
        try (Transaction tx = ints.newTransaction()) {
          new InputFiles(allocator, new Progress(System.err, false)).append(tx, file);
          tx.commit();
        }
      });
      assertThat(thrown).isInstanceOf(ValidationException.class)
          .hasMessageContaining(file + ": " + input[2] + ", field 'i': ").hasMessageContaining("is out of range for int");
    }
    assertThat(ints.refresh().snapshots()).isEmpty();
  }

  @Test
  void aFileLargerThanTheMemoryGivenStreamsIntoOneCommit() throws IOException {
    // About 80 MB of text and of Arrow buffers; the decoder's allocator may hold 24 MB.
    int rows = 2_000_000;
    Path file = dir.resolve("large.csv");
    try (java.io.BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write("id,s\n");
      for (int id = 0; id < rows; id++) {
        out.write(id + ",value " + id + " of the large input\n");
      }
    }
    try (BufferAllocator limited = allocator.newChildAllocator("decoder", 0, 24 << 20);
        Transaction tx = table.newTransaction()) {
      new InputFiles(limited, new Progress(System.err, false)).append(tx, file);
      tx.commit();
    }
    assertThat(table.refresh().currentSnapshot().orElseThrow().summary()).containsEntry("added-records", Integer.toString(rows));
    assertThat(table.snapshots()).hasSize(1);
  }
}
