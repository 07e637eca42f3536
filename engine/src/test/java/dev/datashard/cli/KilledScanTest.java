package dev.datashard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.LocalWarehouse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A CLI process killed with SIGKILL in the middle of a scan leaves nothing in its temporary
 * directory: Arrow's native libraries come from the per-user cache, not from temporary copies.
 */
class KilledScanTest {
  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();

  @Test
  void aScanKilledMidwayLeavesNothingInTheTemporaryDirectory() throws IOException, InterruptedException {
    Path dir = warehouse.scratch();
    String table = dir.resolve("t").toString();
    Path schema = Files.writeString(dir.resolve("schema.json"), """
        {"schema_id":1,"fields":[{"id":1,"name":"id","type":"long","required":true},
        {"id":2,"name":"s","type":"string","required":false}]}""");
    Path csv = dir.resolve("rows.csv");
    try (BufferedWriter out = Files.newBufferedWriter(csv)) {
      out.write("id,s\n");
      for (int i = 0; i < 500_000; i++) {
        out.write(i + ",row " + i + "\n");
      }
    }
    assertThat(cli("create", table, "--schema", schema.toString())).isZero();
    assertThat(cli("append", table, csv.toString())).isZero();

    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path cache = dir.resolve("cache");
    Path output = dir.resolve("scan.out");
    ProcessBuilder scan = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp,
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "scan", table))
        .redirectOutput(output.toFile()).redirectError(dir.resolve("scan.err").toFile());
    scan.environment().put("XDG_CACHE_HOME", cache.toString());
    Process process = scan.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (Files.size(output) == 0 && process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(process.isAlive()).as("the scan is still running when killed; stderr: "
          + Files.readString(dir.resolve("scan.err"))).isTrue();
      assertThat(Files.size(output)).as("rows printed before the kill").isPositive();
    } finally {
      process.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no deleteOnExit
      process.waitFor();
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).as("left in java.io.tmpdir").isEmpty();
    }
    try (Stream<Path> cached = Files.walk(cache.resolve("datashard"))) {
      assertThat(cached.map(p -> p.getFileName().toString()))
          .contains(System.mapLibraryName("arrow_dataset_jni"), System.mapLibraryName("arrow_cdata_jni"));
    }
  }

  private static int cli(String... args) {
    return Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
  }
}
