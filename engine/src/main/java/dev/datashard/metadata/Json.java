package dev.datashard.metadata;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Shared Jackson set-up and small helpers that turn missing keys into clear messages. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private Json() {}

  /** Writes through a generator into a string. */
  public interface Writer {
    void write(JsonGenerator generator) throws IOException;
  }

  public static String write(Writer writer) {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = MAPPER.getFactory().createGenerator(out)) {
      writer.write(generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Writes through a generator into UTF-8 bytes, without an intermediate string. */
  public static byte[] writeUtf8(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try (JsonGenerator generator = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      writer.write(generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static JsonNode parse(String json, String what) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static JsonNode required(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException(where + " is missing \"" + key + "\"");
    }
    return value;
  }

  /** An array that may be absent (or null): then empty; anything else than an array is an error. */
  public static Iterable<JsonNode> optionalArray(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return java.util.List.of();
    }
    if (!value.isArray()) {
      throw new IllegalArgumentException(where + ": \"" + key + "\" must be an array");
    }
    return value;
  }

  /** An array that must be there. */
  public static JsonNode requiredArray(JsonNode node, String key, String where) {
    JsonNode value = required(node, key, where);
    if (!value.isArray()) {
      throw new IllegalArgumentException(where + ": \"" + key + "\" must be an array");
    }
    return value;
  }

  public static String requiredText(JsonNode node, String key, String where) {
    JsonNode value = required(node, key, where);
    if (!value.isTextual()) {
      throw new IllegalArgumentException(where + ": \"" + key + "\" must be a string");
    }
    return value.asText();
  }

  public static int requiredInt(JsonNode node, String key, String where) {
    JsonNode value = required(node, key, where);
    if (!value.canConvertToInt()) {
      throw new IllegalArgumentException(where + ": \"" + key + "\" must be an integer");
    }
    return value.asInt();
  }

  public static long requiredLong(JsonNode node, String key, String where) {
    JsonNode value = required(node, key, where);
    if (!value.canConvertToLong()) {
      throw new IllegalArgumentException(where + ": \"" + key + "\" must be an integer");
    }
    return value.asLong();
  }
}
