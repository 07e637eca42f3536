package dev.datashard.partition;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.datashard.Type;
import dev.datashard.arrow.Values;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;

/** Partition values (storage form, see {@link TransformValues}) as text, JSON and paths. */
public final class PartitionValues {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final LocalDate EPOCH = LocalDate.ofEpochDay(0);

  private PartitionValues() {}

  /**
   * Iceberg's human-readable form of a partition value ({@code Transform.toHumanString}), which
   * its partition paths use: {@code 2026-01-03} for a day, {@code 2026-01} for a month,
   * {@code 2026-01-03-10} for an hour, base64 for bytes, {@code null} for null.
   */
  public static String toHumanString(Transform transform, Type sourceType, Object value) {
    requireNonNull(transform, "transform");
    requireNonNull(sourceType, "sourceType");
    if (value == null || transform instanceof Transform.Void) {
      return "null";
    }
    if (transform instanceof Transform.Bucket) {
      return value.toString();
    }
    if (transform instanceof Transform.Year) {
      return String.format(Locale.ROOT, "%04d", EPOCH.plusYears((Integer) value).getYear());
    }
    if (transform instanceof Transform.Month) {
      LocalDate month = EPOCH.plusMonths((Integer) value);
      return String.format(Locale.ROOT, "%04d-%02d", month.getYear(), month.getMonthValue());
    }
    if (transform instanceof Transform.Day) {
      return EPOCH.plusDays((Integer) value).format(DateTimeFormatter.ISO_LOCAL_DATE);
    }
    if (transform instanceof Transform.Hour) {
      int hours = (Integer) value;
      LocalDate day = EPOCH.plusDays(Math.floorDiv(hours, 24));
      return String.format(Locale.ROOT, "%s-%02d", day.format(DateTimeFormatter.ISO_LOCAL_DATE),
          Math.floorMod(hours, 24));
    }
    return valueString(sourceType, value); // identity and truncate keep the source type
  }

  private static String valueString(Type type, Object value) {
    if (type instanceof Type.Fixed) {
      return Base64.getEncoder().encodeToString((byte[]) value);
    }
    if (type instanceof Type.Decimal) {
      return value.toString();
    }
    return switch ((Type.Primitive) type) {
      case BOOLEAN, INT, LONG, FLOAT, DOUBLE -> value.toString();
      // Iceberg's text of a time drops zero seconds (LocalTime.toString); its JSON does not.
      case TIME -> Values.time((Long) value).toString();
      case DATE, TIMESTAMP, TIMESTAMPTZ -> isoText((Type.Primitive) type, value);
      case STRING -> new String((byte[]) value, StandardCharsets.UTF_8);
      case UUID -> Values.uuid((byte[]) value).toString();
      case BINARY -> Base64.getEncoder().encodeToString((byte[]) value);
    };
  }

  /**
   * The spec's JSON single-value form (appendix D) of a value of {@code type}, a partition
   * field's result type: numbers, ISO dates and times, strings, uuids, decimals as strings and
   * bytes as hexadecimal; null as JSON null.
   */
  public static JsonNode toJson(Type type, Object value) {
    requireNonNull(type, "type");
    if (value == null) {
      return JSON.nullNode();
    }
    if (type instanceof Type.Decimal) {
      return JSON.textNode(((BigDecimal) value).toPlainString());
    }
    if (type instanceof Type.Fixed) {
      return JSON.textNode(HexFormat.of().withUpperCase().formatHex((byte[]) value));
    }
    return switch ((Type.Primitive) type) {
      case BOOLEAN -> JSON.booleanNode((Boolean) value);
      case INT -> JSON.numberNode((Integer) value);
      case LONG -> JSON.numberNode((Long) value);
      case FLOAT -> JSON.numberNode((Float) value);
      case DOUBLE -> JSON.numberNode((Double) value);
      case DATE, TIME, TIMESTAMP, TIMESTAMPTZ -> JSON.textNode(isoText((Type.Primitive) type, value));
      case STRING -> JSON.textNode(new String((byte[]) value, StandardCharsets.UTF_8));
      case UUID -> JSON.textNode(Values.uuid((byte[]) value).toString());
      case BINARY -> JSON.textNode(HexFormat.of().withUpperCase().formatHex((byte[]) value));
    };
  }

  /** ISO-8601 with seconds always and fractions only when nonzero; instants in UTC as {@code +00:00}, as Iceberg writes them. */
  private static String isoText(Type.Primitive type, Object value) {
    return switch (type) {
      case DATE -> Values.date((Integer) value).format(DateTimeFormatter.ISO_LOCAL_DATE);
      case TIME -> Values.time((Long) value).format(DateTimeFormatter.ISO_LOCAL_TIME);
      case TIMESTAMP -> Values.timestamp((Long) value).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
      case TIMESTAMPTZ -> Values.timestamp((Long) value).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + "+00:00";
      default -> throw new IllegalArgumentException(type + " is no date or time");
    };
  }

  /**
   * The partition's directory under the table's data folder, as Iceberg names it:
   * {@code ts_day=2026-01-03/user_id_bucket=5}, names and values URL-encoded.
   */
  public static String toPath(PartitionSpec spec, PartitionKey key) {
    requireNonNull(spec, "spec");
    requireNonNull(key, "key");
    if (key.size() != spec.fields().size()) {
      throw new IllegalArgumentException("a key of " + key.size() + " values for a spec of "
          + spec.fields().size() + " fields");
    }
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < key.size(); i++) {
      PartitionField field = spec.fields().get(i);
      String text = toHumanString(field.transform(), spec.sourceField(field).type(), key.get(i));
      path.append(i == 0 ? "" : "/").append(URLEncoder.encode(field.name(), StandardCharsets.UTF_8))
          .append('=').append(URLEncoder.encode(text, StandardCharsets.UTF_8));
    }
    return path.toString();
  }

  /** The value of one row of a partition vector of {@code type}, in storage form, or null. */
  static Object read(FieldVector vector, int row, Type type) {
    if (vector.isNull(row)) {
      return null;
    }
    if (type instanceof Type.Decimal) {
      return ((DecimalVector) vector).getObject(row);
    }
    if (type instanceof Type.Fixed) {
      return ((FixedSizeBinaryVector) vector).get(row);
    }
    return switch ((Type.Primitive) type) {
      case BOOLEAN -> ((BitVector) vector).get(row) != 0;
      case INT -> (int) ((BaseIntVector) vector).getValueAsLong(row);
      case LONG -> ((BaseIntVector) vector).getValueAsLong(row);
      case FLOAT -> ((Float4Vector) vector).get(row);
      case DOUBLE -> ((Float8Vector) vector).get(row);
      case DATE -> ((DateDayVector) vector).get(row);
      case TIME -> ((TimeMicroVector) vector).get(row);
      case TIMESTAMP, TIMESTAMPTZ -> ((TimeStampVector) vector).get(row);
      case STRING, BINARY -> ((BaseVariableWidthVector) vector).get(row);
      case UUID -> ((FixedSizeBinaryVector) vector).get(row);
    };
  }
}
