package dev.datashard.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.Type;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

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
    assertThat(Values.toTimeMicros(0L, time)).isZero();
    assertThatThrownBy(() -> Values.toTimeMicros(86_400_000_000L, time))
        .hasMessage("86400000000 is out of range for time: microseconds since midnight are 0 to 86399999999");
    assertThatThrownBy(() -> Values.toTimeMicros(-1L, time)).hasMessageContaining("out of range for time");
  }
}
