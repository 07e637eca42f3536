package dev.datashard.interop;

import dev.datashard.Expression;
import dev.datashard.Expression.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random filters over the primitive columns of {@link AllTypes}, up to two levels of and/or/not. */
final class RandomFilters {
  private static final List<String> TRICKY = List.of("f", "d", "s", "u", "bin");
  private final Random random;
  private final RandomValues values;
  private final List<String> columns;
  private final List<String> tricky;

  RandomFilters(Random random, RandomValues values) {
    this(random, values, RandomValues.COLUMNS, TRICKY);
  }

  /** Filters on {@code columns} only (e.g. a spec's partition sources), each as often as another. */
  RandomFilters(Random random, RandomValues values, List<String> columns) {
    this(random, values, columns, List.of());
  }

  private RandomFilters(Random random, RandomValues values, List<String> columns, List<String> tricky) {
    this.random = random;
    this.values = values;
    this.columns = List.copyOf(columns);
    this.tricky = tricky;
  }

  Expression next() {
    return expression(2);
  }

  private Expression expression(int depth) {
    int kind = depth == 0 ? 0 : random.nextInt(10);
    if (kind < 5) {
      return predicate();
    }
    if (kind < 7) {
      return Expression.and(expression(depth - 1), expression(depth - 1));
    }
    if (kind < 9) {
      return Expression.or(expression(depth - 1), expression(depth - 1));
    }
    return Expression.not(expression(depth - 1));
  }

  private Expression predicate() {
    // The columns whose order has pitfalls (NaN, -0.0, code points, unsigned bytes) come up twice as often.
    String column = !tricky.isEmpty() && random.nextInt(3) == 0 ? tricky.get(random.nextInt(tricky.size()))
        : columns.get(random.nextInt(columns.size()));
    return switch (random.nextInt(column.equals("s") ? 7 : 5)) {
      case 0, 1 -> new Expression.Comparison(column, Operator.values()[random.nextInt(Operator.values().length)],
          values.literal(column));
      case 2 -> new Expression.In(column, literals(column), random.nextBoolean());
      case 3 -> new Expression.IsNull(column, random.nextBoolean());
      case 4 -> new Expression.In(column, literals(column), true);
      default -> new Expression.StartsWith(column, values.prefix(), random.nextBoolean());
    };
  }

  private List<Object> literals(String column) {
    List<Object> literals = new ArrayList<>();
    int size = 1 + random.nextInt(3);
    for (int k = 0; k < size; k++) {
      literals.add(values.literal(column));
    }
    return literals;
  }
}
