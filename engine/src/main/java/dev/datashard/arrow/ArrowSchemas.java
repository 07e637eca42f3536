package dev.datashard.arrow;

import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.io.parquet.ParquetFiles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * The mapping between Iceberg types and Arrow types (documented in the README). Every Arrow field
 * carries its Iceberg field id as {@code PARQUET:field_id}, which the Parquet writer stores.
 */
public final class ArrowSchemas {
  /**
   * Marks uuid columns as Arrow's canonical UUID extension type, for which the Parquet writer adds
   * the UUID logical type the Iceberg spec requires on {@code fixed_len_byte_array(16)}; without it,
   * Iceberg's readers return the bytes instead of a UUID. The vectors stay FixedSizeBinary(16).
   */
  private static final Map<String, String> UUID_EXTENSION = Map.of(
      "ARROW:extension:name", "arrow.uuid", "ARROW:extension:metadata", "");

  private ArrowSchemas() {}

  public static org.apache.arrow.vector.types.pojo.Schema toArrow(Schema schema) {
    return new org.apache.arrow.vector.types.pojo.Schema(
        schema.fields().stream().map(ArrowSchemas::toArrow).toList());
  }

  public static org.apache.arrow.vector.types.pojo.Field toArrow(Field field) {
    return arrowField(field.name(), field.id(), field.type(), !field.required());
  }

  private static org.apache.arrow.vector.types.pojo.Field arrowField(String name, int id, Type type,
      boolean nullable) {
    Map<String, String> metadata = new HashMap<>();
    metadata.put(ParquetFiles.FIELD_ID_KEY, Integer.toString(id));
    if (type == Type.Primitive.UUID) {
      metadata.putAll(UUID_EXTENSION);
    }
    List<org.apache.arrow.vector.types.pojo.Field> children = List.of();
    if (type instanceof Type.Struct struct) {
      children = struct.fields().stream().map(ArrowSchemas::toArrow).toList();
    } else if (type instanceof Type.ListOf list) {
      children = List.of(arrowField("element", list.elementId(), list.element(), !list.elementRequired()));
    } else if (type instanceof Type.MapOf map) {
      org.apache.arrow.vector.types.pojo.Field entries = new org.apache.arrow.vector.types.pojo.Field(
          "entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(
              arrowField("key", map.keyId(), map.key(), false),
              arrowField("value", map.valueId(), map.value(), !map.valueRequired())));
      children = List.of(entries);
    }
    return new org.apache.arrow.vector.types.pojo.Field(name,
        new FieldType(nullable, arrowType(type), null, Map.copyOf(metadata)), children);
  }

  public static ArrowType arrowType(Type type) {
    if (type instanceof Type.Primitive primitive) {
      return switch (primitive) {
        case BOOLEAN -> ArrowType.Bool.INSTANCE;
        case INT -> new ArrowType.Int(32, true);
        case LONG -> new ArrowType.Int(64, true);
        case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
        case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        case DATE -> new ArrowType.Date(DateUnit.DAY);
        case TIME -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
        case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
        case TIMESTAMPTZ -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
        case STRING -> ArrowType.Utf8.INSTANCE;
        case UUID -> new ArrowType.FixedSizeBinary(16);
        case BINARY -> ArrowType.Binary.INSTANCE;
      };
    }
    if (type instanceof Type.Decimal decimal) {
      return new ArrowType.Decimal(decimal.precision(), decimal.scale(), 128);
    }
    if (type instanceof Type.Fixed fixed) {
      return new ArrowType.FixedSizeBinary(fixed.length());
    }
    if (type instanceof Type.Struct) {
      return ArrowType.Struct.INSTANCE;
    }
    if (type instanceof Type.ListOf) {
      return ArrowType.List.INSTANCE;
    }
    return new ArrowType.Map(false);
  }

  /**
   * Whether data of Arrow type {@code actual} can be written as {@code expected} without
   * conversion: the same type tree, ignoring child names and any time zone of an instant.
   */
  public static boolean compatible(org.apache.arrow.vector.types.pojo.Field expected,
      org.apache.arrow.vector.types.pojo.Field actual) {
    ArrowType e = expected.getType();
    ArrowType a = actual.getType();
    boolean sameType;
    if (e instanceof ArrowType.Timestamp et && a instanceof ArrowType.Timestamp at) {
      sameType = et.getUnit() == at.getUnit() && (et.getTimezone() == null) == (at.getTimezone() == null);
    } else if (e instanceof ArrowType.Map && a instanceof ArrowType.Map) {
      sameType = true;
    } else {
      sameType = e.equals(a);
    }
    if (!sameType || expected.getChildren().size() != actual.getChildren().size()) {
      return false;
    }
    if (e instanceof ArrowType.Struct) {
      // Struct children match by name, like top-level columns.
      for (org.apache.arrow.vector.types.pojo.Field child : expected.getChildren()) {
        org.apache.arrow.vector.types.pojo.Field other = actual.getChildren().stream()
            .filter(c -> c.getName().equals(child.getName())).findFirst().orElse(null);
        if (other == null || !compatible(child, other)) {
          return false;
        }
      }
      return expected.getChildren().stream().map(f -> f.getName()).toList()
          .equals(actual.getChildren().stream().map(f -> f.getName()).toList());
    }
    for (int i = 0; i < expected.getChildren().size(); i++) {
      if (!compatible(expected.getChildren().get(i), actual.getChildren().get(i))) {
        return false;
      }
    }
    return true;
  }

  /** A short description of an Arrow type for error messages. */
  public static String describe(org.apache.arrow.vector.types.pojo.Field field) {
    if (field.getChildren().isEmpty()) {
      return field.getType().toString();
    }
    return field.getType() + "<" + String.join(", ",
        field.getChildren().stream().map(ArrowSchemas::describe).toList()) + ">";
  }
}
