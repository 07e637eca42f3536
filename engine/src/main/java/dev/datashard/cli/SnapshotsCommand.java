package dev.datashard.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.metadata.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "snapshots", footer = {"%nExample:", "  datashard snapshots events --format table"},
    description = "Lists the table's snapshots, oldest first.")
final class SnapshotsCommand implements Callable<Integer> {
  enum Format { jsonl, table }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--format", defaultValue = "table", description = "jsonl or table (default: ${DEFAULT-VALUE})")
  Format format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (DataShard shard = Main.openStore()) {
      List<Snapshot> snapshots = shard.loadTable(table).snapshots();
      if (format == Format.jsonl) {
        for (Snapshot s : snapshots) {
          out.println(Json.write(g -> writeJson(s, g)));
        }
      } else {
        List<List<String>> rows = new ArrayList<>();
        for (Snapshot s : snapshots) {
          rows.add(List.of(Long.toString(s.snapshotId()), s.parentId() == null ? "" : Long.toString(s.parentId()),
              Instant.ofEpochMilli(s.timestampMillis()).toString(), s.operation(),
              s.summary().getOrDefault("added-records", ""), s.summary().getOrDefault("total-records", "")));
        }
        TextTable.print(out, List.of("snapshot_id", "parent_id", "timestamp", "operation", "added_records",
            "total_records"), rows);
      }
    }
    return 0;
  }

  private static void writeJson(Snapshot s, JsonGenerator g) throws java.io.IOException {
    g.writeStartObject();
    g.writeNumberField("snapshot_id", s.snapshotId());
    if (s.parentId() == null) {
      g.writeNullField("parent_id");
    } else {
      g.writeNumberField("parent_id", s.parentId());
    }
    g.writeNumberField("timestamp_ms", s.timestampMillis());
    g.writeStringField("operation", s.operation());
    g.writeObjectFieldStart("summary");
    for (Map.Entry<String, String> e : s.summary().entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeEndObject();
  }
}
