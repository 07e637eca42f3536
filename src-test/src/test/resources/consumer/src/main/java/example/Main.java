package example;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.Schema;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;

/**
 * A user's program: creates a table in the warehouse directory given as the argument, appends one
 * Arrow batch, scans it back into Arrow and queries it from DuckDB through the Arrow C Data
 * Interface. Prints one "key=value" line per result for the test that runs it.
 */
public final class Main {
  private static final int ROWS = 1_000;

  public static void main(String[] args) throws Exception {
    Path warehouse = Path.of(args[0]);
    try (BufferAllocator allocator = new RootAllocator();
        DataShard shard = DataShard.open(StorageConfig.local(warehouse), allocator)) {
      Schema schema = Schema.fromJson("""
          {"schema-id": 0, "type": "struct", "fields": [
            {"id": 1, "name": "user_id", "type": "long", "required": true},
            {"id": 2, "name": "event", "type": "string", "required": false}]}""");
      Table table = shard.createTable("events", schema);
      try (VectorSchemaRoot batch = eventsBatch(allocator)) {
        table.append(batch);
      }
      System.out.println("rowCount=" + table.rowCount());

      long scanned = 0;
      try (ArrowReader reader = table.newScan().select("user_id").arrowReader()) {
        while (reader.loadNextBatch()) {
          scanned += reader.getVectorSchemaRoot().getRowCount();
        }
      }
      System.out.println("scannedRows=" + scanned);

      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
          ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
        table.newScan().filter(Expression.parse("user_id < 500")).exportTo(stream);
        duck.unwrap(DuckDBConnection.class).registerArrowStream("events", stream);
        try (Statement statement = duck.createStatement();
            ResultSet result = statement.executeQuery(
                "SELECT event, count(*), sum(user_id) FROM events GROUP BY event ORDER BY event")) {
          while (result.next()) {
            System.out.println("duckdb=" + result.getString(1) + "," + result.getLong(2) + "," + result.getLong(3));
          }
        }
      }
    }
  }

  /** user_id 0..999, event "login" for even ids and "logout" for odd ones. */
  private static VectorSchemaRoot eventsBatch(BufferAllocator allocator) {
    BigIntVector userIds = new BigIntVector("user_id", allocator);
    VarCharVector events = new VarCharVector("event", allocator);
    userIds.allocateNew(ROWS);
    events.allocateNew(ROWS);
    for (int row = 0; row < ROWS; row++) {
      userIds.set(row, row);
      events.setSafe(row, (row % 2 == 0 ? "login" : "logout").getBytes(StandardCharsets.UTF_8));
    }
    VectorSchemaRoot batch = new VectorSchemaRoot(List.of(userIds, events));
    batch.setRowCount(ROWS);
    return batch;
  }
}
