package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Schema;
import dev.datashard.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "create", footer = {"%nExample:", "  datashard create events --schema schema.json --partition-by \"day(ts), bucket(16, user_id)\""},
    description = "Creates an empty table.")
final class CreateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE", description = "Table name (a path locally) or s3:// URI.")
  String table;

  @Option(names = "--schema", required = true, paramLabel = "SCHEMA.json",
      description = "Schema file: {\"schema_id\":1,\"fields\":[{\"id\":1,\"name\":\"user_id\",\"type\":\"long\",\"required\":true}]}")
  Path schemaFile;

  @Option(names = "--partition-by", paramLabel = "SPEC", defaultValue = "",
      description = "Partition spec: transforms of columns, e.g. \"day(ts), bucket(16, user_id), truncate(4, name), region\""
          + " (identity, bucket(N, c), truncate(W, c), year, month, day, hour, void). Default: unpartitioned.")
  String partitionBy;

  @Override
  public Integer call() throws Exception {
    Schema schema;
    try {
      schema = Schema.fromJson(Files.readString(schemaFile));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(schemaFile + ": " + e.getMessage(), e);
    }
    try (DataShard shard = Main.openStore()) {
      Table created = shard.createTable(table, schema, partitionBy, Map.of());
      spec.commandLine().getOut().println("created " + created.location());
    }
    return 0;
  }
}
