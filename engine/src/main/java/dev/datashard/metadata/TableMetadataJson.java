package dev.datashard.metadata;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and writes table metadata JSON exactly as the Iceberg spec names its keys. */
public final class TableMetadataJson {
  private static final Set<String> KNOWN = Set.of("format-version", "table-uuid", "location",
      "last-sequence-number", "last-updated-ms", "last-column-id", "schemas", "schema",
      "current-schema-id", "partition-specs", "partition-spec", "default-spec-id",
      "last-partition-id", "sort-orders", "default-sort-order-id", "properties",
      "current-snapshot-id", "snapshots", "snapshot-log", "metadata-log");

  private TableMetadataJson() {}

  /** Parses metadata; {@code file} only names the source in error messages. */
  public static TableMetadata parse(String json, String file) {
    try {
      return fromNode(Json.parse(json, "table metadata"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new MalformedMetadataException(file, e.getMessage(), e);
    }
  }

  private static TableMetadata fromNode(JsonNode node) {
    String where = "table metadata";
    int formatVersion = Json.requiredInt(node, "format-version", where);
    if (formatVersion != 2) {
      throw new IllegalArgumentException("format-version " + formatVersion
          + " is not supported (DataShard reads and writes Iceberg format version 2)");
    }
    List<Schema> schemas = new ArrayList<>();
    for (JsonNode schema : Json.requiredArray(node, "schemas", where)) {
      schemas.add(SchemaJson.fromNode(schema));
    }
    List<Snapshot> snapshots = new ArrayList<>();
    for (JsonNode snapshot : Json.optionalArray(node, "snapshots", where)) {
      snapshots.add(parseSnapshot(snapshot));
    }
    List<TableMetadata.LogEntry> snapshotLog = new ArrayList<>();
    for (JsonNode entry : Json.optionalArray(node, "snapshot-log", where)) {
      snapshotLog.add(new TableMetadata.LogEntry(Json.requiredLong(entry, "timestamp-ms", "snapshot-log"),
          Json.requiredLong(entry, "snapshot-id", "snapshot-log")));
    }
    List<TableMetadata.MetadataLogEntry> metadataLog = new ArrayList<>();
    for (JsonNode entry : Json.optionalArray(node, "metadata-log", where)) {
      metadataLog.add(new TableMetadata.MetadataLogEntry(
          Json.requiredLong(entry, "timestamp-ms", "metadata-log"),
          Json.requiredText(entry, "metadata-file", "metadata-log")));
    }
    Map<String, String> properties = new LinkedHashMap<>();
    JsonNode propertiesNode = node.get("properties");
    if (propertiesNode != null && !propertiesNode.isNull() && !propertiesNode.isObject()) {
      throw new IllegalArgumentException(where + ": \"properties\" must be an object");
    }
    node.path("properties").fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue().asText()));
    Map<String, JsonNode> other = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("refs") && e.getValue().isObject()) {
        // "main" follows current-snapshot-id; keeping it here would go stale on the next commit.
        ObjectNode refs = ((ObjectNode) e.getValue()).deepCopy();
        refs.remove("main");
        other.put("refs", refs);
      } else if (!KNOWN.contains(e.getKey())) {
        other.put(e.getKey(), e.getValue());
      }
    }
    // A current snapshot or schema that is not there must not read as an empty table: an append
    // on top of it would drop every row from the current snapshot.
    JsonNode currentSnapshot = node.get("current-snapshot-id");
    Long currentSnapshotId = null;
    if (currentSnapshot != null && !currentSnapshot.isNull()) {
      long id = Json.requiredLong(node, "current-snapshot-id", where);
      if (id != -1) {
        if (snapshots.stream().noneMatch(s -> s.snapshotId() == id)) {
          throw new IllegalArgumentException("current-snapshot-id " + id + " names no snapshot in \"snapshots\"");
        }
        currentSnapshotId = id;
      }
    }
    int currentSchemaId = Json.requiredInt(node, "current-schema-id", where);
    if (schemas.stream().noneMatch(s -> s.schemaId() == currentSchemaId)) {
      throw new IllegalArgumentException("current-schema-id " + currentSchemaId + " names no schema in \"schemas\"");
    }
    return new TableMetadata(formatVersion,
        Json.requiredText(node, "table-uuid", where),
        Json.requiredText(node, "location", where),
        Json.requiredLong(node, "last-sequence-number", where),
        Json.requiredLong(node, "last-updated-ms", where),
        Json.requiredInt(node, "last-column-id", where),
        schemas,
        currentSchemaId,
        Json.required(node, "partition-specs", where),
        Json.requiredInt(node, "default-spec-id", where),
        Json.requiredInt(node, "last-partition-id", where),
        Json.required(node, "sort-orders", where),
        Json.requiredInt(node, "default-sort-order-id", where),
        properties, currentSnapshotId, snapshots, snapshotLog, metadataLog, other);
  }

  private static Snapshot parseSnapshot(JsonNode node) {
    String where = "snapshot";
    Map<String, String> summary = new LinkedHashMap<>();
    node.path("summary").fields().forEachRemaining(e -> summary.put(e.getKey(), e.getValue().asText()));
    JsonNode parent = node.get("parent-snapshot-id");
    JsonNode schemaId = node.get("schema-id");
    return new Snapshot(Json.requiredLong(node, "snapshot-id", where),
        parent == null || parent.isNull() ? null : parent.asLong(),
        node.path("sequence-number").asLong(0),
        Json.requiredLong(node, "timestamp-ms", where),
        Json.requiredText(node, "manifest-list", where),
        summary,
        schemaId == null || schemaId.isNull() ? null : schemaId.asInt());
  }

  /** The metadata file's content: UTF-8 JSON. */
  public static byte[] toJson(TableMetadata metadata) {
    return Json.writeUtf8(generator -> write(metadata, generator));
  }

  private static void write(TableMetadata m, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeNumberField("format-version", m.formatVersion());
    g.writeStringField("table-uuid", m.tableUuid());
    g.writeStringField("location", m.location());
    g.writeNumberField("last-sequence-number", m.lastSequenceNumber());
    g.writeNumberField("last-updated-ms", m.lastUpdatedMillis());
    g.writeNumberField("last-column-id", m.lastColumnId());
    g.writeNumberField("current-schema-id", m.currentSchemaId());
    g.writeArrayFieldStart("schemas");
    for (Schema schema : m.schemas()) {
      SchemaJson.write(schema, g);
    }
    g.writeEndArray();
    g.writeNumberField("default-spec-id", m.defaultSpecId());
    g.writeFieldName("partition-specs");
    g.writeTree(m.partitionSpecs());
    g.writeNumberField("last-partition-id", m.lastPartitionId());
    g.writeNumberField("default-sort-order-id", m.defaultSortOrderId());
    g.writeFieldName("sort-orders");
    g.writeTree(m.sortOrders());
    g.writeObjectFieldStart("properties");
    for (Map.Entry<String, String> e : m.properties().entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeNumberField("current-snapshot-id", m.currentSnapshotId() == null ? -1 : m.currentSnapshotId());
    writeRefs(m, g);
    g.writeArrayFieldStart("snapshots");
    for (Snapshot s : m.snapshots()) {
      g.writeStartObject();
      g.writeNumberField("snapshot-id", s.snapshotId());
      if (s.parentId() != null) {
        g.writeNumberField("parent-snapshot-id", s.parentId());
      }
      g.writeNumberField("sequence-number", s.sequenceNumber());
      g.writeNumberField("timestamp-ms", s.timestampMillis());
      g.writeStringField("manifest-list", s.manifestList());
      g.writeObjectFieldStart("summary");
      g.writeStringField("operation", s.operation());
      for (Map.Entry<String, String> e : s.summary().entrySet()) {
        if (!e.getKey().equals("operation")) {
          g.writeStringField(e.getKey(), e.getValue());
        }
      }
      g.writeEndObject();
      if (s.schemaId() != null) {
        g.writeNumberField("schema-id", s.schemaId());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("snapshot-log");
    for (TableMetadata.LogEntry e : m.snapshotLog()) {
      g.writeStartObject();
      g.writeNumberField("timestamp-ms", e.timestampMillis());
      g.writeNumberField("snapshot-id", e.snapshotId());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("metadata-log");
    for (TableMetadata.MetadataLogEntry e : m.metadataLog()) {
      g.writeStartObject();
      g.writeNumberField("timestamp-ms", e.timestampMillis());
      g.writeStringField("metadata-file", e.metadataFile());
      g.writeEndObject();
    }
    g.writeEndArray();
    for (Map.Entry<String, JsonNode> e : m.otherFields().entrySet()) {
      if (!e.getKey().equals("refs")) {
        g.writeFieldName(e.getKey());
        g.writeTree(e.getValue());
      }
    }
    g.writeEndObject();
  }

  /** The {@code main} branch follows the current snapshot; other refs are kept as they were. */
  private static void writeRefs(TableMetadata m, JsonGenerator g) throws IOException {
    ObjectNode refs = Json.MAPPER.createObjectNode();
    JsonNode existing = m.otherFields().get("refs");
    if (existing != null && existing.isObject()) {
      refs.setAll((ObjectNode) existing.deepCopy());
    }
    refs.remove("main");
    if (m.currentSnapshotId() != null) {
      ObjectNode main = refs.putObject("main");
      main.put("snapshot-id", m.currentSnapshotId());
      main.put("type", "branch");
    }
    g.writeFieldName("refs");
    g.writeTree(refs);
  }
}
