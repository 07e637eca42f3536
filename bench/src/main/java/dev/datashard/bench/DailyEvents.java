package dev.datashard.bench;

import dev.datashard.Schema;
import dev.datashard.arrow.ArrowSchemas;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Events with a timestamp, for the partitioning benchmarks: {@code user_id long, event string, ts
 * timestamp}. Row {@code r} of day {@code d} (days from {@link #FIRST_DAY}) has {@code ts} spread
 * evenly over that day.
 */
final class DailyEvents {
  static final LocalDate FIRST_DAY = LocalDate.of(2025, 1, 1);
  private static final long DAY_MICROS = ChronoUnit.DAYS.getDuration().toNanos() / 1000;
  private static final byte[][] EVENTS = {bytes("login"), bytes("logout"), bytes("click"), bytes("view"),
      bytes("purchase")};

  static final Schema SCHEMA = Schema.fromJson("""
      {"schema_id": 0, "fields": [
        {"id": 1, "name": "user_id", "type": "long", "required": true},
        {"id": 2, "name": "event", "type": "string", "required": true},
        {"id": 3, "name": "ts", "type": "timestamp", "required": true}]}""");

  private DailyEvents() {}

  /** {@code rowsPerDay} rows of each of the days {@code [firstDay, firstDay + days)}, day after day. */
  static VectorSchemaRoot days(BufferAllocator allocator, int firstDay, int days, int rowsPerDay) {
    VectorSchemaRoot root = allocate(allocator, days * rowsPerDay);
    int i = 0;
    for (int day = firstDay; day < firstDay + days; day++) {
      for (int r = 0; r < rowsPerDay; r++, i++) {
        set(root, i, (long) day * rowsPerDay + r, day, r * (DAY_MICROS / rowsPerDay));
      }
    }
    root.setRowCount(i);
    return root;
  }

  /** Rows {@code [start, start + rows)}, row {@code n} on day {@code n % days}: every batch meets every day. */
  static VectorSchemaRoot interleaved(BufferAllocator allocator, long start, int rows, int days) {
    VectorSchemaRoot root = allocate(allocator, rows);
    for (int i = 0; i < rows; i++) {
      long n = start + i;
      set(root, i, n, (int) (n % days), (n / days) % DAY_MICROS);
    }
    root.setRowCount(rows);
    return root;
  }

  /** The day's first microsecond, as {@code ts} literals take it ({@code 2025-01-01T00:00:00}). */
  static String dayStart(int day) {
    return FIRST_DAY.plusDays(day) + "T00:00:00";
  }

  private static VectorSchemaRoot allocate(BufferAllocator allocator, int rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.toArrow(SCHEMA), allocator);
    ((BigIntVector) root.getVector(0)).allocateNew(rows);
    ((VarCharVector) root.getVector(1)).allocateNew(rows * 6L, rows);
    ((TimeStampMicroVector) root.getVector(2)).allocateNew(rows);
    return root;
  }

  private static void set(VectorSchemaRoot root, int i, long userId, int day, long microsOfDay) {
    ((BigIntVector) root.getVector(0)).set(i, userId);
    ((VarCharVector) root.getVector(1)).setSafe(i, EVENTS[(int) (userId % EVENTS.length)]);
    long epochDay = FIRST_DAY.toEpochDay() + day;
    ((TimeStampMicroVector) root.getVector(2)).set(i, epochDay * DAY_MICROS + microsOfDay);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
