package dev.datashard.partition;

import static java.util.Objects.requireNonNull;

import dev.datashard.Expression;
import dev.datashard.Expression.Comparison;
import dev.datashard.Expression.In;
import dev.datashard.Expression.IsNull;
import dev.datashard.Expression.Operator;
import dev.datashard.Expression.StartsWith;
import dev.datashard.Field;
import dev.datashard.Type;
import dev.datashard.Type.Primitive;
import dev.datashard.ValidationException;
import dev.datashard.arrow.Values;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Inclusive projection, as Iceberg's {@code Projections.inclusive}: turns a filter on a table's
 * columns into a filter on a spec's partition values that every partition holding a matching row
 * satisfies, so partitions (and their files) failing it can be skipped. {@code ts >= X} becomes
 * {@code ts_day >= day(X)}; bucket keeps only {@code =} and {@code in}; truncate keeps ranges,
 * equality and prefixes; what a transform cannot express becomes {@code is not null} (DataShard's
 * comparisons are never true for null, so a matching row's partition value is not null), and a
 * predicate on a column no field transforms becomes true. Literals of the result are in forms
 * {@code Expression} takes for the partition field's type.
 */
public final class Projection {
  private Projection() {}

  /** The projection of {@code filter} on {@code spec}'s partition fields, named as they are. */
  public static Expression inclusive(PartitionSpec spec, Expression filter) {
    requireNonNull(spec, "spec");
    requireNonNull(filter, "filter");
    return project(spec, filter, false);
  }

  private static Expression project(PartitionSpec spec, Expression e, boolean negate) {
    if (e instanceof Expression.True) {
      if (negate) {
        throw new ValidationException("a filter of 'not true' matches nothing");
      }
      return e;
    }
    if (e instanceof Expression.Not not) {
      return project(spec, not.child(), !negate);
    }
    if (e instanceof Expression.And and) {
      Expression left = project(spec, and.left(), negate);
      Expression right = project(spec, and.right(), negate);
      return negate ? or(left, right) : and(left, right);
    }
    if (e instanceof Expression.Or or) {
      Expression left = project(spec, or.left(), negate);
      Expression right = project(spec, or.right(), negate);
      return negate ? and(left, right) : or(left, right);
    }
    Expression predicate = negate ? negated(e) : e;
    Field column = column(spec, predicate);
    Expression projected = Expression.alwaysTrue();
    for (PartitionField field : spec.fields()) {
      if (field.sourceId() == column.id()) {
        projected = and(projected, project(field, column, predicate));
      }
    }
    return projected;
  }

  private static Expression negated(Expression predicate) {
    if (predicate instanceof Comparison c) {
      return new Comparison(c.column(), c.operator().negate(), c.value());
    }
    if (predicate instanceof In in) {
      return new In(in.column(), in.values(), !in.negated());
    }
    if (predicate instanceof IsNull isNull) {
      return new IsNull(isNull.column(), !isNull.negated());
    }
    StartsWith startsWith = (StartsWith) predicate;
    return new StartsWith(startsWith.column(), startsWith.prefix(), !startsWith.negated());
  }

  private static Field column(PartitionSpec spec, Expression predicate) {
    String name = predicate instanceof Comparison c ? c.column() : predicate instanceof In in ? in.column()
        : predicate instanceof IsNull n ? n.column() : ((StartsWith) predicate).column();
    return spec.schema().field(name).orElseThrow(() -> new ValidationException(
        "filter names unknown column '" + name + "'"));
  }

  /** One partition field's projection of a predicate on its source column (NOTs already pushed in). */
  private static Expression project(PartitionField field, Field column, Expression predicate) {
    Transform transform = field.transform();
    String name = field.name();
    if (transform instanceof Transform.Void) {
      return Expression.alwaysTrue(); // every value is null, which decides nothing about the rows
    }
    if (transform instanceof Transform.Identity) {
      return renamed(predicate, name);
    }
    if (predicate instanceof IsNull isNull) {
      return new IsNull(name, isNull.negated()); // the other transforms keep exactly the nulls
    }
    Expression projected = projectValues(field, column, predicate);
    // A row a comparison, in or starts with accepts is not null (null compares false), nor is its
    // partition value: partitions of nulls only can be skipped even when nothing else projects.
    return projected instanceof Expression.True ? Expression.isNotNull(name) : projected;
  }

  private static Expression projectValues(PartitionField field, Field column, Expression predicate) {
    Transform transform = field.transform();
    String name = field.name();
    if (predicate instanceof StartsWith startsWith) {
      if (!(transform instanceof Transform.Truncate truncate)) {
        return Expression.alwaysTrue();
      }
      return startsWith.negated() ? notTruncatedPrefix(name, startsWith.prefix(), truncate.width())
          : truncatedPrefix(name, startsWith.prefix(), truncate.width());
    }
    if (predicate instanceof In in) {
      if (in.negated()) {
        return Expression.alwaysTrue();
      }
      Set<Object> values = new LinkedHashSet<>();
      for (Object literal : in.values()) {
        Optional<Object> value = storage(column, literal);
        if (value.isEmpty()) {
          return Expression.alwaysTrue();
        }
        values.add(result(column, transform.apply(column.type(), value.get())));
      }
      if (olderIcebergWroteOneMore(transform, column.type())) {
        values.addAll(values.stream().filter(v -> (Integer) v < 0).map(v -> (Object) ((Integer) v + 1)).toList());
      }
      return new In(name, List.copyOf(values), false);
    }
    Comparison comparison = (Comparison) predicate;
    Operator op = comparison.operator();
    Optional<Object> literal = storage(column, comparison.value());
    if (literal.isEmpty() || op == Operator.NOT_EQ || transform instanceof Transform.Bucket && op != Operator.EQ) {
      return Expression.alwaysTrue();
    }
    Object value = literal.get();
    boolean bytes = value instanceof byte[];
    // An integral source closes an open bound first (< v is <= v - 1); a prefix transform of
    // bytes cannot, and both < and <= keep the partition of v itself.
    Operator projected = switch (op) {
      case LT, LT_EQ -> Operator.LT_EQ;
      case GT, GT_EQ -> Operator.GT_EQ;
      default -> op;
    };
    if (!bytes && (op == Operator.LT || op == Operator.GT)) {
      value = step(value, op == Operator.LT ? -1 : 1);
    }
    Object partition = result(column, transform.apply(column.type(), value));
    if (transform instanceof Transform.Truncate truncate
        && (column.type() == Primitive.INT || column.type() == Primitive.LONG)) {
      if (projected != Operator.EQ && !TransformValues.truncationKeepsOrder(column.type(), truncate.width())) {
        return Expression.isNotNull(name);
      }
      Object overflowed = TransformValues.overflowedTruncation(column.type(), truncate.width());
      // The lowest values' partition is near the maximum (see overflowedTruncation). A range from
      // the bottom holds it; a range from inside that lowest band is every partition. (Iceberg's
      // projection misses both.)
      if (overflowed != null && projected == Operator.LT_EQ) {
        return or(new Comparison(name, projected, partition), Expression.equal(name, overflowed));
      }
      if (overflowed != null && projected == Operator.GT_EQ && partition.equals(overflowed)) {
        return Expression.isNotNull(name);
      }
    }
    if (olderIcebergWroteOneMore(transform, column.type()) && (Integer) partition < 0
        && projected != Operator.GT_EQ) {
      // Iceberg 0.10 and older wrote time partition values before 1970 one too large; Iceberg's
      // projection still admits them, and so does this one, to read tables those versions wrote.
      return projected == Operator.EQ ? new In(name, List.of(partition, (Integer) partition + 1), false)
          : new Comparison(name, projected, (Integer) partition + 1);
    }
    return new Comparison(name, projected, partition);
  }

  private static Expression truncatedPrefix(String name, String prefix, int width) {
    int codePoints = prefix.codePointCount(0, prefix.length());
    if (codePoints < width) {
      return new StartsWith(name, prefix, false);
    }
    // Partition values are at most width code points long: those starting with a longer prefix's
    // first width code points are that text.
    return Expression.equal(name, prefix.substring(0, prefix.offsetByCodePoints(0, width)));
  }

  private static Expression notTruncatedPrefix(String name, String prefix, int width) {
    int codePoints = prefix.codePointCount(0, prefix.length());
    if (codePoints < width) {
      return new StartsWith(name, prefix, true);
    }
    // A value of exactly the prefix's width has the prefix as its partition value; longer prefixes
    // leave every partition possible.
    return codePoints == width ? Expression.notEqual(name, prefix) : Expression.alwaysTrue();
  }

  /**
   * Whether Iceberg 0.10 and older wrote this transform's values before 1970 one too large: every
   * time transform but the day of a date, which is the date's own day number.
   */
  private static boolean olderIcebergWroteOneMore(Transform transform, Type source) {
    return transform instanceof Transform.Year || transform instanceof Transform.Month
        || transform instanceof Transform.Hour || transform instanceof Transform.Day && source != Primitive.DATE;
  }

  /** An integral storage value moved by one unit (of its type: a day, a microsecond, 10^-scale). */
  private static Object step(Object value, int by) {
    if (value instanceof Integer i) {
      return i + by;
    }
    if (value instanceof Long l) {
      return l + by;
    }
    BigDecimal decimal = (BigDecimal) value;
    return decimal.add(BigDecimal.valueOf(by, decimal.scale()));
  }

  private static Expression renamed(Expression predicate, String name) {
    if (predicate instanceof Comparison c) {
      return new Comparison(name, c.operator(), c.value());
    }
    if (predicate instanceof In in) {
      return new In(name, in.values(), in.negated());
    }
    if (predicate instanceof IsNull isNull) {
      return new IsNull(name, isNull.negated());
    }
    StartsWith startsWith = (StartsWith) predicate;
    return new StartsWith(name, startsWith.prefix(), startsWith.negated());
  }

  /** A partition value in a form {@code Expression} literals of the field's type take. */
  private static Object result(Field column, Object partition) {
    if (partition instanceof byte[] bytes && column.type() == Primitive.STRING) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return partition;
  }

  /**
   * A filter literal in the column's storage form; empty when it has none that the transforms
   * could use exactly (a decimal with more places than the column): such predicates stay unprojected.
   */
  private static Optional<Object> storage(Field column, Object literal) {
    Type type = column.type();
    try {
      if (type instanceof Type.Decimal decimal) {
        BigDecimal value = literal instanceof BigDecimal d ? d : new BigDecimal(literal.toString().trim());
        return value.stripTrailingZeros().scale() > decimal.scale() ? Optional.empty()
            : Optional.of(value.setScale(decimal.scale()));
      }
      if (type instanceof Type.Fixed) {
        return Optional.of(Values.toBytes(literal, type));
      }
      return Optional.of(switch ((Primitive) type) {
        case INT -> (int) Values.toLong(literal, type, Integer.MIN_VALUE, Integer.MAX_VALUE);
        case LONG -> Values.toLong(literal, type, Long.MIN_VALUE, Long.MAX_VALUE);
        case DATE -> Values.toEpochDay(literal, type);
        case TIME -> Values.toTimeMicros(literal, type);
        case TIMESTAMP, TIMESTAMPTZ -> Values.toTimestampMicros(literal, type);
        case STRING -> utf8(Values.toStringValue(literal, type));
        case UUID -> Values.toUuidBytes(literal, type);
        case BINARY -> Values.toBytes(literal, type);
        case BOOLEAN, FLOAT, DOUBLE -> throw new IllegalStateException(
            "only identity and void take " + type.typeName() + ", and neither needs a storage form");
      });
    } catch (Values.BadValue | NumberFormatException e) {
      throw new ValidationException("filter on '" + column.name() + "': " + e.getMessage(), e);
    }
  }

  private static byte[] utf8(String text) {
    try {
      ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(text));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new ValidationException("'" + text + "' is not valid Unicode text (it has a lone surrogate)", e);
    }
  }

  private static Expression and(Expression left, Expression right) {
    if (left instanceof Expression.True) {
      return right;
    }
    return right instanceof Expression.True ? left : Expression.and(left, right);
  }

  private static Expression or(Expression left, Expression right) {
    return left instanceof Expression.True || right instanceof Expression.True ? Expression.alwaysTrue()
        : Expression.or(left, right);
  }
}
