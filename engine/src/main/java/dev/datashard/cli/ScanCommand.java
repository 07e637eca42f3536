package dev.datashard.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.datashard.DataShard;
import dev.datashard.Field;
import dev.datashard.Scan;
import dev.datashard.Schema;
import dev.datashard.arrow.ArrowValues;
import dev.datashard.metadata.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "scan", footer = {"%nExample:",
    "  datashard scan events --columns user_id --where \"user_id >= 10\" --limit 5",
    "  datashard scan events --snapshot 1464430520496590269 --format csv"},
    description = "Prints rows of the current (or a chosen) snapshot.")
final class ScanCommand implements Callable<Integer> {
  enum Format { jsonl, csv, table }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--columns", split = ",", paramLabel = "a,b", description = "Columns to print, in order.")
  List<String> columns;

  @Mixin SnapshotChoice choice;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N rows.")
  Long limit;

  @Option(names = "--read-ahead-mb", paramLabel = "MB", description = "Data to fetch ahead while row groups are "
      + "decoded (default 256): with the row groups being read, the bound on the memory and local disk a scan uses.")
  Long readAheadMb;

  @Option(names = "--format", defaultValue = "jsonl", description = "jsonl, csv or table (default: ${DEFAULT-VALUE})")
  Format format;

  @Override
  public Integer call() throws Exception {
    if (limit != null && limit < 0) {
      throw new IllegalArgumentException("--limit must not be negative");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (DataShard shard = Main.openStore()) {
      Scan scan = shard.loadTable(table).newScan();
      if (columns != null) {
        scan.select(columns);
      }
      choice.apply(scan);
      if (limit != null) {
        scan.batchSize(Math.max(1, Math.min(limit, 64 * 1024))); // a small limit stops after the first batch
      }
      if (readAheadMb != null) {
        if (readAheadMb < 0) {
          throw new IllegalArgumentException("--read-ahead-mb must not be negative");
        }
        scan.readAhead(readAheadMb << 20);
      }
      Schema schema = scan.schema();
      List<String> names = schema.fields().stream().map(Field::name).toList();
      List<List<String>> tableRows = new ArrayList<>();
      if (format == Format.csv) {
        out.println(String.join(",", names.stream().map(ScanCommand::csvCell).toList()));
      }
      long printed = 0;
      try (ArrowReader reader = scan.arrowReader()) {
        // The limit is checked before asking for a batch: asking for a second one starts the read-ahead.
        batches:
        while ((limit == null || printed < limit) && reader.loadNextBatch()) {
          VectorSchemaRoot batch = reader.getVectorSchemaRoot();
          for (int row = 0; row < batch.getRowCount(); row++) {
            if (limit != null && printed >= limit) {
              break batches;
            }
            printed++;
            Object[] values = new Object[names.size()];
            for (int c = 0; c < values.length; c++) {
              values[c] = ArrowValues.get(batch.getVector(c), row, schema.fields().get(c).type());
            }
            switch (format) {
              case jsonl -> out.println(Json.write(g -> writeJson(g, names, values)));
              case csv -> {
                List<String> cells = new ArrayList<>();
                for (Object value : values) {
                  cells.add(csvCell(ValueText.text(value)));
                }
                out.println(String.join(",", cells));
              }
              case table -> {
                List<String> cells = new ArrayList<>();
                for (Object value : values) {
                  cells.add(value == null ? "null" : ValueText.text(value));
                }
                tableRows.add(cells);
              }
            }
          }
        }
      }
      if (format == Format.table) {
        TextTable.print(out, names, tableRows);
      }
      out.flush();
    }
    return 0;
  }

  private static void writeJson(JsonGenerator g, List<String> names, Object[] values) throws java.io.IOException {
    g.writeStartObject();
    for (int c = 0; c < values.length; c++) {
      g.writeFieldName(names.get(c));
      ValueText.writeJson(g, values[c]);
    }
    g.writeEndObject();
  }

  /** RFC 4180 quoting. */
  static String csvCell(String text) {
    if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
      return "\"" + text.replace("\"", "\"\"") + "\"";
    }
    return text;
  }
}
