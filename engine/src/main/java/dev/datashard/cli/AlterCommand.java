package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Schema;
import dev.datashard.Table;
import dev.datashard.Type;
import dev.datashard.UpdateSchema;
import dev.datashard.ValidationException;
import dev.datashard.partition.PartitionSpec;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code datashard alter TABLE CHANGE ...}: one schema change, committed as a new schema (see
 * {@link UpdateSchema}). Columns of structs are named {@code parent.child}.
 */
@Command(name = "alter", description = "Changes the table's schema or partition spec (Iceberg's evolution rules).",
    footer = {"%nExample:", "  datashard alter events add-column country string --after event",
        "  datashard alter events partition-by \"month(ts), region\"",
        "  datashard alter events rename-column event event_type",
        "  datashard alter events promote-column amount \"decimal(20,2)\""},
    subcommands = {AlterCommand.AddColumn.class, AlterCommand.RenameColumn.class, AlterCommand.DropColumn.class,
        AlterCommand.PromoteColumn.class, AlterCommand.MakeOptional.class, AlterCommand.MoveColumn.class,
        AlterCommand.PartitionBy.class})
final class AlterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing the change: add-column, rename-column, "
        + "drop-column, promote-column, make-optional, move-column or partition-by");
  }

  /** Commits the change and prints the new schema id. */
  int commit(CommandSpec subcommand, Function<UpdateSchema, UpdateSchema> change) {
    try (DataShard shard = Main.openStore()) {
      Table loaded = shard.loadTable(table);
      Schema schema = change.apply(loaded.updateSchema()).commit();
      subcommand.commandLine().getOut().println("schema " + schema.schemaId() + " is current");
    }
    return 0;
  }

  static Type type(String text) {
    try {
      return Type.parsePrimitive(text);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(e.getMessage(), e);
    }
  }

  /** Where a column goes: first, or after a sibling. */
  static final class Position {
    @Option(names = "--first", required = true, description = "First in its struct.")
    boolean first;

    @Option(names = "--after", required = true, paramLabel = "COL", description = "Just after COL.")
    String after;

    UpdateSchema apply(UpdateSchema update, String column) {
      return first ? update.moveFirst(column) : update.moveAfter(column, after);
    }
  }

  @Command(name = "add-column", description = "Adds an optional column (NAME may be parent.child).")
  static final class AddColumn implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AlterCommand alter;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "TYPE", description = "long, double, decimal(20,2), string...")
    String type;

    @Option(names = "--required", description = "Refused on format version 2 tables (no initial defaults).")
    boolean required;

    @Option(names = "--default", paramLabel = "VALUE",
        description = "An initial default: refused on format version 2 tables.")
    String defaultValue;

    @Option(names = "--doc", paramLabel = "TEXT", description = "The column's doc string.")
    String doc;

    @ArgGroup(exclusive = true)
    Position position;

    @Override
    public Integer call() {
      Type parsed = type(type);
      if (defaultValue != null) {
        throw new ValidationException("column '" + name + "': --default needs an initial default, which "
            + "format version 2 tables do not have (format version 3 added it); add the column as optional");
      }
      return alter.commit(spec, update -> {
        UpdateSchema added = required ? update.addRequiredColumn(name, parsed) : update.addColumn(name, parsed, doc);
        return position == null ? added : position.apply(added, name);
      });
    }
  }

  @Command(name = "rename-column", description = "Renames a column; data files keep reading it by field id.")
  static final class RenameColumn implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AlterCommand alter;

    @Parameters(index = "0", paramLabel = "OLD")
    String name;

    @Parameters(index = "1", paramLabel = "NEW", description = "The new name (of the field alone, not its path).")
    String newName;

    @Override
    public Integer call() {
      return alter.commit(spec, update -> update.renameColumn(name, newName));
    }
  }

  @Command(name = "partition-by", description = {"Partitions new data by SPEC; data already written keeps "
      + "its partitioning, and scans prune each file by its own.", "SPEC as for create --partition-by: "
      + "\"day(ts), bucket(16, user_id)\"; \"\" for unpartitioned."})
  static final class PartitionBy implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AlterCommand alter;

    @Parameters(index = "0", paramLabel = "SPEC")
    String text;

    @Override
    public Integer call() {
      try (DataShard shard = Main.openStore()) {
        PartitionSpec partitionSpec = shard.loadTable(alter.table).updateSpec(text);
        List<String> fields = partitionSpec.fields().stream().map(field -> field.name() + " = " + field.transform()
            + "(" + partitionSpec.sourceField(field).name() + ")").toList();
        spec.commandLine().getOut().println("partition spec " + partitionSpec.specId() + " is the default: "
            + (fields.isEmpty() ? "unpartitioned" : String.join(", ", fields)));
      }
      return 0;
    }
  }

  @Command(name = "drop-column", description = "Drops a column; its data is never read again.")
  static final class DropColumn implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AlterCommand alter;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return alter.commit(spec, update -> update.deleteColumn(name));
    }
  }

  @Command(name = "promote-column",
      description = "Widens a column's type: int to long, float to double, decimal(P,S) to decimal(P',S), P' > P.")
  static final class PromoteColumn implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AlterCommand alter;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "TYPE")
    String type;

    @Override
    public Integer call() {
      Type parsed = type(type);
      return alter.commit(spec, update -> update.updateColumn(name, parsed));
    }
  }

  @Command(name = "make-optional", description = "Makes a required column optional.")
  static final class MakeOptional implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AlterCommand alter;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return alter.commit(spec, update -> update.makeColumnOptional(name));
    }
  }

  @Command(name = "move-column", description = "Moves a column within its struct.")
  static final class MoveColumn implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand AlterCommand alter;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Position position;

    @Override
    public Integer call() {
      return alter.commit(spec, update -> position.apply(update, name));
    }
  }
}
