package dev.datashard;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A column type of the Iceberg type system. */
public sealed interface Type {

  /** Iceberg's name for the type, as schema JSON writes it: {@code long}, {@code decimal(9, 2)}, {@code fixed[16]}... */
  String typeName();

  default boolean isPrimitive() {
    return !(this instanceof Struct || this instanceof ListOf || this instanceof MapOf);
  }

  /** Types without parameters. */
  enum Primitive implements Type {
    BOOLEAN("boolean"),
    INT("int"),
    LONG("long"),
    FLOAT("float"),
    DOUBLE("double"),
    DATE("date"),
    /** Time of day, microsecond precision, no date or zone. */
    TIME("time"),
    /** Date and time, microsecond precision, without a zone. */
    TIMESTAMP("timestamp"),
    /** An instant, microsecond precision, stored in UTC. */
    TIMESTAMPTZ("timestamptz"),
    STRING("string"),
    UUID("uuid"),
    BINARY("binary");

    private final String name;

    Primitive(String name) {
      this.name = name;
    }

    @Override
    public String typeName() {
      return name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  record Decimal(int precision, int scale) implements Type {
    public Decimal {
      if (precision < 1 || precision > 38) {
        throw new IllegalArgumentException("decimal precision must be 1 to 38, not " + precision);
      }
      if (scale < 0 || scale > precision) {
        throw new IllegalArgumentException(
            "decimal scale must be 0 to the precision (" + precision + "), not " + scale);
      }
    }

    @Override
    public String typeName() {
      return "decimal(" + precision + ", " + scale + ")";
    }
  }

  record Fixed(int length) implements Type {
    public Fixed {
      if (length < 1) {
        throw new IllegalArgumentException("fixed length must be positive, not " + length);
      }
    }

    @Override
    public String typeName() {
      return "fixed[" + length + "]";
    }
  }

  record Struct(List<Field> fields) implements Type {
    public Struct {
      fields = List.copyOf(requireNonNull(fields, "fields"));
    }

    @Override
    public String typeName() {
      return "struct";
    }
  }

  record ListOf(int elementId, Type element, boolean elementRequired) implements Type {
    public ListOf {
      requireNonNull(element, "element");
    }

    @Override
    public String typeName() {
      return "list";
    }
  }

  record MapOf(int keyId, Type key, int valueId, Type value, boolean valueRequired) implements Type {
    public MapOf {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
    }

    @Override
    public String typeName() {
      return "map";
    }
  }

  Pattern DECIMAL = Pattern.compile("decimal\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");
  Pattern FIXED = Pattern.compile("fixed\\s*\\[\\s*(\\d+)\\s*\\]");

  /** Parses a primitive type name: {@code long}, {@code decimal(10,2)}, {@code fixed[16]}... */
  static Type parsePrimitive(String text) {
    String name = text.trim().toLowerCase(Locale.ROOT);
    for (Primitive primitive : Primitive.values()) {
      if (primitive.name.equals(name)) {
        return primitive;
      }
    }
    Matcher decimal = DECIMAL.matcher(name);
    if (decimal.matches()) {
      return new Decimal(Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)));
    }
    Matcher fixed = FIXED.matcher(name);
    if (fixed.matches()) {
      return new Fixed(Integer.parseInt(fixed.group(1)));
    }
    throw new IllegalArgumentException("unknown type '" + text + "' (known: boolean, int, long, "
        + "float, double, decimal(P,S), date, time, timestamp, timestamptz, string, uuid, fixed[L], "
        + "binary, struct, list, map)");
  }
}
