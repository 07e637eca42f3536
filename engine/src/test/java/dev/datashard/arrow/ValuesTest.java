package dev.datashard.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ValuesTest {
  private static final Type TIMESTAMP = Type.Primitive.TIMESTAMP;
  private static final Type TIMESTAMPTZ = Type.Primitive.TIMESTAMPTZ;
  private static final LocalDateTime FIRST = LocalDateTime.of(1, 1, 1, 0, 0);
  private static final LocalDateTime LAST = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000);

  @Test
  void timestampsOfTheYears1To9999AreExactMicroseconds() {
    long first = Values.toTimestampMicros(FIRST, TIMESTAMP);
    long last = Values.toTimestampMicros("9999-12-31T23:59:59.999999", TIMESTAMP);
    assertThat(first).isEqualTo(-62_135_596_800_000_000L);
    assertThat(last).isEqualTo(253_402_300_799_999_999L);
    assertThat(Values.timestamp(first)).isEqualTo(FIRST);
    assertThat(Values.timestamp(last)).isEqualTo(LAST);
    assertThat(Values.toTimestampMicros("0001-01-01T00:00:00Z", TIMESTAMPTZ)).isEqualTo(first);
    assertThat(Values.toTimestampMicros(LAST.atOffset(ZoneOffset.UTC), TIMESTAMPTZ)).isEqualTo(last);
    assertThat(Values.toTimestampMicros(LAST.toInstant(ZoneOffset.UTC), TIMESTAMPTZ)).isEqualTo(last);
    assertThat(Values.toTimestampMicros(first, TIMESTAMP)).isEqualTo(first);
    // Before the epoch a fraction counts down from the second before, as in Instant.
    assertThat(Values.toTimestampMicros(Instant.ofEpochSecond(-1, 999_999_000), TIMESTAMPTZ)).isEqualTo(-1);
  }

  @Test
  void timestampsOutsideTheYears1To9999AreErrors() {
    assertThatThrownBy(() -> Values.toTimestampMicros("+10000-01-01T00:00:00", TIMESTAMP))
        .isInstanceOf(Values.BadValue.class)
        .hasMessage("'+10000-01-01T00:00:00' is out of range for timestamp: years 0001 to 9999 only");
    assertThatThrownBy(() -> Values.toTimestampMicros(FIRST.minusNanos(1000), TIMESTAMP))
        .hasMessageContaining("out of range for timestamp");
    assertThatThrownBy(() -> Values.toTimestampMicros("0001-01-01T00:00:00+01:00", TIMESTAMPTZ))
        .hasMessageContaining("years 0001 to 9999 only, in UTC");
    assertThatThrownBy(() -> Values.toTimestampMicros(OffsetDateTime.MAX, TIMESTAMPTZ))
        .hasMessageContaining("out of range for timestamptz");
    assertThatThrownBy(() -> Values.toTimestampMicros(Instant.MIN, TIMESTAMPTZ))
        .hasMessageContaining("out of range for timestamptz");
    assertThatThrownBy(() -> Values.toTimestampMicros(253_402_300_800_000_000L, TIMESTAMP))
        .hasMessageContaining("out of range for timestamp").hasMessageContaining("253402300799999999");
    assertThatThrownBy(() -> Values.toTimestampMicros(Long.MIN_VALUE, TIMESTAMPTZ))
        .hasMessageContaining("out of range for timestamptz");
  }

  @Test
  void datesOutsideTheYears1To9999AreErrors() {
    Type date = Type.Primitive.DATE;
    assertThat(Values.toEpochDay("0001-01-01", date)).isEqualTo(-719_162);
    assertThat(Values.toEpochDay(LocalDate.of(9999, 12, 31), date)).isEqualTo(2_932_896);
    assertThat(Values.toEpochDay(2_932_896, date)).isEqualTo(2_932_896);
    assertThatThrownBy(() -> Values.toEpochDay("0000-12-31", date))
        .hasMessage("'0000-12-31' is out of range for date: years 0001 to 9999 only");
    assertThatThrownBy(() -> Values.toEpochDay(2_932_897, date)).hasMessageContaining("out of range for date");
    // Past an int of days: without the check the cast wrapped around to some other date.
    assertThatThrownBy(() -> Values.toEpochDay(LocalDate.MAX, date)).hasMessageContaining("out of range for date");
  }

  @Test
  void timesAreMicrosecondsWithinADay() {
    Type time = Type.Primitive.TIME;
    assertThat(Values.toTimeMicros(86_399_999_999L, time)).isEqualTo(86_399_999_999L);
    assertThat(Values.toTimeMicros(0, time)).isZero();
    assertThatThrownBy(() -> Values.toTimeMicros(86_400_000_000L, time))
        .hasMessage("86400000000 is out of range for time: microseconds since midnight are 0 to 86399999999");
    assertThatThrownBy(() -> Values.toTimeMicros(-1, time)).hasMessageContaining("out of range for time");
  }

  @Test
  void floatingPointNumbersBeyondTheirTypeAreErrorsNotInfinityOrZero() {
    Type dbl = Type.Primitive.DOUBLE;
    Type flt = Type.Primitive.FLOAT;
    assertThatThrownBy(() -> Values.toDouble("1e400", dbl))
        .hasMessage("'1e400' is out of range for double: finite values are at most 1.7976931348623157E308 in magnitude");
    assertThatThrownBy(() -> Values.toDouble(new BigDecimal("-1e400"), dbl)).hasMessageContaining("out of range");
    assertThatThrownBy(() -> Values.toDouble("1e-400", dbl))
        .hasMessage("'1e-400' is out of range for double: nonzero values are at least 4.9E-324 in magnitude");
    assertThatThrownBy(() -> Values.toFloat("3.5e38", flt))
        .hasMessage("'3.5e38' is out of range for float: finite values are at most 3.4028235E38 in magnitude");
    assertThatThrownBy(() -> Values.toFloat(new BigDecimal("3.5e38"), flt)).hasMessageContaining("out of range");
    assertThatThrownBy(() -> Values.toFloat(1e300, flt)).hasMessageContaining("out of range for float");
    assertThatThrownBy(() -> Values.toFloat("1e-50", flt)).hasMessageContaining("out of range for float");

    // The largest values, infinities, NaN and both zeros stay what they are.
    assertThat(Values.toDouble("1.7976931348623157e308", dbl)).isEqualTo(Double.MAX_VALUE);
    assertThat(Values.toFloat("3.4028235e38", flt)).isEqualTo(Float.MAX_VALUE);
    assertThat(Values.toDouble("-Infinity", dbl)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(Values.toFloat("Infinity", flt)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(Values.toFloat(Double.POSITIVE_INFINITY, flt)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(Values.toDouble("NaN", dbl)).isNaN();
    assertThat(Values.toFloat(Double.NaN, flt)).isNaN();
    assertThat(Double.doubleToRawLongBits(Values.toDouble("-0.0", dbl))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(Float.floatToRawIntBits(Values.toFloat(-0.0, flt))).isEqualTo(Float.floatToRawIntBits(-0.0f));
    assertThat(Values.toDouble(new BigDecimal("0E-500"), dbl)).isZero();
  }

  @Test
  @Timeout(10)
  void integersAndDecimalsOutOfRangeAreErrorsAndFailFast() {
    Type lng = Type.Primitive.LONG;
    assertThatThrownBy(() -> Values.toLong(new BigInteger("9223372036854775808"), lng, Long.MIN_VALUE, Long.MAX_VALUE))
        .hasMessage("9223372036854775808 is out of range for long");
    assertThatThrownBy(() -> Values.toLong(2_147_483_648L, Type.Primitive.INT, Integer.MIN_VALUE, Integer.MAX_VALUE))
        .hasMessage("2147483648 is out of range for int");
    assertThatThrownBy(() -> Values.toLong("1e999999999", lng, Long.MIN_VALUE, Long.MAX_VALUE))
        .hasMessageContaining("out of range for long");
    assertThatThrownBy(() -> Values.toLong("1e-999999999", lng, Long.MIN_VALUE, Long.MAX_VALUE))
        .hasMessageContaining("is not a whole number");
    assertThat(Values.toLong("-9.223372036854775808e18", lng, Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MIN_VALUE);
    assertThat(Values.toLong(new BigDecimal("12.000"), lng, Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(12);

    Type.Decimal decimal = new Type.Decimal(9, 2);
    assertThat(Values.toDecimal("1234567.8", decimal)).isEqualTo(new BigDecimal("1234567.80"));
    assertThat(Values.toDecimal("0E-999999999", decimal)).isEqualTo(new BigDecimal("0.00"));
    assertThat(Values.toDecimal(-0.0, decimal)).isEqualTo(new BigDecimal("0.00"));
    assertThat(Values.toDecimal("1.2300000", decimal)).isEqualTo(new BigDecimal("1.23"));
    assertThatThrownBy(() -> Values.toDecimal("12345678.9", decimal)).hasMessageContaining("more than 9 digits");
    assertThatThrownBy(() -> Values.toDecimal("1e999999999", decimal)).hasMessageContaining("more than 9 digits");
    assertThatThrownBy(() -> Values.toDecimal("1.234", decimal)).hasMessageContaining("more than 2 decimal places");
    assertThatThrownBy(() -> Values.toDecimal("1e-999999999", decimal)).hasMessageContaining("decimal places");
    assertThatThrownBy(() -> Values.toDecimal(Double.NaN, decimal)).isInstanceOf(Values.BadValue.class);
  }
}
