package dev.datashard.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parses the CLI's TIME arguments: epoch milliseconds or ISO-8601 (without an offset: UTC). */
final class Times {
  private Times() {}

  static long parseMillis(String text, String option) {
    String value = text.trim();
    if (value.matches("-?\\d+")) {
      return Long.parseLong(value);
    }
    try {
      return OffsetDateTime.parse(value).toInstant().toEpochMilli();
    } catch (DateTimeParseException notOffset) {
      try {
        return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException notDate) {
          throw new IllegalArgumentException(option + " '" + text + "' is not a time: use epoch "
              + "milliseconds or ISO-8601 such as 2024-05-01T12:00:00Z");
        }
      }
    }
  }

  static String describe(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
