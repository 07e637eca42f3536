package dev.datashard.cli;

import dev.datashard.Field;
import dev.datashard.Type;
import dev.datashard.arrow.RecordBatches;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Writes one column's text values into its Arrow vector. The common cases (a plain integer into
 * long or int, a short decimal into double, any text into string) are decoded from the bytes in
 * place; every other value becomes the Java value the JSON or CSV text stands for and goes through
 * {@link RecordBatches#setField}, so that its checks and error messages are the table API's own.
 */
final class ColumnWriter {
  private enum Kind { LONG, INT, DOUBLE, STRING, OTHER }

  /** Powers of ten that are exact doubles: a decimal of at most 2^53 scaled by one is rounded once, correctly. */
  private static final double[] POWERS_OF_TEN = new double[23];
  private static final long LARGEST_EXACT = 1L << 53;
  /** Marks text the integer fast path leaves to {@link #value}. */
  private static final long NOT_SIMPLE = Long.MIN_VALUE;

  static {
    double power = 1;
    for (int i = 0; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = power;
      power *= 10;
    }
  }

  private final Field field;
  private final FieldVector vector;
  private final Kind kind;

  ColumnWriter(Field field, FieldVector vector) {
    this.field = field;
    this.vector = vector;
    this.kind = field.type() == Type.Primitive.LONG ? Kind.LONG
        : field.type() == Type.Primitive.INT ? Kind.INT
        : field.type() == Type.Primitive.DOUBLE ? Kind.DOUBLE
        : field.type() == Type.Primitive.STRING ? Kind.STRING
        : Kind.OTHER;
  }

  Field field() {
    return field;
  }

  /** A text value: a CSV cell or a JSON string without escapes, as UTF-8 bytes already checked. */
  void text(int row, byte[] bytes, int start, int end, long line) {
    switch (kind) {
      case STRING -> {
        ((VarCharVector) vector).setSafe(row, bytes, start, end - start);
        return;
      }
      case LONG, INT -> {
        long value = integer(bytes, start, end);
        if (value != NOT_SIMPLE && fits(value)) {
          setInteger(row, value);
          return;
        }
      }
      case DOUBLE -> {
        double value = decimal(bytes, start, end);
        if (!Double.isNaN(value)) {
          ((Float8Vector) vector).setSafe(row, value);
          return;
        }
      }
      default -> { }
    }
    value(row, new String(bytes, start, end - start, StandardCharsets.UTF_8), line);
  }

  /** A JSON number, its syntax already checked; {@code integral} when it has no fraction or exponent. */
  void number(int row, byte[] bytes, int start, int end, boolean integral, long line) {
    if (integral && (kind == Kind.LONG || kind == Kind.INT || kind == Kind.DOUBLE)) {
      long value = integer(bytes, start, end);
      if (value != NOT_SIMPLE && fits(value)) {
        if (kind == Kind.DOUBLE) {
          ((Float8Vector) vector).setSafe(row, value);
        } else {
          setInteger(row, value);
        }
        return;
      }
    } else if (!integral && kind == Kind.DOUBLE) {
      double value = decimal(bytes, start, end);
      // A negative zero is written as parsed; other zeros and everything else go the exact way.
      if (!Double.isNaN(value)) {
        ((Float8Vector) vector).setSafe(row, value);
        return;
      }
    }
    value(row, jsonNumber(new String(bytes, start, end - start, StandardCharsets.US_ASCII), integral), line);
  }

  /** A value of any other kind (a boolean, null, a nested value), checked as the table API checks it. */
  void value(int row, Object value, long line) {
    RecordBatches.setField(vector, row, field, value, "line", line);
  }

  private boolean fits(long value) {
    return kind != Kind.INT || value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
  }

  private void setInteger(int row, long value) {
    if (kind == Kind.LONG) {
      ((BigIntVector) vector).setSafe(row, value);
    } else {
      ((IntVector) vector).setSafe(row, (int) value);
    }
  }

  /** An optional minus and 1 to 18 digits, or {@link #NOT_SIMPLE}. */
  private static long integer(byte[] bytes, int start, int end) {
    int i = start;
    boolean negative = i < end && bytes[i] == '-';
    if (negative) {
      i++;
    }
    int digits = end - i;
    if (digits < 1 || digits > 18) {
      return NOT_SIMPLE;
    }
    long value = 0;
    for (; i < end; i++) {
      int d = bytes[i] - '0';
      if (d < 0 || d > 9) {
        return NOT_SIMPLE;
      }
      value = value * 10 + d;
    }
    return negative ? -value : value;
  }

  /**
   * An optional minus, digits with an optional fraction and exponent, whose digits make at most
   * 2^53 and whose power of ten is at most 22 either way, as the correctly rounded double; NaN
   * for anything else (the slow path then decides).
   */
  private static double decimal(byte[] bytes, int start, int end) {
    int i = start;
    boolean negative = i < end && bytes[i] == '-';
    if (negative) {
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int scale = 0;
    boolean point = false;
    for (; i < end; i++) {
      int b = bytes[i];
      if (b >= '0' && b <= '9') {
        if (mantissa > (LARGEST_EXACT - 9) / 10) {
          return Double.NaN;
        }
        mantissa = mantissa * 10 + (b - '0');
        digits++;
        if (point) {
          scale++;
        }
      } else if (b == '.' && !point && digits > 0) {
        point = true;
      } else {
        break;
      }
    }
    if (digits == 0 || point && bytes[i - 1] == '.') {
      return Double.NaN;
    }
    int exponent = 0;
    if (i < end) {
      if (bytes[i] != 'e' && bytes[i] != 'E') {
        return Double.NaN;
      }
      i++;
      boolean negativeExponent = i < end && bytes[i] == '-';
      if (i < end && (bytes[i] == '-' || bytes[i] == '+')) {
        i++;
      }
      if (i == end || end - i > 3) {
        return Double.NaN;
      }
      for (; i < end; i++) {
        int d = bytes[i] - '0';
        if (d < 0 || d > 9) {
          return Double.NaN;
        }
        exponent = exponent * 10 + d;
      }
      if (negativeExponent) {
        exponent = -exponent;
      }
    }
    int power = exponent - scale;
    if (power < -22 || power > 22) {
      return Double.NaN;
    }
    double value = power < 0 ? mantissa / POWERS_OF_TEN[-power] : mantissa * POWERS_OF_TEN[power];
    return negative ? -value : value;
  }

  /**
   * The Java value Jackson gives a JSON number, as the table API's records would hold it: a whole
   * number as Long or BigInteger, any other as an exact BigDecimal, except a negative zero, which
   * is -0.0 (BigDecimal has no sign of zero).
   */
  private static Object jsonNumber(String text, boolean integral) {
    if (integral) {
      BigInteger value = new BigInteger(text);
      return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }
    BigDecimal value = new BigDecimal(text);
    return value.signum() == 0 && text.startsWith("-") ? (Object) (-0.0) : value;
  }
}
