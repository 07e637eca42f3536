package dev.datashard.partition;

import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.ValidationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the CLI's partition spec text: terms separated by commas, each a column (identity) or
 * {@code identity(c)}, {@code bucket(N, c)}, {@code truncate(W, c)}, {@code year(c)},
 * {@code month(c)}, {@code day(c)}, {@code hour(c)} or {@code void(c)} (Spark's plurals
 * {@code years}... too), optionally followed by {@code as name}. Column names with other characters
 * are double-quoted. Empty text is the unpartitioned spec.
 */
final class PartitionSpecParser {
  private final Schema schema;
  private final String text;
  private int position;

  private PartitionSpecParser(Schema schema, String text) {
    this.schema = schema;
    this.text = text;
  }

  static PartitionSpec parse(Schema schema, int specId, String text, int firstFieldId) {
    PartitionSpecParser parser = new PartitionSpecParser(schema, text);
    List<PartitionField> fields = new ArrayList<>();
    Map<String, String> termOfName = new HashMap<>();
    Map<String, String> termOfKind = new HashMap<>();
    parser.skipSpaces();
    while (!parser.atEnd()) {
      int start = parser.position;
      PartitionField field = parser.term(firstFieldId + fields.size());
      String term = text.substring(start, parser.position).trim();
      String previous = termOfName.put(field.name(), term);
      if (previous != null) {
        throw new ValidationException("partition spec: '" + previous + "' and '" + term + "' both name their field '"
            + field.name() + "'; rename one with 'as'");
      }
      previous = termOfKind.put(field.sourceId() + ":" + kind(field.transform()), term);
      if (previous != null) {
        throw new ValidationException("partition spec: '" + previous + "' and '" + term + "' partition the same column "
            + (kind(field.transform()).equals("time") ? "by time twice; keep one" : "the same way"));
      }
      parser.checkNotAnotherColumn(field, term);
      fields.add(field);
      parser.skipSpaces();
      if (!parser.atEnd()) {
        parser.expect(',');
        parser.skipSpaces();
        if (parser.atEnd()) {
          throw parser.error("a term after ','");
        }
      }
    }
    return new PartitionSpec(schema, specId, fields);
  }

  /** Iceberg's test for redundant fields: one time transform per column, other transforms once each. */
  private static String kind(Transform transform) {
    return transform instanceof Transform.Year || transform instanceof Transform.Month
        || transform instanceof Transform.Day || transform instanceof Transform.Hour ? "time" : transform.toString();
  }

  private PartitionField term(int fieldId) {
    String name = name();
    skipSpaces();
    Transform transform = Transform.IDENTITY;
    Field source;
    if (peek() == '(') {
      position++;
      transform = transform(name);
      source = column(name(), name);
      skipSpaces();
      expect(')');
    } else {
      source = column(name, null);
    }
    String fieldName = source.name() + transform.nameSuffix();
    skipSpaces();
    if (keyword("as")) {
      skipSpaces();
      fieldName = name();
    }
    try {
      PartitionField field = new PartitionField(source.id(), fieldId, fieldName, transform);
      new PartitionSpec(schema, 0, List.of(field)); // the type check, with the term for context
      return field;
    } catch (ValidationException e) {
      throw new ValidationException("partition spec: " + e.getMessage(), e);
    }
  }

  /** The transform called {@code name}, with its number argument and comma read. */
  private Transform transform(String name) {
    String function = name.toLowerCase(Locale.ROOT);
    return switch (function) {
      case "identity" -> Transform.IDENTITY;
      case "year", "years" -> Transform.YEAR;
      case "month", "months" -> Transform.MONTH;
      case "day", "days" -> Transform.DAY;
      case "hour", "hours" -> Transform.HOUR;
      case "void" -> Transform.VOID;
      case "bucket" -> new Transform.Bucket(positiveNumber("bucket(N, column) needs a number of buckets N"));
      case "truncate" -> new Transform.Truncate(positiveNumber("truncate(W, column) needs a width W"));
      default -> throw new ValidationException("partition spec: unknown transform '" + name
          + "' (known: identity, bucket(N, c), truncate(W, c), year, month, day, hour, void)");
    };
  }

  private int positiveNumber(String what) {
    skipSpaces();
    int start = position;
    if (peek() == '-') {
      position++;
    }
    while (Character.isDigit(peek())) {
      position++;
    }
    String digits = text.substring(start, position);
    long number;
    try {
      number = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw error(what);
    }
    if (number < 1 || number > Integer.MAX_VALUE) {
      throw new ValidationException("partition spec: " + what + " from 1 to " + Integer.MAX_VALUE + ", not " + digits);
    }
    skipSpaces();
    expect(',');
    return (int) number;
  }

  private Field column(String name, String function) {
    return schema.field(name).orElseThrow(() -> new ValidationException("partition spec: "
        + (function == null ? "" : function + "(" + name + ") names ") + "unknown column '" + name + "' (columns: "
        + String.join(", ", schema.fields().stream().map(Field::name).toList()) + ")"));
  }

  /** A partition name may not be another column's name (Iceberg's rule; it would be ambiguous in filters). */
  private void checkNotAnotherColumn(PartitionField field, String term) {
    schema.field(field.name()).ifPresent(column -> {
      if (column.id() != field.sourceId() || !(field.transform() instanceof Transform.Identity)) {
        throw new ValidationException("partition spec: '" + term + "' would name its field '" + field.name()
            + "', a column of the table; rename it with 'as'");
      }
    });
  }

  private String name() {
    skipSpaces();
    if (peek() == '"') {
      int end = text.indexOf('"', position + 1);
      if (end < 0) {
        throw error("a closing '\"'");
      }
      String quoted = text.substring(position + 1, end);
      position = end + 1;
      return quoted;
    }
    int start = position;
    while (Character.isLetterOrDigit(peek()) || peek() == '_') {
      position++;
    }
    if (start == position) {
      throw error("a column or transform");
    }
    return text.substring(start, position);
  }

  private boolean keyword(String word) {
    int end = position + word.length();
    if (end <= text.length() && text.substring(position, end).equalsIgnoreCase(word)
        && (end == text.length() || Character.isWhitespace(text.charAt(end)))) {
      position = end;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("'" + c + "'");
    }
    position++;
  }

  private char peek() {
    return atEnd() ? '\0' : text.charAt(position);
  }

  private boolean atEnd() {
    return position >= text.length();
  }

  private void skipSpaces() {
    while (!atEnd() && Character.isWhitespace(text.charAt(position))) {
      position++;
    }
  }

  private ValidationException error(String expected) {
    String found = atEnd() ? "the end" : "'" + text.substring(position, Math.min(text.length(), position + 10)) + "'";
    return new ValidationException("partition spec '" + text + "': expected " + expected + " at position "
        + (position + 1) + ", found " + found);
  }
}
