package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.commit.TableCopy;
import dev.datashard.io.Location;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.S3Config;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "copy", footer = {"%nExample:", "  datashard copy events s3://backup-bucket/tables/events"},
    description = {"Copies a table with all its snapshots, between stores too.",
    "s3://BUCKET/KEY names a table on S3 (endpoint and keys from DATASHARD_S3_*); an absolute path or",
    "file: URI one on local disk; any other name one in the store DATASHARD_STORAGE_TYPE selects."})
final class CopyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SRC")
  String source;

  @Parameters(index = "1", paramLabel = "DST")
  String target;

  @Override
  public Integer call() {
    try (DataShard from = DataShard.open(storeFor(source)); DataShard to = DataShard.open(storeFor(target))) {
      TableCopy.Result result = from.copyTable(source, to, target);
      spec.commandLine().getOut().printf(
          "copied %d snapshot(s), %d data file(s), %d delete file(s), %d manifest(s), %,d bytes of data to %s%n",
          result.snapshots(), result.dataFiles(), result.deleteFiles(), result.manifests(), result.bytes(),
          to.loadTable(target).location());
    }
    return 0;
  }

  private static StorageConfig storeFor(String name) {
    Map<String, String> env = System.getenv();
    if (name.matches("(?i)s3[an]?://.*")) {
      Map<String, String> withBucket = new HashMap<>(env);
      withBucket.put(S3Config.BUCKET, Location.of(name).bucket());
      return StorageConfig.s3(S3Config.fromEnvironment(withBucket));
    }
    if (name.startsWith("file:") || Path.of(name).isAbsolute()) {
      return new StorageConfig(StorageConfig.StorageType.LOCAL, Path.of(""),
          StorageConfig.parseBoolean(env, StorageConfig.LOCAL_FSYNC, true));
    }
    return StorageConfig.fromEnvironment(env);
  }
}
