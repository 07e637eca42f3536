package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.io.StorageException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code datashard} command line. Exit code 0 on success; on error one line on stderr and a
 * non-zero code (1 for a failed operation, 2 for a usage error).
 */
// The help options are inherited: every command answers --help with its usage and an example.
@Command(name = "datashard", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
    version = "datashard 0.1.0",
    description = "Apache Iceberg v2 tables on local disk or S3, Arrow-native.%n"
        + "The store comes from DATASHARD_STORAGE_TYPE (local, the default, or s3) and DATASHARD_S3_*.")
public final class Main implements Runnable {
  /**
   * The commands by name, in the order help lists them. Picocli reads every registered command's
   * annotations by reflection up front, a good part of a short command's start, so a command line
   * naming one registers only that one.
   */
  static final Map<String, Class<?>> COMMANDS = commands(
      "create", CreateCommand.class, "append", AppendCommand.class, "scan", ScanCommand.class,
      "count", CountCommand.class, "snapshots", SnapshotsCommand.class, "rollback", RollbackCommand.class,
      "expire", ExpireCommand.class, "orphans", OrphansCommand.class, "set-property", SetPropertyCommand.class,
      "files", FilesCommand.class, "add-files", AddFilesCommand.class, "delete-files", DeleteFilesCommand.class,
      "copy", CopyCommand.class, "alter", AlterCommand.class, "schema", SchemaCommand.class,
      "demo", DemoCommand.class, "bench", BenchCommand.class, "delete", DeleteCommand.class,
      "overwrite", OverwriteCommand.class, "compact", CompactCommand.class);

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line; separate from {@link #main} so tests can call it in-process. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    Class<?> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
    for (Class<?> command : named != null ? List.<Class<?>>of(named) : COMMANDS.values()) {
      cli.addSubcommand(command);
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      err.println("datashard: " + oneLine(e));
      if (System.getenv("DATASHARD_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return 1;
    });
    cli.setParameterExceptionHandler((e, args1) -> {
      err.println("datashard: " + e.getMessage());
      err.println("(datashard --help lists the commands; datashard COMMAND --help their options)");
      return 2;
    });
    return cli.execute(args);
  }

  /** Names and classes, alternately; the names are the commands' own (MainTest checks). */
  private static Map<String, Class<?>> commands(Object... namesAndClasses) {
    Map<String, Class<?>> byName = new LinkedHashMap<>();
    for (int i = 0; i < namesAndClasses.length; i += 2) {
      byName.put((String) namesAndClasses[i], (Class<?>) namesAndClasses[i + 1]);
    }
    return byName;
  }

  /** The message that says what went wrong, without a stack trace. */
  static String oneLine(Throwable e) {
    Throwable shown = e;
    while (shown.getMessage() == null && shown.getCause() != null) {
      shown = shown.getCause();
    }
    String message = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
    if (shown instanceof java.nio.file.NoSuchFileException) {
      message = "file not found: " + message;
    }
    return message.replace('\n', ' ');
  }

  static DataShard openStore() {
    try {
      return DataShard.fromEnvironment();
    } catch (StorageException e) {
      throw new CommandLine.ExecutionException(new CommandLine(new Main()), e.getMessage(), e);
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
