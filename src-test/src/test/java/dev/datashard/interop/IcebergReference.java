package dev.datashard.interop;

import dev.datashard.Expression.Comparison;
import dev.datashard.Expression.In;
import dev.datashard.Expression.IsNull;
import dev.datashard.Expression.StartsWith;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.expressions.BoundPredicate;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expression.Operation;
import org.apache.iceberg.expressions.ExpressionVisitors;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.UnboundPredicate;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * A DataShard filter as an Iceberg expression, for Iceberg's {@code Evaluator} and
 * {@code InclusiveMetricsEvaluator} to judge. It means what Iceberg's Evaluator means, adjusted
 * only where DataShard documents a difference or Iceberg Java cannot say it:
 *
 * <ul>
 *   <li>Nulls: a comparison, {@code in}, {@code not in} or {@code starts with} with a null value
 *       is never true, also under NOT (SQL's rule; Iceberg's Evaluator orders nulls first and makes
 *       {@code notEq(null)} true). NOTs are pushed into the predicates, then each predicate is
 *       guarded by {@code notNull}.
 *   <li>uuids: Iceberg Java 1.10 compares them as two signed longs (apache/iceberg#14216, open);
 *       the order is unsigned bytes, as RFC 9562 and Parquet statistics have it. Both the data and
 *       the literals given to Iceberg have the sign bit of each half flipped, under which its
 *       signed comparison is the unsigned order.
 *   <li>NaN literals: Iceberg refuses them. Under its comparator NaN is above every other value
 *       and equal to itself, so {@code = NaN} is {@code isNaN}, {@code < NaN} is {@code notNaN},
 *       and so on.
 * </ul>
 */
final class IcebergReference {
  private IcebergReference() {}

  static Expression of(dev.datashard.Expression filter) {
    return guardNulls(Expressions.rewriteNot(translate(filter)));
  }

  /** A row in the form Iceberg's evaluators read (days, micros), its uuids flipped as above. */
  static StructLike row(Types.StructType struct, Map<String, Object> row) {
    Map<String, Object> values = new LinkedHashMap<>(row);
    values.computeIfPresent("u", (column, uuid) -> signedOrder((UUID) uuid));
    return new InternalRecordWrapper(struct).wrap(IcebergWrites.record(struct, values));
  }

  private static Expression translate(dev.datashard.Expression e) {
    if (e instanceof dev.datashard.Expression.And and) {
      return Expressions.and(translate(and.left()), translate(and.right()));
    }
    if (e instanceof dev.datashard.Expression.Or or) {
      return Expressions.or(translate(or.left()), translate(or.right()));
    }
    if (e instanceof dev.datashard.Expression.Not not) {
      return Expressions.not(translate(not.child()));
    }
    if (e instanceof IsNull isNull) {
      return isNull.negated() ? Expressions.notNull(isNull.column()) : Expressions.isNull(isNull.column());
    }
    if (e instanceof StartsWith s) {
      return s.negated() ? Expressions.notStartsWith(s.column(), s.prefix())
          : Expressions.startsWith(s.column(), s.prefix());
    }
    if (e instanceof Comparison c) {
      return isNaN(c.value()) ? comparedWithNaN(c) : Expressions.predicate(operation(c.operator()), c.column(),
          literal(c.value()));
    }
    In in = (In) e;
    List<Object> others = new ArrayList<>();
    in.values().stream().filter(v -> !isNaN(v)).forEach(v -> others.add(literal(v)));
    if (others.size() == in.values().size()) {
      return in.negated() ? Expressions.notIn(in.column(), others) : Expressions.in(in.column(), others);
    }
    Expression nan = in.negated() ? Expressions.notNaN(in.column()) : Expressions.isNaN(in.column());
    if (others.isEmpty()) {
      return nan;
    }
    return in.negated() ? Expressions.and(nan, Expressions.notIn(in.column(), others))
        : Expressions.or(nan, Expressions.in(in.column(), others));
  }

  /**
   * NaN is the largest value and equal to itself. "Always" and "never" stay predicates on the
   * column, so that NOT and the null guard apply to them.
   */
  private static Expression comparedWithNaN(Comparison c) {
    String column = c.column();
    return switch (c.operator()) {
      case EQ, GT_EQ -> Expressions.isNaN(column);
      case NOT_EQ, LT -> Expressions.notNaN(column);
      case LT_EQ -> Expressions.or(Expressions.isNaN(column), Expressions.notNaN(column));
      case GT -> Expressions.and(Expressions.isNaN(column), Expressions.notNaN(column));
    };
  }

  private static Operation operation(dev.datashard.Expression.Operator operator) {
    return switch (operator) {
      case EQ -> Operation.EQ;
      case NOT_EQ -> Operation.NOT_EQ;
      case LT -> Operation.LT;
      case LT_EQ -> Operation.LT_EQ;
      case GT -> Operation.GT;
      case GT_EQ -> Operation.GT_EQ;
    };
  }

  /** A Java value as {@link RandomValues} draws it, in the form of Iceberg's literals. */
  private static Object literal(Object value) {
    if (value instanceof LocalDate date) {
      return DateTimeUtil.daysFromDate(date);
    }
    if (value instanceof LocalTime time) {
      return DateTimeUtil.microsFromTime(time);
    }
    if (value instanceof LocalDateTime timestamp) {
      return DateTimeUtil.microsFromTimestamp(timestamp);
    }
    if (value instanceof OffsetDateTime timestamp) {
      return DateTimeUtil.microsFromTimestamptz(timestamp);
    }
    if (value instanceof UUID uuid) {
      return signedOrder(uuid);
    }
    if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    return value;
  }

  static UUID signedOrder(UUID uuid) {
    return new UUID(uuid.getMostSignificantBits() ^ Long.MIN_VALUE, uuid.getLeastSignificantBits() ^ Long.MIN_VALUE);
  }

  private static boolean isNaN(Object value) {
    return value instanceof Double d && d.isNaN() || value instanceof Float f && f.isNaN();
  }

  private static Expression guardNulls(Expression withoutNot) {
    return ExpressionVisitors.visit(withoutNot, new ExpressionVisitors.ExpressionVisitor<>() {
      @Override
      public Expression alwaysTrue() {
        return Expressions.alwaysTrue();
      }

      @Override
      public Expression alwaysFalse() {
        return Expressions.alwaysFalse();
      }

      @Override
      public Expression and(Expression left, Expression right) {
        return Expressions.and(left, right);
      }

      @Override
      public Expression or(Expression left, Expression right) {
        return Expressions.or(left, right);
      }

      @Override
      public <T> Expression predicate(UnboundPredicate<T> predicate) {
        Operation op = predicate.op();
        return op == Operation.IS_NULL || op == Operation.NOT_NULL ? predicate
            : Expressions.and(Expressions.notNull(predicate.ref().name()), predicate);
      }

      @Override
      public <T> Expression predicate(BoundPredicate<T> predicate) {
        throw new IllegalStateException("the translation is unbound");
      }
    });
  }
}
