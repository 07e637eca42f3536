package dev.datashard.expressions;

import dev.datashard.Expression.Operator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The non-null values a predicate accepts, as sorted, disjoint intervals of {@link ValueOrder}.
 * Both evaluations ask it: a row matches when its value is {@link #contains contained}, a data file
 * may match when the set {@link #meets} the range of its bounds. A negated predicate is the
 * {@link #complement}, so {@code !=}, {@code not in} and {@code not starts with} accept NaN exactly
 * when their positive forms reject it.
 */
record ValueSet(List<Interval> intervals) {

  /** Values from {@code low} to {@code high}; a null end is unbounded. */
  record Interval(Object low, boolean lowIncluded, Object high, boolean highIncluded) {
    static Interval point(Object value) {
      return new Interval(value, true, value, true);
    }

    boolean contains(Object value) {
      return below(low, lowIncluded, value, true) && below(value, true, high, highIncluded);
    }

    boolean meets(Interval other) {
      return below(low, lowIncluded, other.high, other.highIncluded)
          && below(other.low, other.lowIncluded, high, highIncluded);
    }

    boolean isEmpty() {
      return !below(low, lowIncluded, high, highIncluded);
    }

    /** Whether a value exists at or above the lower end and at or below the upper end. */
    private static boolean below(Object low, boolean lowIncluded, Object high, boolean highIncluded) {
      if (low == null || high == null) {
        return true;
      }
      int order = ValueOrder.compare(low, high);
      return order < 0 || order == 0 && lowIncluded && highIncluded;
    }
  }

  ValueSet {
    intervals = intervals.stream().filter(i -> !i.isEmpty()).toList();
  }

  /** The values {@code value OP literal} holds for. */
  static ValueSet comparison(Operator operator, Object literal) {
    return switch (operator) {
      case EQ -> new ValueSet(List.of(Interval.point(literal)));
      case NOT_EQ -> comparison(Operator.EQ, literal).complement();
      case LT -> new ValueSet(List.of(new Interval(null, false, literal, false)));
      case LT_EQ -> new ValueSet(List.of(new Interval(null, false, literal, true)));
      case GT -> new ValueSet(List.of(new Interval(literal, false, null, false)));
      case GT_EQ -> new ValueSet(List.of(new Interval(literal, true, null, false)));
    };
  }

  static ValueSet anyOf(List<Object> literals) {
    List<Object> sorted = new ArrayList<>(literals);
    sorted.sort(ValueOrder::compare);
    List<Interval> points = new ArrayList<>();
    for (Object value : sorted) {
      if (points.isEmpty() || ValueOrder.compare(points.get(points.size() - 1).low(), value) != 0) {
        points.add(Interval.point(value));
      }
    }
    return new ValueSet(points);
  }

  /**
   * UTF-8 strings starting with {@code prefix}: from the prefix up to, not including, the first
   * byte string above every extension of it (the prefix without trailing 0xFF bytes, its last byte
   * raised). A byte prefix of valid UTF-8 is a prefix of the text, so this is String.startsWith.
   */
  static ValueSet startingWith(byte[] prefix) {
    int end = prefix.length;
    while (end > 0 && prefix[end - 1] == (byte) 0xFF) {
      end--;
    }
    byte[] above = null;
    if (end > 0) {
      above = Arrays.copyOf(prefix, end);
      above[end - 1]++;
    }
    return new ValueSet(List.of(new Interval(prefix, true, above, false)));
  }

  /** Every other value (of the same column; nulls belong to neither). */
  ValueSet complement() {
    List<Interval> gaps = new ArrayList<>();
    Object low = null;
    boolean lowIncluded = false;
    for (Interval interval : intervals) {
      if (interval.low() != null) {
        gaps.add(new Interval(low, lowIncluded, interval.low(), !interval.lowIncluded()));
      }
      if (interval.high() == null) {
        return new ValueSet(gaps);
      }
      low = interval.high();
      lowIncluded = !interval.highIncluded();
    }
    gaps.add(new Interval(low, lowIncluded, null, false));
    return new ValueSet(gaps);
  }

  boolean contains(Object value) {
    for (Interval interval : intervals) { // a loop: this runs for every row
      if (interval.contains(value)) {
        return true;
      }
    }
    return false;
  }

  boolean meets(Interval range) {
    return intervals.stream().anyMatch(i -> i.meets(range));
  }
}
