package dev.datashard.interop;

import dev.datashard.Schema;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A schema with every Iceberg type DataShard supports (nested ones included) and deterministic
 * rows for it: every fifth row has every optional column null, and the others cover negative
 * numbers, NaN, long and non-ASCII strings, nulls inside structs, lists and maps.
 */
final class AllTypes {
  private AllTypes() {}

  static final Schema SCHEMA = Schema.fromJson("""
      {"schema-id": 0, "type": "struct", "fields": [
        {"id": 1, "name": "id", "type": "long", "required": true},
        {"id": 2, "name": "b", "type": "boolean", "required": false},
        {"id": 3, "name": "i", "type": "int", "required": false},
        {"id": 4, "name": "l", "type": "long", "required": false},
        {"id": 5, "name": "f", "type": "float", "required": false},
        {"id": 6, "name": "d", "type": "double", "required": false},
        {"id": 7, "name": "dec9", "type": "decimal(9, 2)", "required": false},
        {"id": 8, "name": "dec18", "type": "decimal(18, 6)", "required": false},
        {"id": 9, "name": "dec38", "type": "decimal(38, 10)", "required": false},
        {"id": 10, "name": "date", "type": "date", "required": false},
        {"id": 11, "name": "time", "type": "time", "required": false},
        {"id": 12, "name": "ts", "type": "timestamp", "required": false},
        {"id": 13, "name": "tstz", "type": "timestamptz", "required": false},
        {"id": 14, "name": "s", "type": "string", "required": false},
        {"id": 15, "name": "u", "type": "uuid", "required": false},
        {"id": 16, "name": "fx", "type": "fixed[5]", "required": false},
        {"id": 17, "name": "bin", "type": "binary", "required": false},
        {"id": 18, "name": "st", "required": false, "type": {"type": "struct", "fields": [
          {"id": 19, "name": "x", "type": "int", "required": true},
          {"id": 20, "name": "y", "type": "string", "required": false},
          {"id": 21, "name": "inner", "required": false, "type": {"type": "struct", "fields": [
            {"id": 22, "name": "z", "type": "decimal(5, 1)", "required": false}]}}]}},
        {"id": 23, "name": "li", "required": false, "type":
          {"type": "list", "element-id": 24, "element": "long", "element-required": false}},
        {"id": 25, "name": "m", "required": false, "type":
          {"type": "map", "key-id": 26, "key": "string", "value-id": 27, "value": "double",
           "value-required": false}},
        {"id": 28, "name": "ls", "required": false, "type":
          {"type": "list", "element-id": 29, "element-required": true, "element":
            {"type": "struct", "fields": [{"id": 30, "name": "a", "type": "string", "required": false}]}}},
        {"id": 31, "name": "ml", "required": false, "type":
          {"type": "map", "key-id": 32, "key": "int", "value-id": 33, "value-required": false, "value":
            {"type": "list", "element-id": 34, "element": "date", "element-required": true}}}
      ]}""");

  /** Rows {@code from} (inclusive) to {@code to} (exclusive), as Java values of their types. */
  static List<Map<String, Object>> rows(int from, int to) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int n = from; n < to; n++) {
      rows.add(row(n));
    }
    return rows;
  }

  static Map<String, Object> row(int n) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", (long) n);
    boolean allNull = n % 5 == 0;
    int sign = n % 2 == 0 ? 1 : -1;
    row.put("b", allNull ? null : n % 3 == 0);
    row.put("i", allNull ? null : sign * n * 1_000);
    row.put("l", allNull ? null : sign * (1L << 40) * n);
    row.put("f", allNull ? null : sign * n * 0.25f);
    row.put("d", allNull ? null : n % 7 == 3 ? Double.NaN : sign * n * 1.5);
    row.put("dec9", allNull ? null : BigDecimal.valueOf(sign * (n * 1_234_567L + 1), 2));
    row.put("dec18", allNull ? null : BigDecimal.valueOf(sign * (n * 987_654_321_012L + 7), 6));
    row.put("dec38", allNull ? null
        : new BigDecimal("1234567890123456789012345.0123456789").multiply(BigDecimal.valueOf(sign * n)));
    row.put("date", allNull ? null : LocalDate.of(2024, 2, 29).plusDays(sign * n * 3L));
    row.put("time", allNull ? null : LocalTime.of(n % 24, 59, 58, 123_456_000));
    row.put("ts", allNull ? null : LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6_000).plusHours(sign * n));
    row.put("tstz", allNull ? null
        : OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC).plusMinutes(sign * n));
    row.put("s", allNull ? null : n % 4 == 1 ? "a long string past the sixteen-character bound " + n
        : "héllo wörld ✓ " + n);
    row.put("u", allNull ? null : new UUID(0x0123_4567_89ab_cdefL * n, -n));
    row.put("fx", allNull ? null : new byte[] {(byte) n, 2, 3, (byte) 0xff, (byte) -n});
    byte[] binary = new byte[n % 20];
    Arrays.fill(binary, (byte) (0xf0 + n % 16));
    row.put("bin", allNull ? null : binary);
    if (allNull) {
      row.put("st", null);
    } else {
      Map<String, Object> inner = new LinkedHashMap<>();
      inner.put("z", n % 3 == 0 ? null : BigDecimal.valueOf(sign * n, 1));
      Map<String, Object> struct = new LinkedHashMap<>();
      struct.put("x", n);
      struct.put("y", n % 2 == 0 ? null : "y" + n);
      struct.put("inner", n % 4 == 0 ? null : inner);
      row.put("st", struct);
    }
    List<Long> list = new ArrayList<>();
    for (int k = 0; k < n % 4; k++) {
      list.add(k == 1 ? null : (long) n * k);
    }
    row.put("li", allNull ? null : list);
    Map<String, Double> map = new LinkedHashMap<>();
    for (int k = 0; k < n % 3; k++) {
      map.put("key" + k, k == 1 ? null : n + k / 10.0);
    }
    row.put("m", allNull ? null : map);
    List<Map<String, Object>> structs = new ArrayList<>();
    for (int k = 0; k < n % 3; k++) {
      Map<String, Object> element = new LinkedHashMap<>();
      element.put("a", k == 1 ? null : "a" + n + "." + k);
      structs.add(element);
    }
    row.put("ls", allNull ? null : structs);
    Map<Integer, List<LocalDate>> dates = new LinkedHashMap<>();
    for (int k = 0; k < n % 3; k++) {
      dates.put(k, k == 1 ? null : List.of(LocalDate.ofEpochDay(n), LocalDate.ofEpochDay(-n * k)));
    }
    row.put("ml", allNull ? null : dates);
    return row;
  }
}
