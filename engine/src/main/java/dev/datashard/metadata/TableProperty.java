package dev.datashard.metadata;

import dev.datashard.io.Location;
import dev.datashard.io.StorageException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table property DataShard interprets. A value being set must keep the property's rule; a
 * stored value is read leniently: one that breaks the rule (another engine or an older DataShard
 * wrote it) reads as the default, so no stored value can make the commit that repairs it fail.
 */
public sealed interface TableProperty {
  String key();

  /** The rule {@code value} breaks ("must be ..."), or empty when it keeps it. */
  Optional<String> brokenRule(String value);

  /** A whole number from 0 up, written as Iceberg's {@code Integer.parseInt} reads it. */
  record WholeNumber(String key, int defaultValue) implements TableProperty {
    public int read(Map<String, String> properties) {
      return parse(properties.get(key)).orElse(defaultValue);
    }

    /** Whether the table holds a valid value, rather than reading the default. */
    boolean isSetIn(Map<String, String> properties) {
      return parse(properties.get(key)).isPresent();
    }

    @Override
    public Optional<String> brokenRule(String value) {
      return parse(value).isPresent() ? Optional.empty()
          : Optional.of("must be a whole number from 0 to " + Integer.MAX_VALUE);
    }

    private static Optional<Integer> parse(String value) {
      if (value == null) {
        return Optional.empty();
      }
      try {
        int number = Integer.parseInt(value);
        return number >= 0 ? Optional.of(number) : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  /** {@code true} or {@code false}, in any letter case. */
  record Flag(String key, boolean defaultValue) implements TableProperty {
    public boolean read(Map<String, String> properties) {
      String value = properties.get(key);
      return "true".equalsIgnoreCase(value) || (defaultValue && !"false".equalsIgnoreCase(value));
    }

    @Override
    public Optional<String> brokenRule(String value) {
      return "true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value) ? Optional.empty()
          : Optional.of("must be true or false");
    }
  }

  /** A location ({@code file:///...}, an absolute path, {@code s3://bucket/key}); none by default. */
  record LocationSetting(String key) implements TableProperty {
    /** The location without trailing slashes; empty when unset or not a location. */
    public Optional<String> read(Map<String, String> properties) {
      String value = properties.get(key);
      return value != null && brokenRule(value).isEmpty() ? Optional.of(value.replaceAll("/+$", "")) : Optional.empty();
    }

    @Override
    public Optional<String> brokenRule(String value) {
      try {
        Location.of(value);
        return Optional.empty();
      } catch (StorageException e) {
        return Optional.of("must be a location (file:///..., an absolute path, or s3://bucket/key): " + e.getMessage());
      }
    }
  }

  /** One of a few words, as Iceberg writes them (letter case as given). */
  record Choice(String key, String defaultValue, List<String> choices) implements TableProperty {
    public String read(Map<String, String> properties) {
      String value = properties.get(key);
      return value != null && choices.contains(value) ? value : defaultValue;
    }

    @Override
    public Optional<String> brokenRule(String value) {
      return choices.contains(value) ? Optional.empty() : Optional.of("must be one of " + String.join(", ", choices));
    }
  }
}
