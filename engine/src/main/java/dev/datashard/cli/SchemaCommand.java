package dev.datashard.cli;

import dev.datashard.DataShard;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.Type;
import dev.datashard.metadata.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "schema", footer = {"%nExample:", "  datashard schema events --format table",
    "  datashard schema events --history"},
    description = "Prints the table's schema (json: the form create --schema takes), "
    + "or with --history every schema with the first snapshot written with it.")
final class SchemaCommand implements Callable<Integer> {
  enum Format { json, table }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--snapshot", paramLabel = "ID", description = "The schema that snapshot was written with.")
  Long snapshotId;

  @Option(names = "--history", description = "Every schema id, oldest first, with the snapshot that introduced it.")
  boolean history;

  @Option(names = "--format", defaultValue = "table", description = "json or table (default: ${DEFAULT-VALUE})")
  Format format;

  @Override
  public Integer call() {
    if (history && snapshotId != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--history lists every schema; "
          + "it takes no --snapshot");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (DataShard shard = Main.openStore()) {
      Table loaded = shard.loadTable(table);
      if (history) {
        printHistory(loaded, out);
      } else {
        Schema schema = snapshotId == null ? loaded.schema() : loaded.newScan().useSnapshot(snapshotId).schema();
        if (format == Format.json) {
          out.println(schema.toJson());
        } else {
          List<List<String>> rows = new ArrayList<>();
          addRows(schema.fields(), "", rows);
          out.println("schema " + schema.schemaId());
          TextTable.print(out, List.of("id", "name", "type", "required"), rows, false);
        }
      }
    }
    return 0;
  }

  private void printHistory(Table loaded, PrintWriter out) {
    List<List<String>> rows = new ArrayList<>();
    for (Schema schema : loaded.schemas()) {
      // Schema changes make no snapshot: a schema is introduced by the first snapshot written with it.
      Optional<Snapshot> first = loaded.snapshots().stream()
          .filter(s -> s.schemaId() != null && s.schemaId() == schema.schemaId()).findFirst();
      boolean current = schema.schemaId() == loaded.schema().schemaId();
      if (format == Format.json) {
        out.println(Json.write(g -> {
          g.writeStartObject();
          g.writeNumberField("schema_id", schema.schemaId());
          if (first.isPresent()) {
            g.writeNumberField("first_snapshot_id", first.get().snapshotId());
          } else {
            g.writeNullField("first_snapshot_id");
          }
          g.writeBooleanField("current", current);
          g.writeFieldName("schema");
          g.writeRawValue(schema.toJson());
          g.writeEndObject();
        }));
      } else {
        rows.add(List.of(Integer.toString(schema.schemaId()),
            first.map(s -> Long.toString(s.snapshotId())).orElse(""), current ? "yes" : "",
            String.join(", ", schema.fields().stream().map(Field::name).toList())));
      }
    }
    if (format == Format.table) {
      TextTable.print(out, List.of("schema_id", "first_snapshot_id", "current", "columns"), rows);
    }
  }

  private static void addRows(List<Field> fields, String prefix, List<List<String>> rows) {
    for (Field field : fields) {
      String name = prefix + field.name();
      rows.add(List.of(Integer.toString(field.id()), name, field.type().typeName(), field.required() ? "yes" : "no"));
      if (field.type() instanceof Type.Struct struct) {
        addRows(struct.fields(), name + ".", rows);
      }
    }
  }
}
