package dev.datashard.cli;

import dev.datashard.DataShard;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "set-property", footer = {"%nExample:", "  datashard set-property events write.parquet.compression-codec snappy"},
    description = "Sets (or with --unset removes) a table property.")
final class SetPropertyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Parameters(index = "1", paramLabel = "KEY")
  String key;

  @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE")
  String value;

  @Option(names = "--unset", description = "Remove the property instead.")
  boolean unset;

  @Override
  public Integer call() {
    if (unset == (value != null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          unset ? "--unset takes no VALUE" : "missing VALUE (or use --unset)");
    }
    try (DataShard shard = Main.openStore()) {
      var loaded = shard.loadTable(table);
      if (unset) {
        loaded.removeProperties(java.util.Set.of(key));
        spec.commandLine().getOut().println("removed " + key);
      } else {
        loaded.setProperties(Map.of(key, value));
        spec.commandLine().getOut().println(key + "=" + value);
      }
    }
    return 0;
  }
}
