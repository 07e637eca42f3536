package dev.datashard.partition;

import static java.util.Objects.requireNonNull;

import dev.datashard.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The transforms on single values, and the arithmetic both they and {@link VectorTransforms}
 * use, so a value and a vector transform alike. Values are in storage form, the form Arrow holds
 * and bounds decode to: Integer for int and date (days); Long for long, time and timestamps
 * (microseconds); BigDecimal; byte[] for string (UTF-8), uuid (16 big-endian bytes), fixed and
 * binary; Boolean, Float, Double (identity and void only).
 */
final class TransformValues {
  static final long MICROS_PER_HOUR = 3_600_000_000L;
  static final long MICROS_PER_DAY = 86_400_000_000L;

  private TransformValues() {}

  static Object apply(Transform transform, Type source, Object value) {
    requireNonNull(transform, "transform");
    requireNonNull(source, "source");
    requireNonNull(value, "value");
    if (!transform.canTransform(source)) {
      throw new IllegalArgumentException(transform + " cannot transform " + source.typeName());
    }
    if (transform instanceof Transform.Identity) {
      return value;
    }
    if (transform instanceof Transform.Void) {
      return null;
    }
    if (transform instanceof Transform.Bucket bucket) {
      return bucket(hash(value), bucket.numBuckets());
    }
    if (transform instanceof Transform.Truncate truncate) {
      return truncate(value, source, truncate.width());
    }
    if (transform instanceof Transform.Hour) {
      return hours((Long) value);
    }
    int days = source == Type.Primitive.DATE ? (Integer) value : days((Long) value);
    if (transform instanceof Transform.Day) {
      return days;
    }
    return transform instanceof Transform.Year ? yearsFromDays(days) : monthsFromDays(days);
  }

  /** The spec's hash of a value: ints and dates as longs, decimals by their unscaled bytes. */
  static int hash(Object value) {
    if (value instanceof Integer i) {
      return Murmur3.hashLong(i);
    }
    if (value instanceof Long l) {
      return Murmur3.hashLong(l);
    }
    if (value instanceof BigDecimal d) {
      return Murmur3.hash(d.unscaledValue().toByteArray()); // minimal two's complement, big-endian
    }
    return Murmur3.hash((byte[]) value);
  }

  static int bucket(int hash, int numBuckets) {
    return (hash & Integer.MAX_VALUE) % numBuckets;
  }

  private static Object truncate(Object value, Type source, int width) {
    if (source == Type.Primitive.INT) {
      return truncateInt((Integer) value, width);
    }
    if (source == Type.Primitive.LONG) {
      return truncateLong((Long) value, width);
    }
    if (source instanceof Type.Decimal) {
      BigDecimal decimal = (BigDecimal) value;
      return new BigDecimal(truncateUnscaled(decimal.unscaledValue(), width), decimal.scale());
    }
    byte[] bytes = (byte[]) value;
    int length = source == Type.Primitive.STRING ? utf8PrefixLength(bytes, width) : Math.min(width, bytes.length);
    return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
  }

  // The spec's formula in the type's own arithmetic: v - (((v % W) + W) % W). Like Iceberg Java,
  // results that overflow (near the type's minimum) wrap.
  static int truncateInt(int value, int width) {
    return value - (((value % width) + width) % width);
  }

  static long truncateLong(long value, int width) {
    return value - (((value % width) + width) % width);
  }

  /**
   * Whether int truncation is monotonic apart from the overflow at the minimum: for widths above
   * 2^30 the formula's {@code (v % W) + W} overflows for positive values too. (Longs compute it in
   * 64 bits, where an int width cannot overflow it.)
   */
  static boolean truncationKeepsOrder(Type type, int width) {
    return type != Type.Primitive.INT || width <= 1 << 30;
  }

  /**
   * The partition value of the ints or longs within {@code width} of the type's minimum, where the
   * spec's formula overflows when {@code width} does not divide the minimum: they all share one
   * value near the maximum. Null when no value overflows.
   */
  static Object overflowedTruncation(Type type, int width) {
    if (type == Type.Primitive.INT) {
      return Math.floorMod(Integer.MIN_VALUE, width) == 0 ? null : truncateInt(Integer.MIN_VALUE, width);
    }
    return Math.floorMod(Long.MIN_VALUE, width) == 0 ? null : truncateLong(Long.MIN_VALUE, width);
  }

  static BigInteger truncateUnscaled(BigInteger unscaled, int width) {
    return unscaled.subtract(unscaled.mod(BigInteger.valueOf(width)));
  }

  /** The byte length of the first {@code codePoints} code points of UTF-8 text. */
  static int utf8PrefixLength(byte[] utf8, int codePoints) {
    int seen = 0;
    for (int i = 0; i < utf8.length; i++) {
      if ((utf8[i] & 0xC0) != 0x80 && seen++ == codePoints) { // a code point starts here
        return i;
      }
    }
    return utf8.length;
  }

  static int days(long micros) {
    return (int) Math.floorDiv(micros, MICROS_PER_DAY);
  }

  static int hours(long micros) {
    return (int) Math.floorDiv(micros, MICROS_PER_HOUR);
  }

  static int yearsFromDays(int days) {
    return (int) (civilMonths(days) / 12) - 1970;
  }

  static int monthsFromDays(int days) {
    return (int) (civilMonths(days) - 1970 * 12);
  }

  /**
   * {@code year * 12 + month - 1} of the proleptic Gregorian date {@code days} after 1970-01-01,
   * without allocating a LocalDate per row (Howard Hinnant's civil_from_days).
   */
  private static long civilMonths(long days) {
    long z = days + 719_468; // days since 0000-03-01
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long marchMonth = (5 * dayOfYear + 2) / 153; // 0 = March
    long month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    return year * 12 + month - 1;
  }
}
