package dev.datashard.bench;

import dev.datashard.cli.Main;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code datashard append TABLE FILE} of one JSONL or CSV file ({@code format}) of {@code rows}
 * five-column rows (user_id long, event string, ts long, amount double, country string) into a new local table,
 * through the CLI's entry point in this JVM (the JVM's start, about 0.5 s, is left out): parsing
 * and validating the text, building Arrow batches of 65,536 rows, writing the data files and the
 * commit. Records the number of data files the append made.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmArgs.OPENS, JvmArgs.HEAP, JvmArgs.DIRECT})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class CliAppend {
  @Param({"2000000"})
  public long rows;

  @Param({"jsonl", "csv"})
  public String format;

  private Path directory;
  private Path input;
  private Path schema;
  private String table;
  private int iteration;

  @Setup(Level.Trial)
  public void prepare() throws IOException {
    directory = Scratch.create("cli");
    schema = Files.writeString(directory.resolve("schema.json"), """
        {"schema_id":1,"fields":[{"id":1,"name":"user_id","type":"long","required":true},
        {"id":2,"name":"event","type":"string","required":true},
        {"id":3,"name":"ts","type":"long","required":true},
        {"id":4,"name":"amount","type":"double","required":false},
        {"id":5,"name":"country","type":"string","required":false}]}""");
    input = directory.resolve("events." + format);
    try (BufferedWriter out = Files.newBufferedWriter(input)) {
      boolean csv = format.equals("csv");
      if (csv) {
        out.write("user_id,event,ts,amount,country\n");
      }
      for (long i = 0; i < rows; i++) {
        String event = Events.EVENTS[(int) (i % 5)];
        double amount = (i % 10_000) / 4.0;
        out.write(csv ? i + "," + event + "," + (Events.T0 + i) + "," + amount + ",c" + i % 40 + "\n"
            : "{\"user_id\":" + i + ",\"event\":\"" + event + "\",\"ts\":" + (Events.T0 + i) + ",\"amount\":"
            + amount + ",\"country\":\"c" + i % 40 + "\"}\n");
      }
    }
    Notes.record("cli." + format + "-bytes." + rows, Files.size(input));
  }

  @Setup(Level.Iteration)
  public void newTable() {
    table = directory.resolve("table-" + iteration++).toString();
    run("create", table, "--schema", schema.toString());
  }

  @TearDown(Level.Iteration)
  public void countFiles() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of(table, "data"))) {
      Notes.record("cli." + format + "-data-files." + rows, files.filter(p -> p.toString().endsWith(".parquet")).count());
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    Scratch.release(directory);
  }

  @Benchmark
  public String append() {
    return run("append", table, input.toString());
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    if (code != 0) {
      throw new IllegalStateException("datashard " + String.join(" ", args) + " failed: " + err);
    }
    return out.toString();
  }
}
