package dev.datashard.partition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.Expression;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Inclusive projection of filters on columns to filters on partition values. */
class ProjectionTest {
  private static final PartitionSpec SPEC = PartitionSpec.parse(PartitionSpecTest.SCHEMA, 0,
      "day(ts), bucket(16, user_id), truncate(2, name), region, truncate(10, id), truncate(50, price)");

  private static Expression project(String filter) {
    return Projection.inclusive(SPEC, Expression.parse(filter));
  }

  private static int day(String date) {
    return (int) LocalDate.parse(date).toEpochDay();
  }

  @Test
  void timeRangesProjectToRangesOfTheirUnit() {
    assertThat(project("ts >= '2026-01-03T00:00:00'"))
        .isEqualTo(Expression.greaterThanOrEqual("ts_day", day("2026-01-03")));
    // < midnight excludes the day it starts: the last microsecond before is the day before.
    assertThat(project("ts < '2026-01-03T00:00:00'")).isEqualTo(Expression.lessThanOrEqual("ts_day", day("2026-01-02")));
    assertThat(project("ts > '2026-01-03T23:59:59.999999'"))
        .isEqualTo(Expression.greaterThanOrEqual("ts_day", day("2026-01-04")));
    assertThat(project("ts = '2026-01-03T10:00:00'")).isEqualTo(Expression.equal("ts_day", day("2026-01-03")));
  }

  @Test
  void timesBefore1970AlsoAdmitTheValuesOldIcebergWrote() {
    assertThat(project("ts = '1969-12-31T10:00:00'")).isEqualTo(Expression.in("ts_day", -1, 0));
    assertThat(project("ts <= '1969-12-31T10:00:00'")).isEqualTo(Expression.lessThanOrEqual("ts_day", 0));
    assertThat(project("ts >= '1969-12-31T10:00:00'")).isEqualTo(Expression.greaterThanOrEqual("ts_day", -1));
    // The day of a date is its day number, which no Iceberg version got wrong.
    PartitionSpec dates = PartitionSpec.parse(dev.datashard.Schema.fromJson("""
        {"fields": [{"id": 1, "name": "d", "type": "date", "required": false},
                    {"id": 2, "name": "e", "type": "date", "required": false}]}"""), 0, "day(d), month(e)");
    assertThat(Projection.inclusive(dates, Expression.parse("d = '1969-12-31' and e = '1969-12-31'")))
        .isEqualTo(Expression.and(Expression.equal("d_day", -1), Expression.in("e_month", -1, 0)));
  }

  @Test
  void bucketsProjectOnlyEqualityAndIn() {
    int bucketOf7 = (Integer) new Transform.Bucket(16).apply(dev.datashard.Type.Primitive.INT, 7);
    assertThat(project("user_id = 7")).isEqualTo(Expression.equal("user_id_bucket", bucketOf7));
    assertThat(project("user_id in (7, 7)")).isEqualTo(new Expression.In("user_id_bucket", List.of(bucketOf7), false));
    // Only that the value is not null: a comparison with null is never true.
    assertThat(project("user_id > 7")).isEqualTo(Expression.isNotNull("user_id_bucket"));
    assertThat(project("user_id != 7")).isEqualTo(Expression.isNotNull("user_id_bucket"));
    assertThat(project("user_id is null")).isEqualTo(Expression.isNull("user_id_bucket"));
  }

  @Test
  void truncationKeepsRangesEqualityAndPrefixes() {
    // Longs just above the minimum truncate to one value near the maximum (see the int test below).
    Expression lowest = Expression.equal("id_trunc", Long.MAX_VALUE - 1);
    assertThat(project("id < 20")).isEqualTo(Expression.or(Expression.lessThanOrEqual("id_trunc", 10L), lowest));
    assertThat(project("id <= 20")).isEqualTo(Expression.or(Expression.lessThanOrEqual("id_trunc", 20L), lowest));
    assertThat(project("id > -1")).isEqualTo(Expression.greaterThanOrEqual("id_trunc", 0L));
    assertThat(project("price = 10.65")).isEqualTo(Expression.equal("price_trunc", new BigDecimal("10.50")));
    assertThat(project("price < 10.50")).isEqualTo(Expression.lessThanOrEqual("price_trunc", new BigDecimal("10.00")));
    // More places than the column has: no value equals it, and only not-null is projected.
    assertThat(project("price = 10.655")).isEqualTo(Expression.isNotNull("price_trunc"));
    assertThat(project("name < 'abc'")).isEqualTo(Expression.lessThanOrEqual("name_trunc", "ab"));
    assertThat(project("name > 'abc'")).isEqualTo(Expression.greaterThanOrEqual("name_trunc", "ab"));
    assertThat(project("name starts with 'a'")).isEqualTo(Expression.startsWith("name_trunc", "a"));
    assertThat(project("name starts with 'abc'")).isEqualTo(Expression.equal("name_trunc", "ab"));
    // Code points: an emoji and a letter are two, though three chars.
    assertThat(project("name starts with '\uD83D\uDE00a'")).isEqualTo(Expression.equal("name_trunc", "\uD83D\uDE00a"));
    assertThat(project("not name starts with 'a'")).isEqualTo(new Expression.StartsWith("name_trunc", "a", true));
    assertThat(project("not name starts with 'ab'")).isEqualTo(Expression.notEqual("name_trunc", "ab"));
    assertThat(project("not name starts with 'abc'")).isEqualTo(Expression.isNotNull("name_trunc"));
  }

  /** The spec's formula overflows for the ints just above the minimum: their partition is near the maximum. */
  @Test
  void integerTruncationKeepsThePartitionOfTheLowestValues() {
    PartitionSpec spec = PartitionSpec.parse(PartitionSpecTest.SCHEMA, 0, "truncate(10, user_id)");
    int overflowed = (Integer) new Transform.Truncate(10).apply(dev.datashard.Type.Primitive.INT, Integer.MIN_VALUE);
    assertThat(overflowed).isEqualTo(2147483646);
    assertThat(Projection.inclusive(spec, Expression.parse("user_id <= 15"))).isEqualTo(Expression.or(
        Expression.lessThanOrEqual("user_id_trunc", 10), Expression.equal("user_id_trunc", overflowed)));
    assertThat(Projection.inclusive(spec, Expression.greaterThan("user_id", Integer.MIN_VALUE)))
        .isEqualTo(Expression.isNotNull("user_id_trunc"));
    // A width that does divide the minimum overflows nothing.
    PartitionSpec sixteen = PartitionSpec.parse(PartitionSpecTest.SCHEMA, 0, "truncate(16, user_id)");
    assertThat(Projection.inclusive(sixteen, Expression.parse("user_id <= 15")))
        .isEqualTo(Expression.lessThanOrEqual("user_id_trunc", 0));
  }

  @Test
  void identityKeepsEveryPredicateAndLogicIsKept() {
    assertThat(project("region != 'eu' and not (region in ('us', 'ap'))")).isEqualTo(Expression.and(
        Expression.notEqual("region", "eu"), new Expression.In("region", List.of("us", "ap"), true)));
    assertThat(project("region = 'eu' or user_id > 3")).isEqualTo(Expression.or(Expression.equal("region", "eu"),
        Expression.isNotNull("user_id_bucket")));
    assertThat(project("region = 'eu' or x > 3")).isEqualTo(Expression.alwaysTrue());
    assertThat(project("not (region = 'eu' or x > 3)")).isEqualTo(Expression.notEqual("region", "eu"));
  }
}
