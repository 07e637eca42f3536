package dev.datashard.acid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.datashard.DataShard;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.StorageException;
import dev.datashard.io.StoredObject;
import dev.datashard.io.s3.S3Config;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Table names and prefixes that try to leave their root are refused, and nothing is written outside it. */
class NameEscapeTest {
  @TempDir Path dir;
  private RootAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  /** Every operation that takes a table name refuses {@code name} with a MISCONFIGURED error naming it. */
  private static List<String> accepted(DataShard shard, String name) {
    List<String> accepted = new ArrayList<>();
    Map<String, Runnable> operations = Map.of(
        "create", () -> shard.createTable(name, AcidWriter.SCHEMA),
        "load", () -> shard.loadTable(name),
        "exists", () -> shard.tableExists(name),
        "drop", () -> shard.dropTable(name),
        "copy to", () -> shard.copyTable("inside", shard, name));
    operations.forEach((operation, call) -> {
      Throwable error = catchThrowable(call::run);
      // The message names what was refused: the name, or for an s3:// location its key.
      String named = name.startsWith("s3://") ? name.substring(name.indexOf('/', "s3://".length()) + 1) : name;
      if (!(error instanceof StorageException storage) || storage.kind() != StorageException.Kind.MISCONFIGURED
          || !error.getMessage().contains("'" + named + "'")) {
        accepted.add(operation + " '" + name + "': " + error);
      }
    });
    return accepted;
  }

  @Test
  void localNamesCannotLeaveTheWarehouse() throws IOException {
    Path warehouse = Files.createDirectories(dir.resolve("root").resolve("warehouse"));
    Path outside = warehouse.getParent();
    List<String> escapes = List.of("..", "../x", "a/../../x", "a/..", "./..", "a/b/../../../x", "x/..", "a\0b",
        "file://" + warehouse + "/../x", "file:" + warehouse + "/a/../../x", warehouse + "/../x");
    List<String> accepted = new ArrayList<>();
    try (DataShard shard = DataShard.open(StorageConfig.local(warehouse), allocator)) {
      shard.createTable("inside", AcidWriter.SCHEMA).appendRecords(AcidWriter.batch("in", 0, 3));
      for (String name : escapes) {
        accepted.addAll(accepted(shard, name));
      }
      assertThat(shard.loadTable("inside").rowCount()).isEqualTo(3);
    }
    assertThat(accepted).as("names that got through").isEmpty();
    Path schema = Files.writeString(dir.resolve("schema.json"),
        "{\"schema_id\": 0, \"fields\": [{\"id\": 1, \"name\": \"a\", \"type\": \"long\", \"required\": true}]}");
    for (String name : List.of(warehouse + "/../x", warehouse + "/a/../../x")) {
      Cli.run("create", name, "--schema", schema.toString()).failsWithOneLine(name, "'..'")
          .shown("names", "create " + name.replace(warehouse.toString(), "WAREHOUSE"));
    }
    try (Stream<Path> paths = Files.list(outside)) {
      assertThat(paths.toList()).as("nothing next to the warehouse").containsExactly(warehouse);
    }
  }

  @Test
  void s3NamesAndPrefixesCannotLeaveThePrefix() throws IOException {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket("names");
      List<String> escapes = List.of("..", "../x", "a/../b", "a/../../x", "/abs", "//abs", "/", "x/..",
          "s3://names/../x", "s3://names//x", "s3://names/acid/../x", "s3://names/acid/a/../../x");
      List<String> accepted = new ArrayList<>();
      S3Config config = server.config("names").prefix("acid").build();
      try (DataShard shard = DataShard.open(StorageConfig.s3(config), allocator)) {
        shard.createTable("inside", AcidWriter.SCHEMA).appendRecords(AcidWriter.batch("in", 0, 3));
        for (String name : escapes) {
          accepted.addAll(accepted(shard, name));
        }
        // Look-alikes that are only odd key names stay below the prefix.
        for (String name : List.of("%2e%2e", "..x", "a..b", "...")) {
          assertThat(shard.createTable(name, AcidWriter.SCHEMA).location()).startsWith("s3://names/acid/");
        }
        List<String> keys = shard.storage().list("s3://names/").stream().map(StoredObject::location).toList();
        assertThat(keys).isNotEmpty().allSatisfy(key -> assertThat(key).startsWith("s3://names/acid/"));
        assertThat(shard.loadTable("inside").rowCount()).isEqualTo(3);
      }
      assertThat(accepted).as("names that got through").isEmpty();

      for (String prefix : List.of("..", "../up", "a/../..", "a/..", "a//b")) {
        Throwable error = catchThrowable(() -> server.config("names").prefix(prefix).build());
        assertThat(error).as("prefix '" + prefix + "'").isInstanceOf(StorageException.class)
            .hasMessageContaining("DATASHARD_S3_PREFIX");
        Map<String, String> env = Stores.s3(server.endpoint(), "names", prefix);
        Throwable fromEnvironment = catchThrowable(() -> StorageConfig.fromEnvironment(env));
        assertThat(fromEnvironment).as("DATASHARD_S3_PREFIX='" + prefix + "'").isInstanceOf(StorageException.class)
            .hasMessageContaining("DATASHARD_S3_PREFIX");
      }
    }
  }
}
