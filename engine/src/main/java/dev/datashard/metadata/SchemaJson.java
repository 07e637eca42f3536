package dev.datashard.metadata;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Schema JSON. Writes Iceberg's form; reads it and the original DataShard form
 * ({@code {"schema_id":1,"fields":[{"id":1,"name":"a","type":"long","required":true}]}}).
 */
public final class SchemaJson {
  private SchemaJson() {}

  public static Schema parse(String json) {
    return fromNode(Json.parse(json, "schema"));
  }

  public static Schema fromNode(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("a schema must be a JSON object, not " + node.getNodeType());
    }
    int schemaId = node.has("schema-id") ? node.get("schema-id").asInt()
        : node.has("schema_id") ? node.get("schema_id").asInt() : 0;
    JsonNode fields = node.get("fields");
    if (fields == null || !fields.isArray()) {
      throw new IllegalArgumentException("a schema needs a \"fields\" array");
    }
    java.util.Set<Integer> identifiers = new java.util.HashSet<>();
    for (JsonNode id : node.path("identifier-field-ids")) {
      if (!id.canConvertToInt()) {
        throw new IllegalArgumentException("\"identifier-field-ids\" must hold integers, not " + id);
      }
      identifiers.add(id.asInt());
    }
    return new Schema(schemaId, parseFields(fields), identifiers);
  }

  private static List<Field> parseFields(JsonNode fields) {
    List<Field> result = new ArrayList<>();
    for (JsonNode field : fields) {
      String name = Json.requiredText(field, "name", "schema field");
      if (!field.has("id") || !field.get("id").canConvertToInt()) {
        throw new IllegalArgumentException("schema field '" + name + "' needs an integer \"id\"");
      }
      if (!field.has("type")) {
        throw new IllegalArgumentException("schema field '" + name + "' needs a \"type\"");
      }
      Type type;
      try {
        type = parseType(field.get("type"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("schema field '" + name + "': " + e.getMessage(), e);
      }
      boolean required = field.path("required").asBoolean(false);
      String doc = field.hasNonNull("doc") ? field.get("doc").asText() : null;
      result.add(new Field(field.get("id").asInt(), name, type, required, doc));
    }
    return result;
  }

  static Type parseType(JsonNode node) {
    if (node.isTextual()) {
      return Type.parsePrimitive(node.asText());
    }
    if (!node.isObject() || !node.has("type")) {
      throw new IllegalArgumentException("unknown type " + node);
    }
    String kind = node.get("type").asText();
    return switch (kind) {
      case "struct" -> new Type.Struct(parseFields(node.path("fields")));
      case "list" -> new Type.ListOf(Json.requiredInt(node, "element-id", "list type"),
          parseType(Json.required(node, "element", "list type")),
          node.path("element-required").asBoolean(false));
      case "map" -> new Type.MapOf(Json.requiredInt(node, "key-id", "map type"),
          parseType(Json.required(node, "key", "map type")),
          Json.requiredInt(node, "value-id", "map type"),
          parseType(Json.required(node, "value", "map type")),
          node.path("value-required").asBoolean(false));
      default -> throw new IllegalArgumentException("unknown type '" + kind + "'");
    };
  }

  public static String toJson(Schema schema) {
    return Json.write(generator -> write(schema, generator));
  }

  public static void write(Schema schema, JsonGenerator generator) throws IOException {
    generator.writeStartObject();
    generator.writeStringField("type", "struct");
    generator.writeNumberField("schema-id", schema.schemaId());
    if (!schema.identifierFieldIds().isEmpty()) {
      generator.writeArrayFieldStart("identifier-field-ids");
      for (int id : schema.identifierFieldIds().stream().sorted().toList()) {
        generator.writeNumber(id);
      }
      generator.writeEndArray();
    }
    writeFields(schema.fields(), generator);
    generator.writeEndObject();
  }

  private static void writeFields(List<Field> fields, JsonGenerator generator) throws IOException {
    generator.writeArrayFieldStart("fields");
    for (Field field : fields) {
      generator.writeStartObject();
      generator.writeNumberField("id", field.id());
      generator.writeStringField("name", field.name());
      generator.writeBooleanField("required", field.required());
      generator.writeFieldName("type");
      writeType(field.type(), generator);
      if (field.doc() != null) {
        generator.writeStringField("doc", field.doc());
      }
      generator.writeEndObject();
    }
    generator.writeEndArray();
  }

  static void writeType(Type type, JsonGenerator generator) throws IOException {
    if (type instanceof Type.Struct struct) {
      generator.writeStartObject();
      generator.writeStringField("type", "struct");
      writeFields(struct.fields(), generator);
      generator.writeEndObject();
    } else if (type instanceof Type.ListOf list) {
      generator.writeStartObject();
      generator.writeStringField("type", "list");
      generator.writeNumberField("element-id", list.elementId());
      generator.writeFieldName("element");
      writeType(list.element(), generator);
      generator.writeBooleanField("element-required", list.elementRequired());
      generator.writeEndObject();
    } else if (type instanceof Type.MapOf map) {
      generator.writeStartObject();
      generator.writeStringField("type", "map");
      generator.writeNumberField("key-id", map.keyId());
      generator.writeFieldName("key");
      writeType(map.key(), generator);
      generator.writeNumberField("value-id", map.valueId());
      generator.writeFieldName("value");
      writeType(map.value(), generator);
      generator.writeBooleanField("value-required", map.valueRequired());
      generator.writeEndObject();
    } else {
      generator.writeString(type.typeName());
    }
  }
}
