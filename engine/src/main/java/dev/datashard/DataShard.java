package dev.datashard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.datashard.commit.TableCopy;
import dev.datashard.commit.TableOperations;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageConfig;
import dev.datashard.metadata.Json;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.TableProperties;
import dev.datashard.partition.PartitionSpec;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The entry point: tables in one store. No catalog service: a table is its location, and its
 * metadata tree is all there is.
 *
 * <pre>{@code
 * try (DataShard shard = DataShard.fromEnvironment()) {
 *   Table events = shard.createTable("events", schema);
 *   events.appendRecords(List.of(Map.of("user_id", 1L, "event", "login")));
 * }
 * }</pre>
 */
public final class DataShard implements AutoCloseable {
  private final Storage storage;
  private final BufferAllocator allocator;
  private final boolean ownsAllocator;

  private DataShard(Storage storage, BufferAllocator allocator, boolean ownsAllocator) {
    this.storage = requireNonNull(storage, "storage");
    this.allocator = requireNonNull(allocator, "allocator");
    this.ownsAllocator = ownsAllocator;
  }

  /** Tables in the store the {@code DATASHARD_*} environment variables name (local disk by default). */
  public static DataShard fromEnvironment() {
    return open(StorageConfig.fromEnvironment());
  }

  public static DataShard open(StorageConfig config) {
    return new DataShard(config.open(), new RootAllocator(), true);
  }

  /**
   * Tables in a store the caller opened: any {@link Storage}, for example one wrapped to count or
   * trace requests. The {@code DataShard} takes the storage over and closes it on {@link #close()}.
   */
  public static DataShard open(Storage storage) {
    return new DataShard(storage, new RootAllocator(), true);
  }

  /**
   * Tables in {@code config}'s store; Arrow memory of writes and scans comes from {@code allocator},
   * which the caller keeps owning.
   */
  /** Over a storage the caller built (which this DataShard closes), allocating from the caller's allocator. */
  public static DataShard open(Storage storage, BufferAllocator allocator) {
    return new DataShard(storage, allocator, false);
  }

  public static DataShard open(StorageConfig config, BufferAllocator allocator) {
    return new DataShard(config.open(), allocator, false);
  }

  public Storage storage() {
    return storage;
  }

  public BufferAllocator allocator() {
    return allocator;
  }

  public Table createTable(String name, Schema schema) {
    return createTable(name, schema, Map.of());
  }

  /**
   * Creates an empty unpartitioned table; {@link TableExistsException} when one exists there. The
   * properties are checked as {@link Table#setProperties} checks them.
   */
  public Table createTable(String name, Schema schema, Map<String, String> properties) {
    return createTable(name, schema, PartitionSpec.unpartitioned(schema), properties);
  }

  /**
   * Creates an empty table partitioned by {@code partitionBy}, spec text such as
   * {@code "day(ts), bucket(16, user_id)"} ({@link PartitionSpec#parse}; empty for unpartitioned).
   */
  public Table createTable(String name, Schema schema, String partitionBy, Map<String, String> properties) {
    requireNonNull(schema, "schema");
    requireNonNull(partitionBy, "partitionBy");
    return createTable(name, schema, PartitionSpec.parse(schema, 0, partitionBy), properties);
  }

  /**
   * Creates an empty table partitioned by {@code spec}, which must be spec 0 of {@code schema}; its
   * field ids become the metadata's {@code last-partition-id}. {@link TableExistsException} when a
   * table exists there.
   */
  public Table createTable(String name, Schema schema, PartitionSpec spec, Map<String, String> properties) {
    requireNonNull(schema, "schema");
    requireNonNull(spec, "spec");
    if (spec.specId() != 0) {
      throw new ValidationException("a new table's partition spec has id 0, not " + spec.specId());
    }
    if (!spec.schema().sameStructure(schema)) {
      throw new ValidationException("the partition spec was built for another schema than the table's");
    }
    Map<String, String> checked = TableProperties.change(Map.of(), properties, java.util.Set.of());
    String location = storage.tableLocation(name);
    TableOperations ops = new TableOperations(storage, location);
    JsonNode specs = JsonNodeFactory.instance.arrayNode().add(spec.toJson());
    JsonNode orders = Json.parse("[{\"order-id\": 0, \"fields\": []}]", "sort orders");
    TableMetadata metadata = new TableMetadata(2, UUID.randomUUID().toString(), location, 0,
        System.currentTimeMillis(), schema.highestFieldId(), List.of(schema), schema.schemaId(),
        specs, 0, spec.lastFieldId(), orders, 0, checked, null, List.of(), List.of(), List.of(), Map.of());
    if (!ops.create(metadata)) {
      throw new TableExistsException(location);
    }
    return new Table(name, ops, allocator);
  }

  /** Loads the newest version of a table; {@link NoSuchTableException} when there is none. */
  public Table loadTable(String name) {
    TableOperations ops = new TableOperations(storage, storage.tableLocation(name));
    ops.refresh();
    return new Table(name, ops, allocator);
  }

  public boolean tableExists(String name) {
    return new TableOperations(storage, storage.tableLocation(name)).exists();
  }

  /**
   * Deletes a table with all its data and metadata; false when there was none. Its version files
   * stay behind retired (empty): a writer still holding the table then fails instead of publishing
   * into a table created later at the same location.
   */
  public boolean dropTable(String name) {
    TableOperations ops = new TableOperations(storage, storage.tableLocation(name));
    if (!ops.exists()) {
      return false;
    }
    ops.drop();
    return true;
  }

  /**
   * Copies a table, with all its snapshots, to {@code targetName} in {@code target} (this store
   * or another: local disk to S3 and back). The copy appears only once complete.
   */
  public TableCopy.Result copyTable(String sourceName, DataShard target, String targetName) {
    TableOperations source = new TableOperations(storage, storage.tableLocation(sourceName));
    return TableCopy.copy(source, new TableOperations(target.storage, target.storage.tableLocation(targetName)),
        allocator);
  }

  @Override
  public void close() {
    storage.close();
    if (ownsAllocator) {
      allocator.close();
    }
  }
}
