package dev.datashard.bench;

import dev.datashard.Schema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * The original DataShard's example table ({@code user_id long, event string, timestamp long}) and
 * the same deterministic rows in every form the benchmarks feed the engines: Arrow batches,
 * records as maps (DataShard) and generic records (Iceberg). Row {@code i} is
 * {@code (i, EVENTS[i % 5], T0 + i)}.
 */
public final class Events {
  static final String[] EVENTS = {"login", "logout", "click", "view", "purchase"};
  private static final byte[][] EVENT_BYTES = {
      bytes("login"), bytes("logout"), bytes("click"), bytes("view"), bytes("purchase")};
  static final long T0 = 1_700_000_000_000L;

  public static final Schema SCHEMA = Schema.fromJson("""
      {"schema_id": 1, "fields": [
        {"id": 1, "name": "user_id", "type": "long", "required": true},
        {"id": 2, "name": "event", "type": "string", "required": true},
        {"id": 3, "name": "timestamp", "type": "long", "required": true}]}""");

  public static final org.apache.iceberg.Schema ICEBERG_SCHEMA = new org.apache.iceberg.Schema(
      Types.NestedField.required(1, "user_id", Types.LongType.get()),
      Types.NestedField.required(2, "event", Types.StringType.get()),
      Types.NestedField.required(3, "timestamp", Types.LongType.get()));

  private static final org.apache.arrow.vector.types.pojo.Schema ARROW_SCHEMA =
      new org.apache.arrow.vector.types.pojo.Schema(List.of(
          Field.notNullable("user_id", new ArrowType.Int(64, true)),
          Field.notNullable("event", ArrowType.Utf8.INSTANCE),
          Field.notNullable("timestamp", new ArrowType.Int(64, true))));

  private Events() {}

  /** Rows {@code [start, start + rows)} as one Arrow batch; the caller closes it. */
  public static VectorSchemaRoot batch(BufferAllocator allocator, long start, int rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ARROW_SCHEMA, allocator);
    BigIntVector ids = (BigIntVector) root.getVector(0);
    VarCharVector events = (VarCharVector) root.getVector(1);
    BigIntVector timestamps = (BigIntVector) root.getVector(2);
    ids.allocateNew(rows);
    timestamps.allocateNew(rows);
    events.allocateNew(rows * 6L, rows);
    for (int i = 0; i < rows; i++) {
      long row = start + i;
      ids.set(i, row);
      events.setSafe(i, EVENT_BYTES[(int) (row % EVENTS.length)]);
      timestamps.set(i, T0 + row);
    }
    root.setRowCount(rows);
    return root;
  }

  /** Rows {@code [start, start + rows)} as the maps {@code Table.appendRecords} takes. */
  public static List<Map<String, Object>> records(long start, int rows) {
    List<Map<String, Object>> records = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      long row = start + i;
      Map<String, Object> record = new HashMap<>();
      record.put("user_id", row);
      record.put("event", EVENTS[(int) (row % EVENTS.length)]);
      record.put("timestamp", T0 + row);
      records.add(record);
    }
    return records;
  }

  /** Rows {@code [start, start + rows)} as Iceberg generic records. */
  public static List<Record> icebergRecords(long start, int rows) {
    List<Record> records = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      records.add(icebergRecord(GenericRecord.create(ICEBERG_SCHEMA), start + i));
    }
    return records;
  }

  static Record icebergRecord(Record reuse, long row) {
    reuse.set(0, row);
    reuse.set(1, EVENTS[(int) (row % EVENTS.length)]);
    reuse.set(2, T0 + row);
    return reuse;
  }

  /** Bytes held by a batch's Arrow buffers: the "MB of Arrow data" of the throughput figures. */
  public static long arrowBytes(VectorSchemaRoot root) {
    return root.getFieldVectors().stream().mapToLong(v -> v.getBufferSize()).sum();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
