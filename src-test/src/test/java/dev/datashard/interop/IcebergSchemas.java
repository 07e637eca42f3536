package dev.datashard.interop;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.types.Types;

/** The test schemas as Iceberg's own API builds them. */
final class IcebergSchemas {
  private IcebergSchemas() {}

  /** The same schema as DataShard's API takes it: field ids, names and types as Iceberg assigned them. */
  static dev.datashard.Schema toDataShard(Schema schema) {
    return dev.datashard.Schema.fromJson(SchemaParser.toJson(schema));
  }

  /** {@link AllTypes#SCHEMA}, field for field. */
  static Schema allTypes() {
    return new Schema(
        required(1, "id", Types.LongType.get()),
        optional(2, "b", Types.BooleanType.get()),
        optional(3, "i", Types.IntegerType.get()),
        optional(4, "l", Types.LongType.get()),
        optional(5, "f", Types.FloatType.get()),
        optional(6, "d", Types.DoubleType.get()),
        optional(7, "dec9", Types.DecimalType.of(9, 2)),
        optional(8, "dec18", Types.DecimalType.of(18, 6)),
        optional(9, "dec38", Types.DecimalType.of(38, 10)),
        optional(10, "date", Types.DateType.get()),
        optional(11, "time", Types.TimeType.get()),
        optional(12, "ts", Types.TimestampType.withoutZone()),
        optional(13, "tstz", Types.TimestampType.withZone()),
        optional(14, "s", Types.StringType.get()),
        optional(15, "u", Types.UUIDType.get()),
        optional(16, "fx", Types.FixedType.ofLength(5)),
        optional(17, "bin", Types.BinaryType.get()),
        optional(18, "st", Types.StructType.of(
            required(19, "x", Types.IntegerType.get()),
            optional(20, "y", Types.StringType.get()),
            optional(21, "inner", Types.StructType.of(
                optional(22, "z", Types.DecimalType.of(5, 1)))))),
        optional(23, "li", Types.ListType.ofOptional(24, Types.LongType.get())),
        optional(25, "m", Types.MapType.ofOptional(26, 27, Types.StringType.get(), Types.DoubleType.get())),
        optional(28, "ls", Types.ListType.ofRequired(29, Types.StructType.of(
            optional(30, "a", Types.StringType.get())))),
        optional(31, "ml", Types.MapType.ofOptional(32, 33, Types.IntegerType.get(),
            Types.ListType.ofRequired(34, Types.DateType.get()))));
  }

  /** A small table: id, category (to partition by), value. */
  static Schema events() {
    return new Schema(
        required(1, "id", Types.LongType.get()),
        optional(2, "category", Types.StringType.get()),
        optional(3, "value", Types.IntegerType.get()));
  }

  static List<Map<String, Object>> eventRows(int from, int to, String category) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int n = from; n < to; n++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", (long) n);
      row.put("category", category);
      row.put("value", n * 10);
      rows.add(row);
    }
    return rows;
  }
}
