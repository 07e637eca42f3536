package dev.datashard.expressions;

import dev.datashard.Expression;
import dev.datashard.Expression.Comparison;
import dev.datashard.Expression.In;
import dev.datashard.Expression.IsNull;
import dev.datashard.Expression.Operator;
import dev.datashard.Expression.StartsWith;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.ValidationException;
import dev.datashard.arrow.Values;
import dev.datashard.metadata.DataFile;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Binds filters to a schema and evaluates them, against a data file's statistics (may any row
 * match?) and against rows (does this row match?). Binding pushes every NOT down to the
 * predicates and converts literals to the Java values {@link dev.datashard.arrow.ArrowValues}
 * reads, so both evaluations compare like with like.
 */
public final class Filters {
  private Filters() {}

  /** The filter with NOTs pushed down and literals converted; errors name the column and value. */
  public static Expression bind(Expression expression, Schema schema) {
    return bind(expression, schema, false);
  }

  private static Expression bind(Expression e, Schema schema, boolean negate) {
    if (e instanceof Expression.True) {
      if (negate) {
        throw new ValidationException("a filter of 'not true' matches nothing");
      }
      return e;
    }
    if (e instanceof Expression.Not not) {
      return bind(not.child(), schema, !negate);
    }
    if (e instanceof Expression.And and) {
      Expression left = bind(and.left(), schema, negate);
      Expression right = bind(and.right(), schema, negate);
      return negate ? Expression.or(left, right) : Expression.and(left, right);
    }
    if (e instanceof Expression.Or or) {
      Expression left = bind(or.left(), schema, negate);
      Expression right = bind(or.right(), schema, negate);
      return negate ? Expression.and(left, right) : Expression.or(left, right);
    }
    if (e instanceof Comparison c) {
      Field field = column(schema, c.column());
      return new Comparison(c.column(), negate ? c.operator().negate() : c.operator(),
          literal(field, c.value()));
    }
    if (e instanceof In in) {
      Field field = column(schema, in.column());
      if (in.values().isEmpty()) {
        throw new ValidationException("'" + in.column() + " in ()' needs at least one value");
      }
      List<Object> values = new ArrayList<>();
      for (Object value : in.values()) {
        values.add(literal(field, value));
      }
      return new In(in.column(), values, in.negated() != negate);
    }
    if (e instanceof IsNull isNull) {
      column(schema, isNull.column());
      return new IsNull(isNull.column(), isNull.negated() != negate);
    }
    StartsWith startsWith = (StartsWith) e;
    Field field = column(schema, startsWith.column());
    if (field.type() != Type.Primitive.STRING) {
      throw new ValidationException("'starts with' needs a string column; '" + field.name() + "' is "
          + field.type().typeName());
    }
    return new StartsWith(startsWith.column(), startsWith.prefix(), startsWith.negated() != negate);
  }

  /** The columns a filter reads. */
  public static Set<String> columns(Expression e) {
    Set<String> columns = new LinkedHashSet<>();
    collect(e, columns);
    return columns;
  }

  private static void collect(Expression e, Set<String> columns) {
    if (e instanceof Expression.And and) {
      collect(and.left(), columns);
      collect(and.right(), columns);
    } else if (e instanceof Expression.Or or) {
      collect(or.left(), columns);
      collect(or.right(), columns);
    } else if (e instanceof Expression.Not not) {
      collect(not.child(), columns);
    } else if (e instanceof Comparison c) {
      columns.add(c.column());
    } else if (e instanceof In in) {
      columns.add(in.column());
    } else if (e instanceof IsNull n) {
      columns.add(n.column());
    } else if (e instanceof StartsWith s) {
      columns.add(s.column());
    }
  }

  private static Field column(Schema schema, String name) {
    Field field = schema.field(name).orElseThrow(() -> new ValidationException("filter names unknown column '"
        + name + "' (columns: " + String.join(", ", schema.fields().stream().map(Field::name).toList()) + ")"));
    if (!field.type().isPrimitive()) {
      throw new ValidationException("cannot filter on '" + name + "': it is a " + field.type().typeName());
    }
    return field;
  }

  private static Object literal(Field field, Object value) {
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
        case DATE -> Values.date(Values.toEpochDay(value, type));
        case TIME -> Values.time(Values.toTimeMicros(value, type));
        case TIMESTAMP -> Values.timestamp(Values.toTimestampMicros(value, type));
        case TIMESTAMPTZ -> Values.timestamptz(Values.toTimestampMicros(value, type));
        case STRING -> Values.toStringValue(value, type);
        case UUID -> Values.uuid(Values.toUuidBytes(value, type));
        case BINARY -> Values.toBytes(value, type);
      };
    } catch (Values.BadValue | NumberFormatException e) {
      throw new ValidationException("filter on '" + field.name() + "': " + e.getMessage(), e);
    }
  }

  /** Orders values of one column type; strings and bytes as unsigned UTF-8/bytes, as Iceberg bounds are. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Object a, Object b) {
    if (a instanceof String x && b instanceof String y) {
      return Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.compareUnsigned(x, y);
    }
    return ((Comparable) a).compareTo(b);
  }

  // Row evaluation.

  /** Whether a row matches a bound filter; {@code values} reads a column of the row. */
  public static boolean matches(Expression e, Function<String, Object> values) {
    if (e instanceof Expression.True) {
      return true;
    }
    if (e instanceof Expression.And and) {
      return matches(and.left(), values) && matches(and.right(), values);
    }
    if (e instanceof Expression.Or or) {
      return matches(or.left(), values) || matches(or.right(), values);
    }
    if (e instanceof IsNull isNull) {
      return (values.apply(isNull.column()) == null) != isNull.negated();
    }
    if (e instanceof Comparison c) {
      Object value = values.apply(c.column());
      if (value == null || isNaN(value)) {
        return false;
      }
      int order = compare(value, c.value());
      return switch (c.operator()) {
        case EQ -> order == 0;
        case NOT_EQ -> order != 0;
        case LT -> order < 0;
        case LT_EQ -> order <= 0;
        case GT -> order > 0;
        case GT_EQ -> order >= 0;
      };
    }
    if (e instanceof In in) {
      Object value = values.apply(in.column());
      if (value == null) {
        return false;
      }
      boolean found = in.values().stream().anyMatch(v -> compare(value, v) == 0);
      return found != in.negated();
    }
    StartsWith s = (StartsWith) e;
    Object value = values.apply(s.column());
    return value != null && ((String) value).startsWith(s.prefix()) != s.negated();
  }

  private static boolean isNaN(Object value) {
    return value instanceof Double d && d.isNaN() || value instanceof Float f && f.isNaN();
  }

  // File pruning.

  /** False only when the file's statistics prove that no row matches. */
  public static boolean mightMatch(Expression e, Schema schema, DataFile file) {
    if (e instanceof Expression.True) {
      return true;
    }
    if (e instanceof Expression.And and) {
      return mightMatch(and.left(), schema, file) && mightMatch(and.right(), schema, file);
    }
    if (e instanceof Expression.Or or) {
      return mightMatch(or.left(), schema, file) || mightMatch(or.right(), schema, file);
    }
    String column = e instanceof Comparison c ? c.column() : e instanceof In in ? in.column()
        : e instanceof IsNull n ? n.column() : ((StartsWith) e).column();
    Field field = schema.field(column).orElseThrow();
    Long nulls = file.nullValueCounts().get(field.id());
    Long count = file.valueCounts().get(field.id());
    boolean allNull = nulls != null && count != null && nulls.equals(count);
    if (e instanceof IsNull isNull) {
      return isNull.negated() ? !allNull : nulls == null || nulls > 0;
    }
    if (allNull) {
      return false; // no non-null value can satisfy a comparison
    }
    Object lower = decode(field.type(), file.lowerBounds().get(field.id()));
    Object upper = decode(field.type(), file.upperBounds().get(field.id()));
    if (e instanceof Comparison c) {
      return mightMatch(c.operator(), c.value(), lower, upper);
    }
    if (e instanceof In in) {
      if (in.negated()) {
        // Only a file whose every non-null value is one excluded value can be skipped (nulls
        // never match 'not in').
        return !(lower != null && upper != null && compare(lower, upper) == 0
            && in.values().stream().anyMatch(v -> compare(v, lower) == 0));
      }
      return in.values().stream().anyMatch(v -> mightMatch(Operator.EQ, v, lower, upper));
    }
    StartsWith s = (StartsWith) e;
    if (s.negated() || lower == null || upper == null) {
      return true;
    }
    byte[] prefix = s.prefix().getBytes(StandardCharsets.UTF_8);
    byte[] low = ((String) lower).getBytes(StandardCharsets.UTF_8);
    byte[] high = ((String) upper).getBytes(StandardCharsets.UTF_8);
    return Arrays.compareUnsigned(prefix, 0, prefix.length, low, 0, Math.min(prefix.length, low.length)) >= 0
        && Arrays.compareUnsigned(prefix, 0, prefix.length, high, 0, Math.min(prefix.length, high.length)) <= 0;
  }

  private static boolean mightMatch(Operator operator, Object value, Object lower, Object upper) {
    return switch (operator) {
      case EQ -> (lower == null || compare(value, lower) >= 0) && (upper == null || compare(value, upper) <= 0);
      case NOT_EQ -> !(lower != null && upper != null && compare(lower, upper) == 0 && compare(value, lower) == 0);
      case LT -> lower == null || compare(lower, value) < 0;
      case LT_EQ -> lower == null || compare(lower, value) <= 0;
      case GT -> upper == null || compare(upper, value) > 0;
      case GT_EQ -> upper == null || compare(upper, value) >= 0;
    };
  }

  /** A bound in the spec's binary single-value form as the Java value of its type. */
  static Object decode(Type type, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (type instanceof Type.Decimal decimal) {
      return new BigDecimal(new BigInteger(bytes), decimal.scale());
    }
    if (type instanceof Type.Fixed) {
      return bytes;
    }
    return switch ((Type.Primitive) type) {
      case BOOLEAN -> bytes[0] != 0;
      case INT -> buffer.getInt();
      case LONG -> bytes.length == 4 ? (long) buffer.getInt() : buffer.getLong();
      case FLOAT -> buffer.getFloat();
      case DOUBLE -> bytes.length == 4 ? (double) buffer.getFloat() : buffer.getDouble();
      case DATE -> Values.date(buffer.getInt());
      case TIME -> Values.time(buffer.getLong());
      case TIMESTAMP -> Values.timestamp(buffer.getLong());
      case TIMESTAMPTZ -> Values.timestamptz(buffer.getLong());
      case STRING -> new String(bytes, StandardCharsets.UTF_8);
      case UUID -> Values.uuid(bytes);
      case BINARY -> bytes;
    };
  }
}
