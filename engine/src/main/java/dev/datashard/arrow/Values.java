package dev.datashard.arrow;

import dev.datashard.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Converts Java values to a column's storage form (the longs, ints and bytes Arrow holds) and
 * rejects anything that would lose information: {@code 1.7} into a long is an error, not {@code 1}.
 */
public final class Values {
  private static final LocalDate EPOCH_DAY = LocalDate.ofEpochDay(0);
  // Iceberg's dates and timestamps span the years 1 to 9999, so every value has a four-digit ISO form.
  private static final LocalDate FIRST_DAY = LocalDate.of(1, 1, 1);
  private static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);
  private static final Instant FIRST_INSTANT = FIRST_DAY.atStartOfDay().toInstant(ZoneOffset.UTC);
  private static final Instant LAST_INSTANT = LAST_DAY.atTime(LocalTime.MAX).toInstant(ZoneOffset.UTC);
  private static final long FIRST_MICROS = micros(FIRST_INSTANT);
  private static final long LAST_MICROS = micros(LAST_INSTANT);
  private static final String YEARS = "years 0001 to 9999 only";
  static final long MICROS_PER_DAY = 86_400_000_000L;

  private Values() {}

  /** Thrown with a description of what was wrong; callers add the record and field. */
  public static final class BadValue extends RuntimeException {
    BadValue(String message) {
      super(message);
    }
  }

  static BadValue bad(Object value, Type type) {
    String shown = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    return new BadValue(shown + " (" + value.getClass().getSimpleName() + ") is not a valid "
        + type.typeName());
  }

  public static boolean toBoolean(Object value, Type type) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw bad(value, type);
  }

  /** An integral value within [min, max]; fractional numbers and out-of-range values are errors. */
  public static long toLong(Object value, Type type, long min, long max) {
    BigDecimal exact;
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      long v = ((Number) value).longValue();
      if (v < min || v > max) {
        throw new BadValue(value + " is out of range for " + type.typeName());
      }
      return v;
    } else if (value instanceof BigInteger b) {
      exact = new BigDecimal(b);
    } else if (value instanceof BigDecimal d) {
      exact = d;
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw bad(value, type);
      }
      exact = BigDecimal.valueOf(d);
    } else if (value instanceof String s) {
      try {
        exact = new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        throw bad(value, type);
      }
    } else {
      throw bad(value, type);
    }
    // Compared before any conversion: 1e999999999 made exact would be a billion digits long.
    if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new BadValue(value + " is out of range for " + type.typeName());
    }
    if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
      throw new BadValue(value + " is not a whole number, so it cannot be stored as " + type.typeName()
          + " without losing its fraction");
    }
    return exact.longValue();
  }

  public static double toDouble(Object value, Type type) {
    double converted;
    if (value instanceof Number n) {
      converted = n.doubleValue();
    } else if (value instanceof String s) {
      try {
        converted = Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw bad(value, type);
      }
    } else {
      throw bad(value, type);
    }
    requireInRange(value, converted, type, Double.toString(Double.MAX_VALUE), Double.toString(Double.MIN_VALUE));
    return converted;
  }

  public static float toFloat(Object value, Type type) {
    float converted;
    if (value instanceof Number n) {
      converted = n.floatValue();
    } else if (value instanceof String s) {
      try {
        converted = Float.parseFloat(s.trim());
      } catch (NumberFormatException e) {
        throw bad(value, type);
      }
    } else {
      throw bad(value, type);
    }
    requireInRange(value, converted, type, Float.toString(Float.MAX_VALUE), Float.toString(Float.MIN_VALUE));
    return converted;
  }

  /**
   * Java's conversions turn a finite number too large for the type into infinity and a nonzero one
   * too small into zero, silently; both are errors. Infinity, NaN and zero themselves stay valid.
   */
  private static void requireInRange(Object value, double converted, Type type, String largest,
      String smallest) {
    if (Double.isInfinite(converted) && !isInfinity(value)) {
      throw outOfRange(value, type, "finite values are at most " + largest + " in magnitude");
    }
    if (converted == 0 && !isZero(value)) {
      throw outOfRange(value, type, "nonzero values are at least " + smallest + " in magnitude");
    }
  }

  private static boolean isInfinity(Object value) {
    if (value instanceof String s) {
      return s.trim().matches("[+-]?Infinity");
    }
    return value instanceof Double d && d.isInfinite() || value instanceof Float f && f.isInfinite();
  }

  private static boolean isZero(Object value) {
    if (value instanceof BigDecimal d) {
      return d.signum() == 0;
    }
    if (value instanceof BigInteger b) {
      return b.signum() == 0;
    }
    if (value instanceof String s) {
      try {
        return new BigDecimal(s.trim()).signum() == 0;
      } catch (NumberFormatException notDecimal) {
        return true; // Java's other float syntaxes (hex, a d or f suffix) are taken as parsed
      }
    }
    return ((Number) value).doubleValue() == 0;
  }

  public static BigDecimal toDecimal(Object value, Type.Decimal type) {
    BigDecimal decimal;
    if (value instanceof BigDecimal d) {
      decimal = d;
    } else if (value instanceof BigInteger b) {
      decimal = new BigDecimal(b);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      decimal = BigDecimal.valueOf(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw bad(value, type);
      }
      decimal = new BigDecimal(value.toString());
    } else if (value instanceof String s) {
      try {
        decimal = new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        throw bad(value, type);
      }
    } else {
      throw bad(value, type);
    }
    if (decimal.signum() == 0) {
      return BigDecimal.ZERO.setScale(type.scale());
    }
    // Digits counted before rescaling: rescaling 1e999999999 would build a billion-digit number.
    BigDecimal significant = decimal.stripTrailingZeros();
    if (significant.scale() > type.scale()) {
      throw new BadValue(value + " has more than " + type.scale() + " decimal places for " + type.typeName());
    }
    if (significant.precision() - significant.scale() > type.precision() - type.scale()) {
      throw new BadValue(value + " has more than " + type.precision() + " digits for " + type.typeName());
    }
    return decimal.setScale(type.scale(), RoundingMode.UNNECESSARY);
  }

  public static String toStringValue(Object value, Type type) {
    if (value instanceof CharSequence s) {
      return s.toString();
    }
    throw bad(value, type);
  }

  public static int toEpochDay(Object value, Type type) {
    LocalDate date;
    if (value instanceof LocalDate d) {
      date = d;
    } else if (value instanceof String s) {
      try {
        date = LocalDate.parse(s.trim());
      } catch (DateTimeParseException e) {
        throw bad(value, type);
      }
    } else if (value instanceof Integer i) {
      date = EPOCH_DAY.plusDays(i);
    } else {
      throw bad(value, type);
    }
    if (date.isBefore(FIRST_DAY) || date.isAfter(LAST_DAY)) {
      throw outOfRange(value, type, YEARS);
    }
    return (int) date.toEpochDay();
  }

  public static long toTimeMicros(Object value, Type type) {
    if (value instanceof LocalTime t) {
      return t.toNanoOfDay() / 1000;
    }
    if (value instanceof String s) {
      try {
        return LocalTime.parse(s.trim()).toNanoOfDay() / 1000;
      } catch (DateTimeParseException e) {
        throw bad(value, type);
      }
    }
    if (value instanceof Long || value instanceof Integer) {
      long micros = ((Number) value).longValue();
      if (!isTimeOfDay(micros)) {
        throw outOfRange(value, type, "microseconds since midnight are 0 to " + (MICROS_PER_DAY - 1));
      }
      return micros;
    }
    throw bad(value, type);
  }

  /** Whether microseconds are a time of day: any other value is stored fine but cannot be read back. */
  static boolean isTimeOfDay(long micros) {
    return micros >= 0 && micros < MICROS_PER_DAY;
  }

  /** Microseconds since the epoch; for {@code timestamp} (no zone) of the wall-clock time in UTC. */
  public static long toTimestampMicros(Object value, Type type) {
    boolean withZone = type == Type.Primitive.TIMESTAMPTZ;
    if (value instanceof Long || value instanceof Integer) {
      long micros = ((Number) value).longValue();
      if (micros < FIRST_MICROS || micros > LAST_MICROS) {
        throw outOfRange(value, type, YEARS + " (microseconds " + FIRST_MICROS + " to " + LAST_MICROS + ")");
      }
      return micros;
    }
    Instant instant;
    if (value instanceof Instant i) {
      instant = i;
    } else if (value instanceof OffsetDateTime o) {
      instant = o.toInstant();
    } else if (value instanceof ZonedDateTime z) {
      instant = z.toInstant();
    } else if (value instanceof LocalDateTime l) {
      instant = l.toInstant(ZoneOffset.UTC);
    } else if (value instanceof java.util.Date d) {
      instant = d.toInstant();
    } else if (value instanceof String s) {
      String text = s.trim().replace(' ', 'T');
      try {
        instant = withZone ? OffsetDateTime.parse(text).toInstant()
            : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw new BadValue("'" + s + "' is not an ISO-8601 " + type.typeName()
            + (withZone ? " with an offset (e.g. 2024-01-31T12:00:00Z)" : " (e.g. 2024-01-31T12:00:00)"));
      }
    } else {
      throw bad(value, type);
    }
    if (instant.isBefore(FIRST_INSTANT) || instant.isAfter(LAST_INSTANT)) {
      throw outOfRange(value, type, YEARS + (withZone ? ", in UTC" : ""));
    }
    return micros(instant);
  }

  /** The instant's microseconds (floor), exact where nanoseconds would overflow a long: before 1677, after 2262. */
  private static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
  }

  private static BadValue outOfRange(Object value, Type type, String range) {
    String shown = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    return new BadValue(shown + " is out of range for " + type.typeName() + ": " + range);
  }

  public static byte[] toUuidBytes(Object value, Type type) {
    UUID uuid;
    if (value instanceof UUID u) {
      uuid = u;
    } else if (value instanceof String s) {
      try {
        uuid = UUID.fromString(s.trim());
      } catch (IllegalArgumentException e) {
        throw bad(value, type);
      }
    } else {
      throw bad(value, type);
    }
    return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits()).array();
  }

  /** Bytes from {@code byte[]}, a {@link ByteBuffer}, or hex text (the Iceberg JSON form). */
  public static byte[] toBytes(Object value, Type type) {
    byte[] bytes;
    if (value instanceof byte[] b) {
      bytes = b;
    } else if (value instanceof ByteBuffer buffer) {
      bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
    } else if (value instanceof String s) {
      try {
        bytes = HexFormat.of().parseHex(s.trim());
      } catch (IllegalArgumentException e) {
        throw new BadValue("'" + s + "' is not hexadecimal bytes for " + type.typeName());
      }
    } else {
      throw bad(value, type);
    }
    if (type instanceof Type.Fixed fixed && bytes.length != fixed.length()) {
      throw new BadValue(bytes.length + " bytes do not fit " + type.typeName());
    }
    return bytes;
  }

  // Arrow storage form back to Java values.

  public static LocalDate date(int epochDay) {
    return EPOCH_DAY.plusDays(epochDay);
  }

  public static LocalTime time(long micros) {
    return LocalTime.ofNanoOfDay(micros * 1000);
  }

  public static LocalDateTime timestamp(long micros) {
    return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000),
        (int) Math.floorMod(micros, 1_000_000) * 1000, ZoneOffset.UTC);
  }

  public static OffsetDateTime timestamptz(long micros) {
    return timestamp(micros).atOffset(ZoneOffset.UTC);
  }

  public static UUID uuid(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new UUID(buffer.getLong(), buffer.getLong());
  }
}
