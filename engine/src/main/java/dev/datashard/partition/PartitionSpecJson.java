package dev.datashard.partition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datashard.Schema;
import dev.datashard.metadata.Json;
import java.util.ArrayList;
import java.util.List;

/** Partition specs in table metadata JSON (the spec's "Partition Specs" appendix C form). */
final class PartitionSpecJson {
  private PartitionSpecJson() {}

  static PartitionSpec parse(Schema schema, JsonNode json) {
    String where = "partition spec";
    int specId = Json.requiredInt(json, "spec-id", where);
    where = "partition spec " + specId;
    List<PartitionField> fields = new ArrayList<>();
    for (JsonNode field : Json.requiredArray(json, "fields", where)) {
      String transform = Json.requiredText(field, "transform", where);
      try {
        fields.add(new PartitionField(Json.requiredInt(field, "source-id", where),
            Json.requiredInt(field, "field-id", where), Json.requiredText(field, "name", where),
            Transform.fromString(transform)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    return new PartitionSpec(schema, specId, fields);
  }

  static JsonNode toJson(PartitionSpec spec) {
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("spec-id", spec.specId());
    ArrayNode fields = json.putArray("fields");
    for (PartitionField field : spec.fields()) {
      fields.addObject().put("name", field.name()).put("transform", field.transform().toString())
          .put("source-id", field.sourceId()).put("field-id", field.fieldId());
    }
    return json;
  }
}
