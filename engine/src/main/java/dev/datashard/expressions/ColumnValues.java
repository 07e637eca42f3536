package dev.datashard.expressions;

import dev.datashard.Field;
import dev.datashard.Type;
import dev.datashard.ValidationException;
import dev.datashard.arrow.Values;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
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

/**
 * Values of a primitive column in the form filters compare them: the form Iceberg stores them in,
 * as bounds hold them. Boolean; Integer for int and date (days); Long for long, time and
 * timestamps (microseconds); Float; Double; BigDecimal; byte[] for string (UTF-8), uuid (16
 * big-endian bytes), fixed and binary. Literals, bounds and row values all take this form, so one
 * order, {@link ValueOrder}, judges them all.
 */
final class ColumnValues {
  private ColumnValues() {}

  /** A filter literal for this column; an error names the column and the value. */
  static Object literal(Field field, Object value) {
    Type type = field.type();
    try {
      if (type instanceof Type.Decimal) {
        return value instanceof BigDecimal d ? d : new BigDecimal(value.toString().trim());
      }
      if (type instanceof Type.Fixed) {
        return Values.toBytes(value, type);
      }
      return switch ((Type.Primitive) type) {
        case BOOLEAN -> Values.toBoolean(value, type);
        case INT -> (int) Values.toLong(value, type, Integer.MIN_VALUE, Integer.MAX_VALUE);
        case LONG -> Values.toLong(value, type, Long.MIN_VALUE, Long.MAX_VALUE);
        case FLOAT -> (float) Values.toDouble(value, type);
        case DOUBLE -> Values.toDouble(value, type);
        case DATE -> Values.toEpochDay(value, type);
        case TIME -> Values.toTimeMicros(value, type);
        case TIMESTAMP, TIMESTAMPTZ -> Values.toTimestampMicros(value, type);
        case STRING -> utf8(field, Values.toStringValue(value, type));
        case UUID -> Values.toUuidBytes(value, type);
        case BINARY -> Values.toBytes(value, type);
      };
    } catch (Values.BadValue | NumberFormatException e) {
      throw new ValidationException("filter on '" + field.name() + "': " + e.getMessage(), e);
    }
  }

  /** Strings compare as UTF-8, so text without a UTF-8 form (a lone surrogate) is no literal. */
  private static byte[] utf8(Field field, String text) {
    try {
      ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(text));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new ValidationException("filter on '" + field.name() + "': '" + text
          + "' is not valid Unicode text (it has a lone surrogate)", e);
    }
  }

  /** A bound in the spec's binary single-value form, or null without one. */
  static Object bound(Type type, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (type instanceof Type.Decimal decimal) {
      return new BigDecimal(new BigInteger(bytes), decimal.scale());
    }
    if (type instanceof Type.Fixed) {
      return bytes;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    return switch ((Type.Primitive) type) {
      case BOOLEAN -> bytes[0] != 0;
      case INT, DATE -> buffer.getInt();
      // A column promoted from int or float keeps the 4-byte bounds of its older files.
      case LONG -> bytes.length == 4 ? (long) buffer.getInt() : buffer.getLong();
      case FLOAT -> buffer.getFloat();
      case DOUBLE -> bytes.length == 4 ? (double) buffer.getFloat() : buffer.getDouble();
      case TIME, TIMESTAMP, TIMESTAMPTZ -> buffer.getLong();
      case STRING, UUID, BINARY -> bytes;
    };
  }

  /** The value of one row of a vector holding this type, or null. */
  static Object cell(FieldVector vector, int row, Type type) {
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
      case DOUBLE -> vector instanceof Float8Vector v ? v.get(row) : (double) ((Float4Vector) vector).get(row);
      case DATE -> ((DateDayVector) vector).get(row);
      case TIME -> ((TimeMicroVector) vector).get(row);
      case TIMESTAMP, TIMESTAMPTZ -> ((TimeStampVector) vector).get(row);
      case STRING, BINARY -> ((BaseVariableWidthVector) vector).get(row);
      case UUID -> ((FixedSizeBinaryVector) vector).get(row);
    };
  }

  /** NaN of a float or double column; null for types without one. */
  static Object nan(Type type) {
    if (type == Type.Primitive.FLOAT) {
      return Float.NaN;
    }
    return type == Type.Primitive.DOUBLE ? (Object) Double.NaN : null;
  }
}
