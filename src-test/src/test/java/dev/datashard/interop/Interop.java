package dev.datashard.interop;

import dev.datashard.Scan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * Shared pieces of the interoperability tests: Iceberg's file-system tables and one comparable
 * form of a row for both libraries (bytes as hex, structs as maps), sorted by the {@code id} column.
 */
final class Interop {
  private Interop() {}

  static HadoopTables tables() {
    return new HadoopTables(new Configuration());
  }

  /** Iceberg's view of the table at {@code location} (a {@code file:} URI or a path). */
  static Table icebergTable(String location) {
    return tables().load(location);
  }

  /** Every row Iceberg's generic reader returns for a snapshot (the current one when null). */
  static List<Map<String, Object>> icebergRows(Table table, Long snapshotId) {
    return icebergRows(table, snapshotId, org.apache.iceberg.expressions.Expressions.alwaysTrue());
  }

  /** The rows Iceberg's generic reader returns for a snapshot and a row filter. */
  static List<Map<String, Object>> icebergRows(Table table, Long snapshotId, org.apache.iceberg.expressions.Expression filter) {
    IcebergGenerics.ScanBuilder scan = IcebergGenerics.read(table).where(filter);
    if (snapshotId != null) {
      scan = scan.useSnapshot(snapshotId);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = scan.build()) {
      for (Record record : records) {
        Map<String, Object> row = canonicalRecord(record);
        // The reader adds metadata columns it needs for deletes (_pos): not the table's.
        row.keySet().removeIf(MetadataColumns::isMetadataColumn);
        rows.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sorted(rows);
  }

  /** Every row DataShard's scan returns. */
  static List<Map<String, Object>> datashardRows(Scan scan) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> row : scan.toRecords()) {
      rows.add(canonicalMap(row));
    }
    return sorted(rows);
  }

  /**
   * Asserts equal row lists, reporting each differing column once (with its first differing row)
   * instead of printing whole tables.
   */
  static void assertSameRows(List<Map<String, Object>> actual, List<Map<String, Object>> expected) {
    List<String> differences = new ArrayList<>();
    if (actual.size() != expected.size()) {
      differences.add(actual.size() + " rows instead of " + expected.size());
    }
    Map<String, String> byColumn = new LinkedHashMap<>();
    for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
      Map<String, Object> a = actual.get(i);
      Map<String, Object> e = expected.get(i);
      if (!a.keySet().equals(e.keySet())) {
        byColumn.putIfAbsent("(columns)", a.keySet() + " instead of " + e.keySet());
      }
      for (String column : e.keySet()) {
        if (!Objects.equals(a.get(column), e.get(column))) {
          byColumn.putIfAbsent(column, "row id=" + e.get("id") + ": " + describe(a.get(column))
              + " instead of " + describe(e.get(column)));
        }
      }
    }
    byColumn.forEach((column, what) -> differences.add(column + ": " + what));
    if (!differences.isEmpty()) {
      throw new AssertionError("rows differ:\n  " + String.join("\n  ", differences));
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : value + " (" + value.getClass().getSimpleName() + ")";
  }

  static List<Map<String, Object>> sorted(List<Map<String, Object>> rows) {
    List<Map<String, Object>> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(r -> ((Number) r.get("id")).longValue()));
    return copy;
  }

  /**
   * The value in a form both libraries' values compare equal in: byte arrays and buffers become
   * hex text, Iceberg records and maps become ordered maps, character sequences strings.
   */
  static Object canonical(Object value) {
    if (value instanceof byte[] bytes) {
      return "0x" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return canonical(bytes);
    }
    if (value instanceof Record record) {
      return canonicalRecord(record);
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> result = new LinkedHashMap<>();
      map.forEach((k, v) -> result.put(canonical(k), canonical(v)));
      return result;
    }
    if (value instanceof List<?> list) {
      List<Object> result = new ArrayList<>(list.size());
      list.forEach(v -> result.add(canonical(v)));
      return result;
    }
    if (value instanceof CharSequence text) {
      return text.toString();
    }
    return value;
  }

  static Map<String, Object> canonicalRecord(Record record) {
    Map<String, Object> result = new LinkedHashMap<>();
    List<Types.NestedField> fields = record.struct().fields();
    for (int i = 0; i < fields.size(); i++) {
      result.put(fields.get(i).name(), canonical(record.get(i)));
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> canonicalMap(Map<String, ?> row) {
    return (Map<String, Object>) canonical(row);
  }
}
