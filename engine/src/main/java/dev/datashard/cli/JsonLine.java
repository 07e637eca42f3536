package dev.datashard.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.datashard.ValidationException;
import dev.datashard.metadata.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of a .jsonl file read with Jackson into a record: the way for the lines the byte
 * decoder leaves (nested values, escapes in strings) and for exact messages about malformed JSON.
 * Numbers with a fraction or exponent are read as BigDecimal, exactly, except a negative zero,
 * which is -0.0: BigDecimal has no sign of zero.
 */
final class JsonLine {
  private JsonLine() {}

  /** The line's object, or null when the line is blank. */
  static Map<String, Object> parse(String text, long line) throws IOException {
    if (text.isBlank()) {
      return null;
    }
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new ValidationException("line " + line + " is not a JSON object");
      }
      Map<String, Object> record = object(parser, line);
      JsonToken after;
      try {
        after = parser.nextToken();
      } catch (JsonProcessingException e) {
        throw new ValidationException("line " + line + " has text after its JSON object: " + e.getOriginalMessage());
      }
      if (after != null) {
        throw new ValidationException("line " + line + " holds more than one JSON value: the format is one "
            + "JSON object per line");
      }
      return record;
    } catch (JsonProcessingException e) {
      throw new ValidationException("line " + line + " is not a JSON object: " + e.getOriginalMessage());
    }
  }

  private static Map<String, Object> object(JsonParser parser, long line) throws IOException {
    Map<String, Object> values = new LinkedHashMap<>();
    for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
      parser.nextToken();
      if (values.containsKey(name)) {
        // JSON parsers disagree on which of the two counts; taking either would be a guess.
        throw new ValidationException("line " + line + ": field '" + name + "' appears twice");
      }
      values.put(name, value(parser, line));
    }
    return values;
  }

  private static Object value(JsonParser parser, long line) throws IOException {
    return switch (parser.currentToken()) {
      case START_OBJECT -> object(parser, line);
      case START_ARRAY -> {
        List<Object> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(value(parser, line));
        }
        yield items;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT -> parser.getNumberValue();
      case VALUE_NUMBER_FLOAT -> exactNumber(parser);
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> null;
      default -> throw new IllegalStateException("unexpected JSON token " + parser.currentToken());
    };
  }

  private static Object exactNumber(JsonParser parser) throws IOException {
    BigDecimal value = parser.getDecimalValue();
    return value.signum() == 0 && parser.getText().startsWith("-") ? Double.valueOf(-0.0) : value;
  }
}
