package dev.datashard.metadata;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.datashard.partition.PartitionSpec;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content of one {@code vN.metadata.json}: Iceberg format-version 2 table metadata. Parts
 * DataShard does not interpret (partition specs, sort orders, statistics) are kept as JSON so a
 * rewrite preserves what another engine wrote.
 */
public record TableMetadata(
    int formatVersion,
    String tableUuid,
    String location,
    long lastSequenceNumber,
    long lastUpdatedMillis,
    int lastColumnId,
    List<Schema> schemas,
    int currentSchemaId,
    JsonNode partitionSpecs,
    int defaultSpecId,
    int lastPartitionId,
    JsonNode sortOrders,
    int defaultSortOrderId,
    Map<String, String> properties,
    Long currentSnapshotId,
    List<Snapshot> snapshots,
    List<LogEntry> snapshotLog,
    List<MetadataLogEntry> metadataLog,
    Map<String, JsonNode> otherFields) {

  /** A {@code snapshot-log} entry: which snapshot became current when. */
  public record LogEntry(long timestampMillis, long snapshotId) {}

  /** A {@code metadata-log} entry: an earlier metadata file. */
  public record MetadataLogEntry(long timestampMillis, String metadataFile) {
    public MetadataLogEntry {
      requireNonNull(metadataFile, "metadataFile");
    }
  }

  public TableMetadata {
    requireNonNull(tableUuid, "tableUuid");
    requireNonNull(location, "location");
    schemas = List.copyOf(schemas);
    properties = Map.copyOf(properties);
    snapshots = List.copyOf(snapshots);
    snapshotLog = List.copyOf(snapshotLog);
    metadataLog = List.copyOf(metadataLog);
    otherFields = Map.copyOf(otherFields);
    requireNonNull(partitionSpecs, "partitionSpecs");
    requireNonNull(sortOrders, "sortOrders");
  }

  public Schema schema() {
    return schema(currentSchemaId).orElseThrow(() -> new IllegalStateException(
        "current-schema-id " + currentSchemaId + " names no schema"));
  }

  public Optional<Schema> schema(int schemaId) {
    return schemas.stream().filter(s -> s.schemaId() == schemaId).findFirst();
  }

  public Optional<Snapshot> currentSnapshot() {
    return currentSnapshotId == null ? Optional.empty() : snapshot(currentSnapshotId);
  }

  public Optional<Snapshot> snapshot(long snapshotId) {
    return snapshots.stream().filter(s -> s.snapshotId() == snapshotId).findFirst();
  }

  /**
   * The snapshot-log entry of the snapshot that was current at {@code timestampMillis}: the last
   * one at or before it (as Iceberg reads the log); empty when the log begins later.
   */
  public Optional<LogEntry> snapshotLogEntryAsOf(long timestampMillis) {
    LogEntry current = null;
    for (LogEntry entry : snapshotLog) {
      if (entry.timestampMillis() <= timestampMillis) {
        current = entry;
      }
    }
    return Optional.ofNullable(current);
  }

  /** The default partition spec (new data's), bound to the current schema. */
  public PartitionSpec defaultSpec() {
    return spec(defaultSpecId);
  }

  /**
   * Partition spec {@code specId}, bound to the current schema; an {@link IllegalArgumentException}
   * naming the problem when DataShard cannot read it (an unknown transform, a dropped column).
   */
  public PartitionSpec spec(int specId) {
    for (JsonNode spec : partitionSpecs) {
      if (spec.path("spec-id").asInt(-1) == specId) {
        return PartitionSpec.fromJson(schema(), spec);
      }
    }
    throw new IllegalStateException("the table metadata has no partition spec " + specId);
  }

  public String property(String key, String defaultValue) {
    return properties.getOrDefault(key, defaultValue);
  }

  /**
   * Iceberg's property: delete metadata files that fall out of the metadata log. Read as
   * {@code Boolean.parseBoolean} reads it, which is lenient: anything but true is the default, false.
   */
  public static final String DELETE_AFTER_COMMIT = TableProperties.METADATA_DELETE_AFTER_COMMIT.key();

  /** The metadata after committing {@code snapshot} on top of this one; the snapshot becomes current. */
  public TableMetadata withSnapshot(Snapshot snapshot, String previousMetadataFile) {
    List<Snapshot> newSnapshots = new ArrayList<>(snapshots);
    newSnapshots.add(snapshot);
    List<LogEntry> newSnapshotLog = new ArrayList<>(snapshotLog);
    newSnapshotLog.add(new LogEntry(snapshot.timestampMillis(), snapshot.snapshotId()));
    return successor(previousMetadataFile, snapshot.timestampMillis(),
        Math.max(lastSequenceNumber, snapshot.sequenceNumber()), properties, snapshot.snapshotId(),
        newSnapshots, newSnapshotLog, schemas, currentSchemaId, lastColumnId);
  }

  /** Makes an existing snapshot current again; the snapshot log records when. */
  public TableMetadata withCurrentSnapshot(long snapshotId, long nowMillis, String previousMetadataFile) {
    if (snapshot(snapshotId).isEmpty()) {
      throw new IllegalArgumentException("table " + location + " has no snapshot " + snapshotId);
    }
    List<LogEntry> newSnapshotLog = new ArrayList<>(snapshotLog);
    newSnapshotLog.add(new LogEntry(nowMillis, snapshotId));
    return successor(previousMetadataFile, nowMillis, lastSequenceNumber, properties, snapshotId,
        snapshots, newSnapshotLog, schemas, currentSchemaId, lastColumnId);
  }

  public TableMetadata withProperties(Map<String, String> newProperties, long nowMillis,
      String previousMetadataFile) {
    return successor(previousMetadataFile, nowMillis, lastSequenceNumber, newProperties,
        currentSnapshotId, snapshots, snapshotLog, schemas, currentSchemaId, lastColumnId);
  }

  /**
   * Makes {@code schema} current: a schema of the same structure already in the list is reused
   * (as Iceberg does, so a change undone returns to the old schema id); otherwise it is added
   * under the next unused schema id. {@code last-column-id} never decreases.
   */
  public TableMetadata withCurrentSchema(Schema schema, int newLastColumnId, long nowMillis,
      String previousMetadataFile) {
    requireNonNull(schema, "schema");
    Optional<Schema> existing = schemas.stream().filter(s -> s.sameAs(schema)).findFirst();
    List<Schema> newSchemas = new ArrayList<>(schemas);
    int schemaId;
    if (existing.isPresent()) {
      schemaId = existing.get().schemaId();
    } else {
      schemaId = schemas.stream().mapToInt(Schema::schemaId).max().orElse(-1) + 1;
      newSchemas.add(schema.withSchemaId(schemaId));
    }
    return successor(previousMetadataFile, nowMillis, lastSequenceNumber, properties, currentSnapshotId,
        snapshots, snapshotLog, newSchemas, schemaId, Math.max(lastColumnId, newLastColumnId));
  }

  /**
   * Makes {@code spec} the default spec, for new data: added to {@code partition-specs} unless a
   * spec of its id is there already (a spec evolved back to an earlier one reuses its id);
   * {@code last-partition-id} never decreases.
   */
  public TableMetadata withDefaultSpec(PartitionSpec spec, long nowMillis, String previousMetadataFile) {
    requireNonNull(spec, "spec");
    ArrayNode specs = (ArrayNode) partitionSpecs.deepCopy();
    boolean known = false;
    for (JsonNode existing : partitionSpecs) {
      known |= existing.path("spec-id").asInt(-1) == spec.specId();
    }
    if (!known) {
      specs.add(spec.toJson());
    }
    TableMetadata next = successor(previousMetadataFile, nowMillis, lastSequenceNumber, properties,
        currentSnapshotId, snapshots, snapshotLog, schemas, currentSchemaId, lastColumnId);
    return new TableMetadata(formatVersion, tableUuid, location, lastSequenceNumber, next.lastUpdatedMillis,
        lastColumnId, schemas, currentSchemaId, specs, spec.specId(), Math.max(lastPartitionId, spec.lastFieldId()),
        sortOrders, defaultSortOrderId, properties, currentSnapshotId, snapshots, snapshotLog, next.metadataLog,
        otherFields);
  }

  /**
   * Drops snapshots (never the current one). The snapshot log keeps only the entries after the
   * last one whose snapshot is gone, as Iceberg does: a log with a gap would answer a read as of
   * a time in the gap with the snapshot before it, a state the table was not in then.
   */
  public TableMetadata withoutSnapshots(java.util.Set<Long> expired, long nowMillis,
      String previousMetadataFile) {
    if (currentSnapshotId != null && expired.contains(currentSnapshotId)) {
      throw new IllegalArgumentException("the current snapshot cannot be expired");
    }
    List<Snapshot> kept = snapshots.stream().filter(s -> !expired.contains(s.snapshotId())).toList();
    java.util.Set<Long> keptIds = new java.util.HashSet<>();
    kept.forEach(s -> keptIds.add(s.snapshotId()));
    int firstKeptEntry = 0;
    for (int i = 0; i < snapshotLog.size(); i++) {
      if (!keptIds.contains(snapshotLog.get(i).snapshotId())) {
        firstKeptEntry = i + 1;
      }
    }
    return successor(previousMetadataFile, nowMillis, lastSequenceNumber, properties, currentSnapshotId,
        kept, snapshotLog.subList(firstKeptEntry, snapshotLog.size()), schemas, currentSchemaId, lastColumnId);
  }

  private TableMetadata successor(String previousMetadataFile, long nowMillis, long sequenceNumber,
      Map<String, String> newProperties, Long newCurrentSnapshotId, List<Snapshot> newSnapshots,
      List<LogEntry> newSnapshotLog, List<Schema> newSchemas, int newCurrentSchemaId, int newLastColumnId) {
    List<MetadataLogEntry> log = new ArrayList<>(metadataLog);
    if (previousMetadataFile != null) {
      log.add(new MetadataLogEntry(lastUpdatedMillis, previousMetadataFile));
    }
    int keep = TableProperties.METADATA_PREVIOUS_VERSIONS_MAX.read(newProperties);
    List<MetadataLogEntry> trimmed = log.size() > keep ? log.subList(log.size() - keep, log.size()) : log;
    return new TableMetadata(formatVersion, tableUuid, location, sequenceNumber,
        Math.max(nowMillis, lastUpdatedMillis), newLastColumnId, newSchemas, newCurrentSchemaId, partitionSpecs,
        defaultSpecId, lastPartitionId, sortOrders, defaultSortOrderId, newProperties,
        newCurrentSnapshotId, newSnapshots, newSnapshotLog, trimmed, otherFields);
  }
}
