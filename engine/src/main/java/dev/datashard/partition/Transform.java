package dev.datashard.partition;

import dev.datashard.Type;
import dev.datashard.Type.Primitive;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A partition transform of the Iceberg spec ("Partition Transforms"): how a source column's value
 * becomes a partition value. Values on both sides are in the storage form {@link TransformValues}
 * describes; {@link VectorTransforms} applies a transform to a whole Arrow vector.
 */
public sealed interface Transform {
  Transform IDENTITY = new Identity();
  Transform YEAR = new Year();
  Transform MONTH = new Month();
  Transform DAY = new Day();
  Transform HOUR = new Hour();
  Transform VOID = new Void();

  /** Whether the spec allows this transform on a column of {@code source}'s type. */
  boolean canTransform(Type source);

  /** The type of the partition values (spec: identity, truncate and void keep the source type). */
  Type resultType(Type source);

  /** Whether {@code a <= b} implies {@code f(a) <= f(b)}: a range on the source projects to a range. */
  boolean preservesOrder();

  /**
   * Whether rows sorted by this transform's values are also sorted by {@code other}'s: true when
   * {@code other} is an order-preserving function of this transform's value. Never true of void
   * but for void itself, as in Iceberg.
   */
  boolean satisfiesOrderOf(Transform other);

  /** The suffix of Iceberg's default partition field name, {@code ts_day} for {@code day(ts)}. */
  String nameSuffix();

  /** The spec's name, as partition spec JSON writes it: {@code bucket[16]}, {@code day}. */
  @Override
  String toString();

  /** Applies the transform to one non-null value of {@code source} type, in storage form. */
  default Object apply(Type source, Object value) {
    return TransformValues.apply(this, source, value);
  }

  record Identity() implements Transform {
    public boolean canTransform(Type source) {
      return source.isPrimitive();
    }

    public Type resultType(Type source) {
      return source;
    }

    public boolean preservesOrder() {
      return true;
    }

    public boolean satisfiesOrderOf(Transform other) {
      return other.preservesOrder();
    }

    public String nameSuffix() {
      return "";
    }

    @Override
    public String toString() {
      return "identity";
    }
  }

  /** The spec's 32-bit Murmur3 hash of the value, modulo {@code numBuckets}. */
  record Bucket(int numBuckets) implements Transform {
    private static final Set<Type> SOURCES = Set.of(Primitive.INT, Primitive.LONG, Primitive.DATE,
        Primitive.TIME, Primitive.TIMESTAMP, Primitive.TIMESTAMPTZ, Primitive.STRING, Primitive.UUID,
        Primitive.BINARY);

    public Bucket {
      if (numBuckets <= 0) {
        throw new IllegalArgumentException("bucket needs a positive number of buckets, not " + numBuckets);
      }
    }

    public boolean canTransform(Type source) {
      return SOURCES.contains(source) || source instanceof Type.Decimal || source instanceof Type.Fixed;
    }

    public Type resultType(Type source) {
      return Primitive.INT;
    }

    public boolean preservesOrder() {
      return false;
    }

    public boolean satisfiesOrderOf(Transform other) {
      return equals(other);
    }

    public String nameSuffix() {
      return "_bucket";
    }

    @Override
    public String toString() {
      return "bucket[" + numBuckets + "]";
    }
  }

  /**
   * The value rounded down to a multiple of {@code width} (ints, longs, decimals' unscaled
   * values), or its first {@code width} code points (strings) or bytes (binary).
   */
  record Truncate(int width) implements Transform {
    private static final Set<Type> SOURCES = Set.of(Primitive.INT, Primitive.LONG, Primitive.STRING,
        Primitive.BINARY);

    public Truncate {
      if (width <= 0) {
        throw new IllegalArgumentException("truncate needs a positive width, not " + width);
      }
    }

    public boolean canTransform(Type source) {
      return SOURCES.contains(source) || source instanceof Type.Decimal;
    }

    public Type resultType(Type source) {
      return source;
    }

    public boolean preservesOrder() {
      return true;
    }

    /**
     * Only the same truncation. A longer prefix of a string orders its shorter prefixes (Iceberg
     * claims that for every type), but ints sorted by multiples of 10 are not sorted by multiples
     * of 3 (5 may come before 2); without the source type, only what holds for all is claimed.
     */
    public boolean satisfiesOrderOf(Transform other) {
      return equals(other);
    }

    public String nameSuffix() {
      return "_trunc";
    }

    @Override
    public String toString() {
      return "truncate[" + width + "]";
    }
  }

  /** Years from 1970 (negative before). */
  record Year() implements Transform {
    public boolean canTransform(Type source) {
      return isDateOrTimestamp(source);
    }

    public Type resultType(Type source) {
      return Primitive.INT;
    }

    public boolean preservesOrder() {
      return true;
    }

    public boolean satisfiesOrderOf(Transform other) {
      return other instanceof Year;
    }

    public String nameSuffix() {
      return "_year";
    }

    @Override
    public String toString() {
      return "year";
    }
  }

  /** Months from 1970-01 (negative before). */
  record Month() implements Transform {
    public boolean canTransform(Type source) {
      return isDateOrTimestamp(source);
    }

    public Type resultType(Type source) {
      return Primitive.INT;
    }

    public boolean preservesOrder() {
      return true;
    }

    public boolean satisfiesOrderOf(Transform other) {
      return other instanceof Month || other instanceof Year;
    }

    public String nameSuffix() {
      return "_month";
    }

    @Override
    public String toString() {
      return "month";
    }
  }

  /**
   * Days from 1970-01-01 (negative before). The spec calls the result an int; Iceberg Java types
   * it {@code date} (same 4-byte value), and so do its manifests, so DataShard does too.
   */
  record Day() implements Transform {
    public boolean canTransform(Type source) {
      return isDateOrTimestamp(source);
    }

    public Type resultType(Type source) {
      return Primitive.DATE;
    }

    public boolean preservesOrder() {
      return true;
    }

    public boolean satisfiesOrderOf(Transform other) {
      return other instanceof Day || other instanceof Month || other instanceof Year;
    }

    public String nameSuffix() {
      return "_day";
    }

    @Override
    public String toString() {
      return "day";
    }
  }

  /** Hours from 1970-01-01T00:00 (negative before). */
  record Hour() implements Transform {
    public boolean canTransform(Type source) {
      return source == Primitive.TIMESTAMP || source == Primitive.TIMESTAMPTZ;
    }

    public Type resultType(Type source) {
      return Primitive.INT;
    }

    public boolean preservesOrder() {
      return true;
    }

    public boolean satisfiesOrderOf(Transform other) {
      return other instanceof Hour || other instanceof Day || other instanceof Month
          || other instanceof Year;
    }

    public String nameSuffix() {
      return "_hour";
    }

    @Override
    public String toString() {
      return "hour";
    }
  }

  /** Always null: keeps a dropped partition field's place in the partition tuple (spec v1 tables). */
  record Void() implements Transform {
    public boolean canTransform(Type source) {
      return source.isPrimitive();
    }

    public Type resultType(Type source) {
      return source;
    }

    public boolean preservesOrder() {
      return false;
    }

    public boolean satisfiesOrderOf(Transform other) {
      return other instanceof Void;
    }

    public String nameSuffix() {
      return "_null";
    }

    @Override
    public String toString() {
      return "void";
    }
  }

  /** Parses the spec's name of a transform: {@code identity}, {@code bucket[16]}, {@code truncate[4]}... */
  static Transform fromString(String text) {
    String name = text.trim().toLowerCase(Locale.ROOT);
    Matcher withArgument = Pattern.compile("(bucket|truncate)\\[(\\d+)]").matcher(name);
    if (withArgument.matches()) {
      int argument;
      try {
        argument = Integer.parseInt(withArgument.group(2));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "': " + withArgument.group(2) + " is too large", e);
      }
      return withArgument.group(1).equals("bucket") ? new Bucket(argument) : new Truncate(argument);
    }
    return switch (name) {
      case "identity" -> IDENTITY;
      case "year" -> YEAR;
      case "month" -> MONTH;
      case "day" -> DAY;
      case "hour" -> HOUR;
      case "void" -> VOID;
      default -> throw new IllegalArgumentException("unknown partition transform '" + text
          + "' (known: identity, bucket[N], truncate[W], year, month, day, hour, void)");
    };
  }

  private static boolean isDateOrTimestamp(Type source) {
    return source == Primitive.DATE || source == Primitive.TIMESTAMP || source == Primitive.TIMESTAMPTZ;
  }
}
