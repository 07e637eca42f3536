package dev.datashard;

import static java.util.Objects.requireNonNull;

import dev.datashard.expressions.ExpressionParser;
import java.util.List;

/**
 * A row filter: comparisons, {@code in}, {@code not in}, {@code between}, {@code is null},
 * {@code is not null} and {@code starts with}, combined with AND, OR and NOT. Scans use it twice:
 * to skip data files whose column bounds and null counts rule out any match, and to keep exactly
 * the matching rows of the files they read, by one definition. A comparison with a null value is
 * never true ({@code !=} and {@code not in} included). Values order as Iceberg orders them:
 * strings by code point, uuids as unsigned bytes, {@code -0.0} below {@code 0.0}, NaN above every
 * other number and equal to itself.
 *
 * <pre>{@code
 * Expression e = Expression.and(Expression.greaterThanOrEqual("user_id", 10),
 *     Expression.in("event", "login", "logout"));
 * Expression same = Expression.parse("user_id >= 10 and event in ('login', 'logout')");
 * }</pre>
 */
public sealed interface Expression {

  enum Operator {
    EQ("="), NOT_EQ("!="), LT("<"), LT_EQ("<="), GT(">"), GT_EQ(">=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    /** The operator of {@code not (a OP b)}. */
    public Operator negate() {
      return switch (this) {
        case EQ -> NOT_EQ;
        case NOT_EQ -> EQ;
        case LT -> GT_EQ;
        case LT_EQ -> GT;
        case GT -> LT_EQ;
        case GT_EQ -> LT;
      };
    }
  }

  /** Matches every row. */
  record True() implements Expression {}

  record Comparison(String column, Operator operator, Object value) implements Expression {
    public Comparison {
      requireNonNull(column, "column");
      requireNonNull(operator, "operator");
      requireNonNull(value, "a comparison needs a value; use isNull/isNotNull for nulls");
    }
  }

  record In(String column, List<Object> values, boolean negated) implements Expression {
    public In {
      requireNonNull(column, "column");
      values = List.copyOf(values);
    }
  }

  record IsNull(String column, boolean negated) implements Expression {
    public IsNull {
      requireNonNull(column, "column");
    }
  }

  record StartsWith(String column, String prefix, boolean negated) implements Expression {
    public StartsWith {
      requireNonNull(column, "column");
      requireNonNull(prefix, "prefix");
    }
  }

  record And(Expression left, Expression right) implements Expression {
    public And {
      requireNonNull(left, "left");
      requireNonNull(right, "right");
    }
  }

  record Or(Expression left, Expression right) implements Expression {
    public Or {
      requireNonNull(left, "left");
      requireNonNull(right, "right");
    }
  }

  record Not(Expression child) implements Expression {
    public Not {
      requireNonNull(child, "child");
    }
  }

  static Expression alwaysTrue() {
    return new True();
  }

  static Expression equal(String column, Object value) {
    return new Comparison(column, Operator.EQ, value);
  }

  static Expression notEqual(String column, Object value) {
    return new Comparison(column, Operator.NOT_EQ, value);
  }

  static Expression lessThan(String column, Object value) {
    return new Comparison(column, Operator.LT, value);
  }

  static Expression lessThanOrEqual(String column, Object value) {
    return new Comparison(column, Operator.LT_EQ, value);
  }

  static Expression greaterThan(String column, Object value) {
    return new Comparison(column, Operator.GT, value);
  }

  static Expression greaterThanOrEqual(String column, Object value) {
    return new Comparison(column, Operator.GT_EQ, value);
  }

  static Expression between(String column, Object low, Object high) {
    return and(greaterThanOrEqual(column, low), lessThanOrEqual(column, high));
  }

  static Expression in(String column, Object... values) {
    return new In(column, List.of(values), false);
  }

  static Expression notIn(String column, Object... values) {
    return new In(column, List.of(values), true);
  }

  static Expression isNull(String column) {
    return new IsNull(column, false);
  }

  static Expression isNotNull(String column) {
    return new IsNull(column, true);
  }

  static Expression startsWith(String column, String prefix) {
    return new StartsWith(column, prefix, false);
  }

  static Expression and(Expression left, Expression right) {
    return new And(left, right);
  }

  static Expression or(Expression left, Expression right) {
    return new Or(left, right);
  }

  static Expression not(Expression child) {
    return new Not(child);
  }

  /**
   * Parses the CLI's filter syntax: {@code user_id >= 10 and event in ('login','logout')}.
   * Strings are single-quoted; numbers, {@code true}, {@code false}; keywords are case-insensitive.
   */
  static Expression parse(String text) {
    return ExpressionParser.parse(text);
  }
}
