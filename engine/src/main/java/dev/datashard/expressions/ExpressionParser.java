package dev.datashard.expressions;

import dev.datashard.Expression;
import dev.datashard.Expression.Operator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recursive descent over: {@code or := and ('or' and)*}, {@code and := unary ('and' unary)*},
 * {@code unary := 'not' unary | '(' or ')' | predicate}.
 */
public final class ExpressionParser {
  private final String text;
  private int position;

  private ExpressionParser(String text) {
    this.text = text;
  }

  public static Expression parse(String text) {
    ExpressionParser parser = new ExpressionParser(text);
    Expression expression = parser.or();
    parser.skipSpace();
    if (parser.position < text.length()) {
      throw parser.error("unexpected '" + text.substring(parser.position) + "'");
    }
    return expression;
  }

  private Expression or() {
    Expression left = and();
    while (keyword("or")) {
      left = Expression.or(left, and());
    }
    return left;
  }

  private Expression and() {
    Expression left = unary();
    while (keyword("and")) {
      left = Expression.and(left, unary());
    }
    return left;
  }

  private Expression unary() {
    if (keyword("not")) {
      return Expression.not(unary());
    }
    if (symbol("(")) {
      Expression inner = or();
      expect(")");
      return inner;
    }
    return predicate();
  }

  private Expression predicate() {
    String column = identifier();
    if (keyword("is")) {
      boolean negated = keyword("not");
      if (!keyword("null")) {
        throw error("expected 'null' after 'is" + (negated ? " not" : "") + "'");
      }
      return negated ? Expression.isNotNull(column) : Expression.isNull(column);
    }
    boolean negated = keyword("not");
    if (keyword("in")) {
      List<Object> values = list();
      return negated ? Expression.notIn(column, values.toArray()) : Expression.in(column, values.toArray());
    }
    if (keyword("between")) {
      Object low = literal();
      if (!keyword("and")) {
        throw error("expected 'and' in 'between'");
      }
      Expression between = Expression.between(column, low, literal());
      return negated ? Expression.not(between) : between;
    }
    if (keyword("starts")) {
      if (!keyword("with")) {
        throw error("expected 'with' after 'starts'");
      }
      Object prefix = literal();
      if (!(prefix instanceof String s)) {
        throw error("'starts with' needs a quoted string");
      }
      return new Expression.StartsWith(column, s, negated);
    }
    if (negated) {
      throw error("expected 'in', 'between' or 'starts with' after 'not'");
    }
    for (Operator operator : new Operator[] {Operator.LT_EQ, Operator.GT_EQ, Operator.NOT_EQ,
        Operator.EQ, Operator.LT, Operator.GT}) {
      if (symbol(operator.symbol()) || (operator == Operator.NOT_EQ && symbol("<>"))) {
        return new Expression.Comparison(column, operator, literal());
      }
    }
    throw error("expected an operator (= != < <= > >= in, not in, between, is null, starts with) after '" + column + "'");
  }

  private List<Object> list() {
    expect("(");
    List<Object> values = new ArrayList<>();
    do {
      values.add(literal());
    } while (symbol(","));
    expect(")");
    return values;
  }

  private Object literal() {
    skipSpace();
    if (position >= text.length()) {
      throw error("expected a value");
    }
    char c = text.charAt(position);
    if (c == '\'') {
      StringBuilder value = new StringBuilder();
      position++;
      while (true) {
        if (position >= text.length()) {
          throw error("unterminated string");
        }
        char next = text.charAt(position++);
        if (next == '\'') {
          if (position < text.length() && text.charAt(position) == '\'') {
            value.append('\'');
            position++;
          } else {
            return value.toString();
          }
        } else {
          value.append(next);
        }
      }
    }
    int start = position;
    while (position < text.length() && "+-.0123456789eE".indexOf(text.charAt(position)) >= 0) {
      position++;
    }
    if (position > start) {
      String number = text.substring(start, position);
      try {
        BigDecimal value = new BigDecimal(number);
        if (value.scale() <= 0 && value.precision() - value.scale() <= 18) {
          return value.longValueExact();
        }
        // BigDecimal has no negative zero, yet -0.0 orders below 0.0 in float and double columns.
        return value.signum() == 0 && number.startsWith("-") ? (Object) (-0.0d) : value;
      } catch (NumberFormatException | ArithmeticException e) {
        throw error("'" + number + "' is not a number");
      }
    }
    if (keyword("true")) {
      return Boolean.TRUE;
    }
    if (keyword("false")) {
      return Boolean.FALSE;
    }
    throw error("expected a value ('text', a number, true or false)");
  }

  private String identifier() {
    skipSpace();
    if (position < text.length() && text.charAt(position) == '"') {
      int end = text.indexOf('"', position + 1);
      if (end < 0) {
        throw error("unterminated quoted column name");
      }
      String name = text.substring(position + 1, end);
      position = end + 1;
      return name;
    }
    int start = position;
    while (position < text.length()
        && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_' || text.charAt(position) == '.')) {
      position++;
    }
    if (start == position) {
      throw error("expected a column name");
    }
    return text.substring(start, position);
  }

  private boolean keyword(String word) {
    skipSpace();
    int end = position + word.length();
    if (end <= text.length() && text.substring(position, end).toLowerCase(Locale.ROOT).equals(word)
        && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)) && text.charAt(end) != '_')) {
      position = end;
      return true;
    }
    return false;
  }

  private boolean symbol(String symbol) {
    skipSpace();
    if (text.startsWith(symbol, position)) {
      position += symbol.length();
      return true;
    }
    return false;
  }

  private void expect(String symbol) {
    if (!symbol(symbol)) {
      throw error("expected '" + symbol + "'");
    }
  }

  private void skipSpace() {
    while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
      position++;
    }
  }

  private IllegalArgumentException error(String problem) {
    return new IllegalArgumentException("cannot parse filter at position " + (position + 1) + ": "
        + problem + " in: " + text);
  }
}
