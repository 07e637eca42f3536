package dev.datashard;

import static java.util.Objects.requireNonNull;

import dev.datashard.metadata.SchemaJson;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A table schema: an id, top-level fields with unique ids (nested fields included) and unique
 * top-level names, and the identifier fields (Iceberg's {@code identifier-field-ids}). Immutable.
 */
public final class Schema {
  private final int schemaId;
  private final List<Field> fields;
  private final Map<String, Field> byName;
  private final int highestFieldId;
  private final Set<Integer> identifierFieldIds;

  public Schema(int schemaId, List<Field> fields) {
    this(schemaId, fields, Set.of());
  }

  public Schema(int schemaId, List<Field> fields, Set<Integer> identifierFieldIds) {
    this.schemaId = schemaId;
    this.identifierFieldIds = Set.copyOf(requireNonNull(identifierFieldIds, "identifierFieldIds"));
    this.fields = List.copyOf(requireNonNull(fields, "fields"));
    if (this.fields.isEmpty()) {
      throw new IllegalArgumentException("a schema needs at least one field");
    }
    Map<String, Field> names = new LinkedHashMap<>();
    for (Field field : this.fields) {
      if (names.put(field.name(), field) != null) {
        throw new IllegalArgumentException("duplicate field name '" + field.name() + "'");
      }
    }
    this.byName = Map.copyOf(names);
    Set<Integer> ids = new HashSet<>();
    this.highestFieldId = collectIds(new Type.Struct(this.fields), ids, new HashMap<>());
  }

  public Schema(List<Field> fields) {
    this(0, fields);
  }

  /** Parses the original DataShard form ({@code schema_id}, {@code fields}) or Iceberg's schema JSON. */
  public static Schema fromJson(String json) {
    return SchemaJson.parse(json);
  }

  /** Iceberg's schema JSON form. */
  public String toJson() {
    return SchemaJson.toJson(this);
  }

  public int schemaId() {
    return schemaId;
  }

  public List<Field> fields() {
    return fields;
  }

  public Optional<Field> field(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The highest field id anywhere in the schema, nested ids included. */
  public int highestFieldId() {
    return highestFieldId;
  }

  /** Iceberg's {@code identifier-field-ids}: the fields that identify a row (kept, never enforced). */
  public Set<Integer> identifierFieldIds() {
    return identifierFieldIds;
  }

  public Schema withSchemaId(int id) {
    return new Schema(id, fields, identifierFieldIds);
  }

  /** The top-level fields named, in the order given. */
  public Schema select(List<String> names) {
    return new Schema(schemaId, names.stream().map(name -> field(name).orElseThrow(
        () -> new ValidationException("unknown column '" + name + "' (columns: "
            + String.join(", ", byName.keySet()) + ")"))).toList());
  }

  /** Same fields, ids and types; the schema id may differ. */
  public boolean sameStructure(Schema other) {
    return fields.equals(other.fields);
  }

  /** Same fields and identifier fields: the schema id alone may differ. */
  public boolean sameAs(Schema other) {
    return sameStructure(other) && identifierFieldIds.equals(other.identifierFieldIds);
  }

  private static int collectIds(Type type, Set<Integer> ids, Map<Integer, String> names) {
    int highest = 0;
    if (type instanceof Type.Struct struct) {
      for (Field field : struct.fields()) {
        highest = Math.max(highest, claim(field.id(), field.name(), ids));
        highest = Math.max(highest, collectIds(field.type(), ids, names));
      }
    } else if (type instanceof Type.ListOf list) {
      highest = Math.max(claim(list.elementId(), "element", ids), collectIds(list.element(), ids, names));
    } else if (type instanceof Type.MapOf map) {
      highest = Math.max(claim(map.keyId(), "key", ids), claim(map.valueId(), "value", ids));
      highest = Math.max(highest, collectIds(map.key(), ids, names));
      highest = Math.max(highest, collectIds(map.value(), ids, names));
    }
    return highest;
  }

  private static int claim(int id, String name, Set<Integer> ids) {
    if (!ids.add(id)) {
      throw new IllegalArgumentException("duplicate field id " + id + " (at '" + name + "')");
    }
    return id;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schema other && schemaId == other.schemaId && sameAs(other);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * schemaId + fields.hashCode()) + identifierFieldIds.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("schema ").append(schemaId).append(" {");
    for (Field field : fields) {
      text.append(' ').append(field.id()).append(':').append(field.name()).append(' ')
          .append(field.type().typeName()).append(field.required() ? " required" : "").append(',');
    }
    return text.append(" }").toString();
  }
}
