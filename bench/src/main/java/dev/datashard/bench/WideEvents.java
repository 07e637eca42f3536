package dev.datashard.bench;

import dev.datashard.Schema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The five-column table of the CLI issue and issue #13 ({@code user_id long, event string, page
 * string, agent string, amount double}), with the rows of {@code S3StreamingScanTest}: row {@code
 * u} is {@code (u, "event-" + u % 7, "/page/" + u + "/" + 40 x "p", "agent-" + u + "-" + 60 x "a",
 * (u % 1000) * 0.5)}. Written in ascending {@code user_id}, so files and row groups are sorted by it.
 */
public final class WideEvents {
  public static final Schema SCHEMA = Schema.fromJson("""
      {"fields": [{"id": 1, "name": "user_id", "type": "long", "required": true},
                  {"id": 2, "name": "event", "type": "string", "required": true},
                  {"id": 3, "name": "page", "type": "string", "required": false},
                  {"id": 4, "name": "agent", "type": "string", "required": false},
                  {"id": 5, "name": "amount", "type": "double", "required": false}]}""");

  static final List<String> COLUMNS = List.of("user_id", "event", "page", "agent", "amount");

  private static final org.apache.arrow.vector.types.pojo.Schema ARROW_SCHEMA =
      new org.apache.arrow.vector.types.pojo.Schema(List.of(
          Field.notNullable("user_id", new ArrowType.Int(64, true)),
          Field.notNullable("event", ArrowType.Utf8.INSTANCE),
          Field.nullable("page", ArrowType.Utf8.INSTANCE),
          Field.nullable("agent", ArrowType.Utf8.INSTANCE),
          Field.nullable("amount", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));

  private static final String P40 = "p".repeat(40);
  private static final String A60 = "a".repeat(60);

  private WideEvents() {}

  /** Rows with user ids {@code [start, start + rows)} as one Arrow batch; the caller closes it. */
  public static VectorSchemaRoot batch(BufferAllocator allocator, long start, int rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ARROW_SCHEMA, allocator);
    BigIntVector ids = (BigIntVector) root.getVector(0);
    VarCharVector events = (VarCharVector) root.getVector(1);
    VarCharVector pages = (VarCharVector) root.getVector(2);
    VarCharVector agents = (VarCharVector) root.getVector(3);
    Float8Vector amounts = (Float8Vector) root.getVector(4);
    root.allocateNew();
    for (int i = 0; i < rows; i++) {
      long u = start + i;
      ids.setSafe(i, u);
      events.setSafe(i, ("event-" + (u % 7)).getBytes(StandardCharsets.UTF_8));
      pages.setSafe(i, ("/page/" + u + "/" + P40).getBytes(StandardCharsets.UTF_8));
      agents.setSafe(i, ("agent-" + u + "-" + A60).getBytes(StandardCharsets.UTF_8));
      amounts.setSafe(i, (u % 1000) * 0.5);
    }
    root.setRowCount(rows);
    return root;
  }
}
