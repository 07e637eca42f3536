package dev.datashard.acid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.datashard.DataShard;
import dev.datashard.DataShardException;
import dev.datashard.NoSuchTableException;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.local.LocalStorage;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged tables and hostile places: each gives a clear error naming the file, other data stays
 * readable, and the CLI answers with one line, never a stack trace.
 */
class BadStateTest {
  static final int ROWS = 4;

  @TempDir Path warehouse;
  private RootAllocator allocator;
  private DataShard shard;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
    shard = DataShard.open(StorageConfig.local(warehouse), allocator);
  }

  @AfterEach
  void close() {
    shard.close();
    allocator.close();
  }

  /** A table of {@code commits} batches, and its snapshots. */
  private List<Snapshot> table(String name, int commits) {
    Table table = shard.createTable(name, AcidWriter.SCHEMA);
    List<Snapshot> snapshots = new ArrayList<>();
    for (int seq = 0; seq < commits; seq++) {
      snapshots.add(table.appendRecords(AcidWriter.batch(name, seq, ROWS)).orElseThrow());
    }
    return snapshots;
  }

  private String path(String name) {
    return warehouse.resolve(name).toString();
  }

  private Path metadataFile(String name, int version) {
    return warehouse.resolve(name).resolve("metadata").resolve("v" + version + ".metadata.json");
  }

  /** The healthy neighbour stays readable through the API and the CLI. */
  private void neighbourReadable() {
    assertThat(shard.loadTable("healthy").newScan().toRecords()).hasSize(2 * ROWS);
    assertThat(Cli.run("count", path("healthy")).succeeds().out().trim()).isEqualTo(Integer.toString(2 * ROWS));
    assertThat(Cli.run("scan", path("healthy")).succeeds().out().lines()).hasSize(2 * ROWS);
  }

  @Test
  void malformedOrTruncatedMetadataJsonIsNamed() throws IOException {
    table("healthy", 2);
    table("damaged", 3);
    Path current = metadataFile("damaged", 4);
    String valid = Files.readString(current);
    Map<String, String> damages = new LinkedHashMap<>();
    damages.put("truncated to half", valid.substring(0, valid.length() / 2));
    damages.put("not JSON", "this is not JSON");
    damages.put("empty", "");
    damages.put("an empty object", "{}");
    damages.put("an array", "[]");
    damages.put("null", "null");
    damages.put("format-version a string", "{\"format-version\": \"two\"}");
    damages.put("snapshots a number", valid.replace("\"snapshots\":[", "\"snapshots\":7,\"x\":["));
    damages.put("schemas an object", valid.replace("\"schemas\":[", "\"schemas\":{\"a\":1},\"x\":["));
    damages.put("manifest-list a number", valid.replaceFirst("\"manifest-list\":\"[^\"]*\"", "\"manifest-list\":42"));
    damages.put("current-snapshot-id a string",
        valid.replaceFirst("\"current-snapshot-id\":-?\\d+", "\"current-snapshot-id\":\"x\""));
    damages.put("current-snapshot-id unknown",
        valid.replaceFirst("\"current-snapshot-id\":-?\\d+", "\"current-snapshot-id\":12345"));
    damages.put("a snapshot-id null",
        valid.replaceFirst("\"snapshot-id\":-?\\d+,\"sequence-number\"", "\"snapshot-id\":null,\"sequence-number\""));
    List<String> unclear = new ArrayList<>();
    damages.put("current-schema-id unknown", valid.replaceFirst("\"current-schema-id\":0", "\"current-schema-id\":7"));
    damages.put("properties a list", valid.replaceFirst("\"properties\":\\{}", "\"properties\":[1]"));
    for (Map.Entry<String, String> damage : damages.entrySet()) {
      String what = "metadata JSON " + damage.getKey();
      assertThat(damage.getValue()).as(what + " changes the file").isNotEqualTo(valid);
      Files.writeString(current, damage.getValue());
      Throwable error = catchThrowable(() -> shard.loadTable("damaged").newScan().toRecords());
      if (!(error instanceof DataShardException) || !error.getMessage().contains(current.toString())) {
        unclear.add(what + ": " + error);
        continue;
      }
      Cli.run("count", path("damaged")).failsWithOneLine(current.toString()).shown("bad state", what);
      Cli.run("scan", path("damaged")).failsWithOneLine(current.toString());
      neighbourReadable();
    }
    assertThat(unclear).as("damages read without a clear error naming " + current).isEmpty();
    Files.writeString(current, valid);
    assertThat(shard.loadTable("damaged").rowCount()).isEqualTo(3 * ROWS);
  }

  @Test
  void aManifestOrManifestListThatIsNotAvroIsNamed() throws IOException {
    table("healthy", 2);
    List<Snapshot> snapshots = table("damaged", 3);
    Snapshot last = snapshots.get(2);
    String manifestList = last.manifestList();
    ManifestFile own = Manifests.readManifestList(shard.storage().read(manifestList), manifestList).get(0);
    for (String badContent : List.of("not avro at all", "Obj\u0001 and then garbage", "")) {
      Path manifest = LocalStorage.pathOf(own.path());
      byte[] good = Files.readAllBytes(manifest);
      Files.writeString(manifest, badContent);
      assertThatThrownBy(() -> shard.loadTable("damaged").newScan().toRecords())
          .isInstanceOf(DataShardException.class).hasMessageContaining(own.path());
      Cli.run("scan", path("damaged")).failsWithOneLine(own.path()).shown("bad state",
          "manifest " + (badContent.isEmpty() ? "empty" : badContent.startsWith("Obj") ? "Avro magic, then garbage" : "plain text"));
      // What does not need that manifest still reads: counts from metadata, older snapshots.
      assertThat(Cli.run("count", path("damaged")).succeeds().out().trim()).isEqualTo(Integer.toString(3 * ROWS));
      assertThat(Cli.run("scan", path("damaged"), "--snapshot", Long.toString(snapshots.get(1).snapshotId()))
          .succeeds().out().lines()).hasSize(2 * ROWS);
      neighbourReadable();
      Files.write(manifest, good);
    }
    Path list = LocalStorage.pathOf(manifestList);
    byte[] good = Files.readAllBytes(list);
    Files.writeString(list, "definitely not a manifest list");
    assertThatThrownBy(() -> shard.loadTable("damaged").newScan().toRecords())
        .isInstanceOf(DataShardException.class).hasMessageContaining(manifestList);
    Cli.run("scan", path("damaged")).failsWithOneLine(manifestList).shown("bad state", "manifest list not Avro");
    assertThat(Cli.run("scan", path("damaged"), "--snapshot", Long.toString(snapshots.get(1).snapshotId()))
        .succeeds().out().lines()).hasSize(2 * ROWS);
    Files.delete(list);
    Cli.run("scan", path("damaged")).failsWithOneLine(manifestList).shown("bad state", "manifest list missing");
    Files.write(list, good);
    assertThat(shard.loadTable("damaged").newScan().toRecords()).hasSize(3 * ROWS);
  }

  @Test
  void aMissingOrDamagedDataFileIsNamed() throws IOException {
    table("healthy", 2);
    List<Snapshot> snapshots = table("damaged", 3);
    Table table = shard.loadTable("damaged");
    String dataFile = table.newScan().useSnapshot(snapshots.get(2).snapshotId()).files().stream()
        .map(f -> f.location()).filter(l -> table.newScan().useSnapshot(snapshots.get(1).snapshotId()).files().stream()
            .noneMatch(f -> f.location().equals(l))).findFirst().orElseThrow();
    Path file = LocalStorage.pathOf(dataFile);
    byte[] good = Files.readAllBytes(file);

    Files.delete(file);
    assertThatThrownBy(() -> shard.loadTable("damaged").newScan().toRecords())
        .isInstanceOf(DataShardException.class).hasMessageContaining(dataFile);
    Cli.run("scan", path("damaged")).failsWithOneLine(dataFile).shown("bad state", "data file missing");
    assertThat(Cli.run("scan", path("damaged"), "--snapshot", Long.toString(snapshots.get(1).snapshotId()))
        .succeeds().out().lines()).hasSize(2 * ROWS);
    neighbourReadable();

    Files.writeString(file, "PAR1 this is not really parquet PAR1");
    assertThatThrownBy(() -> shard.loadTable("damaged").newScan().toRecords())
        .isInstanceOf(DataShardException.class).hasMessageContaining(dataFile);
    Cli.run("scan", path("damaged")).failsWithOneLine(dataFile).shown("bad state", "data file not Parquet");
    neighbourReadable();
    Files.write(file, good);
    assertThat(shard.loadTable("damaged").newScan().toRecords()).hasSize(3 * ROWS);
  }

  @Test
  void aVersionHintPointingNowhereIsOnlyALostShortcut() throws IOException {
    table("hinted", 3);
    Path hint = warehouse.resolve("hinted").resolve("metadata").resolve("version-hint.text");
    for (String content : List.of("99", "0", "-5", "1", "not a number", "", "4\n", "2147483648")) {
      Files.writeString(hint, content);
      assertThat(shard.loadTable("hinted").rowCount()).as("hint '" + content + "'").isEqualTo(3 * ROWS);
      assertThat(shard.loadTable("hinted").metadataFile()).endsWith("/v4.metadata.json");
      assertThat(Cli.run("count", path("hinted")).succeeds().out().trim()).isEqualTo(Integer.toString(3 * ROWS));
    }
    Files.delete(hint);
    assertThat(shard.loadTable("hinted").rowCount()).isEqualTo(3 * ROWS);
    // A hint with no metadata at all behind it: no table, said so, naming the location.
    Path lonely = Files.createDirectories(warehouse.resolve("lonely").resolve("metadata"));
    Files.writeString(lonely.resolve("version-hint.text"), "7");
    assertThatThrownBy(() -> shard.loadTable("lonely")).isInstanceOf(NoSuchTableException.class)
        .hasMessageContaining(path("lonely"));
    Cli.run("count", path("lonely")).failsWithOneLine(path("lonely")).shown("bad state", "version hint, no metadata");
  }

  @Test
  void aReadOnlyDirectoryRefusesTheAppendByNameAndStaysReadable() throws Exception {
    table("healthy", 2);
    table("frozen", 2);
    Path input = Files.writeString(warehouse.resolve("more.jsonl"),
        "{\"writer\": \"cli\", \"seq\": 0, \"row\": 0, \"payload\": \"x\"}\n");
    // The table's directory mounted read-only for the CLI process (EROFS, which binds root too).
    Path table = warehouse.resolve("frozen");
    CliProcess.Result result = CliProcess.inMountNamespace(warehouse,
        "mount --bind '" + table + "' '" + table + "' && mount -o remount,bind,ro '" + table + "'",
        List.of("append", table.toString(), input.toString()), List.of("count", table.toString()));
    result.first().failsWithOneLine(path("frozen"), "Read-only file system").shown("bad state", "append, read-only table directory");
    assertThat(result.second().succeeds().out().trim()).isEqualTo(Integer.toString(2 * ROWS));
    assertThat(shard.loadTable("frozen").newScan().toRecords()).hasSize(2 * ROWS);
    neighbourReadable();
  }

  @Test
  void aFullMetadataDirectoryFailsTheAppendByNameLeavingNoData() throws Exception {
    table("healthy", 2);
    table("full", 2);
    Path input = Files.writeString(warehouse.resolve("more.jsonl"),
        "{\"writer\": \"cli\", \"seq\": 0, \"row\": 0, \"payload\": \"x\"}\n");
    Path table = warehouse.resolve("full");
    Path metadata = table.resolve("metadata");
    List<Path> dataBefore = files(table.resolve("data"));
    // The metadata directory becomes a copy of itself on a small file system, filled to the brim
    // (ENOSPC); the data directory stays on the real disk.
    Path copy = Files.createDirectories(warehouse.resolve("metadata-copy"));
    String setUp = "cp -a '" + metadata + "'/. '" + copy + "'/"
        + " && mount -t tmpfs -o size=1m tmpfs '" + metadata + "'"
        + " && cp -a '" + copy + "'/. '" + metadata + "'/"
        + " && { dd if=/dev/zero of='" + metadata + "/.filler' bs=4096 2>/dev/null || true; }";
    CliProcess.Result result = CliProcess.inMountNamespace(warehouse, setUp,
        List.of("append", table.toString(), input.toString()), List.of("count", table.toString()));
    result.first().failsWithOneLine(path("full") + "/metadata/", "No space left on device")
        .shown("bad state", "append, full metadata directory");
    assertThat(result.second().succeeds().out().trim()).isEqualTo(Integer.toString(2 * ROWS));
    // The failed commit removed the data file it had written on the real disk.
    assertThat(files(table.resolve("data"))).containsExactlyInAnyOrderElementsOf(dataBefore);
    assertThat(shard.loadTable("full").newScan().toRecords()).hasSize(2 * ROWS);
    neighbourReadable();
  }

  private static List<Path> files(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      return paths.filter(Files::isRegularFile).toList();
    }
  }

  /** The CLI in its own process, inside a private mount namespace where a script set up the disk. */
  static final class CliProcess {
    record Result(Cli.Result first, Cli.Result second) {}

    static Result inMountNamespace(Path workDir, String setUp, List<String> first, List<String> second)
        throws IOException, InterruptedException {
      String java = "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' --add-opens=java.base/java.nio=ALL-UNNAMED"
          + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.io.tmpdir='" + workDir + "'"
          + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp '" + System.getProperty("java.class.path") + "' "
          + dev.datashard.cli.Main.class.getName();
      String script = "set -e\n" + setUp + "\n"
          + "set +e\n"
          + java + " " + quote(first) + " > '" + workDir + "/1.out' 2> '" + workDir + "/1.err'; echo $? > '" + workDir + "/1.code'\n"
          + java + " " + quote(second) + " > '" + workDir + "/2.out' 2> '" + workDir + "/2.err'; echo $? > '" + workDir + "/2.code'\n";
      // A user namespace makes the mounts possible without privileges; as root it changes nothing else.
      ProcessBuilder builder = new ProcessBuilder("unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script);
      builder.environment().keySet().removeIf(k -> k.startsWith("DATASHARD_"));
      builder.redirectErrorStream(true);
      Process process = builder.start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("the CLI process did not finish; output: " + output);
      }
      assertThat(process.exitValue()).as("namespace set-up: " + output).isZero();
      return new Result(read(workDir, "1"), read(workDir, "2"));
    }

    private static Cli.Result read(Path dir, String n) throws IOException {
      return new Cli.Result(Integer.parseInt(Files.readString(dir.resolve(n + ".code")).trim()),
          Files.readString(dir.resolve(n + ".out")), Files.readString(dir.resolve(n + ".err")));
    }

    private static String quote(List<String> args) {
      return String.join(" ", args.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
    }
  }
}
