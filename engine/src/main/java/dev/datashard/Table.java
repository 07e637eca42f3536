package dev.datashard;

import static java.util.Objects.requireNonNull;

import dev.datashard.commit.FileChangeCommit;
import dev.datashard.commit.IdempotencyKeys;
import dev.datashard.commit.MetadataCommit;
import dev.datashard.commit.OrphanFiles;
import dev.datashard.commit.SnapshotExpiry;
import dev.datashard.commit.TableOperations;
import dev.datashard.evolution.SpecEvolution;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.TableProperties;
import dev.datashard.partition.PartitionSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * A table: appends become snapshots, scans read any snapshot as Arrow batches. A {@code Table}
 * caches the newest metadata it saw; {@link #refresh()} looks for newer versions. Thread-safe:
 * several threads may append through one instance.
 */
public final class Table {
  private final String name;
  private final TableOperations ops;
  private final BufferAllocator allocator;

  Table(String name, TableOperations ops, BufferAllocator allocator) {
    this.name = name;
    this.ops = ops;
    this.allocator = allocator;
  }

  public String name() {
    return name;
  }

  /** Absolute location ({@code file:///...} or {@code s3://...}). */
  public String location() {
    return ops.location();
  }

  /** The metadata file of the version this instance knows. */
  public String metadataFile() {
    return ops.current().file();
  }

  TableOperations operations() {
    return ops;
  }

  BufferAllocator allocator() {
    return allocator;
  }

  /** The partition spec of new data (unpartitioned: no fields). */
  public PartitionSpec partitionSpec() {
    return metadata().defaultSpec();
  }

  TableMetadata metadata() {
    return ops.current().metadata();
  }

  public Schema schema() {
    return metadata().schema();
  }

  /** Every schema the table has had (its metadata keeps them all), in the order they were added. */
  public List<Schema> schemas() {
    return metadata().schemas();
  }

  public Map<String, String> properties() {
    return metadata().properties();
  }

  /** Loads the newest version from the store. */
  public Table refresh() {
    ops.refresh();
    return this;
  }

  public Optional<Snapshot> currentSnapshot() {
    return metadata().currentSnapshot();
  }

  /** Every snapshot the metadata still holds, oldest first. */
  public List<Snapshot> snapshots() {
    return metadata().snapshots();
  }

  public Optional<Snapshot> snapshot(long snapshotId) {
    return metadata().snapshot(snapshotId);
  }

  /**
   * The snapshot that was current at {@code timestampMillis}, from the snapshot log; empty when
   * the log begins later (expiry cuts it) or that snapshot is gone.
   */
  public Optional<Snapshot> snapshotAsOf(long timestampMillis) {
    return metadata().snapshotLogEntryAsOf(timestampMillis).flatMap(entry -> snapshot(entry.snapshotId()));
  }

  /** Appends one Arrow batch as a new snapshot; empty (and no snapshot) when it has no rows. */
  public Optional<Snapshot> append(VectorSchemaRoot batch) {
    try (Transaction tx = newTransaction()) {
      tx.append(batch);
      return tx.commit();
    }
  }

  /** Appends every batch of {@code batches} (the caller keeps owning the reader) as one snapshot. */
  public Optional<Snapshot> append(ArrowReader batches) {
    try (Transaction tx = newTransaction()) {
      tx.append(batches);
      return tx.commit();
    }
  }

  /**
   * Appends records (column name to value) as one snapshot. Values are checked against the
   * schema and never silently converted: a fractional number for a long column is an error.
   */
  public Optional<Snapshot> appendRecords(List<? extends Map<String, ?>> records) {
    try (Transaction tx = newTransaction()) {
      tx.appendRecords(records);
      return tx.commit();
    }
  }

  /** Several appends committed as one snapshot, or none. */
  public Transaction newTransaction() {
    return new Transaction(this);
  }

  /**
   * The snapshot id of the commit that recorded {@code idempotencyKey} ({@link
   * Transaction#idempotencyKey}), when this table, as last loaded, holds the key.
   */
  public OptionalLong idempotencyKeyCommit(String idempotencyKey) {
    return IdempotencyKeys.find(metadata(), idempotencyKey).map(c -> OptionalLong.of(c.snapshotId()))
        .orElse(OptionalLong.empty());
  }

  /** Changes to the schema, committed together as one new schema: {@code updateSchema()...commit()}. */
  public UpdateSchema updateSchema() {
    return new UpdateSchema(this);
  }

  /** Deletes rows matching a filter ({@link RowDelete}). */
  public RowDelete newDelete() {
    return new RowDelete(this);
  }

  /**
   * A transaction that deletes the rows matching {@code filter} and adds the rows appended to it,
   * in one {@code overwrite} snapshot: re-ingesting a day is idempotent.
   */
  public Transaction newOverwrite(Expression filter) {
    Transaction transaction = newTransaction();
    try {
      return transaction.deleteWhere(filter);
    } catch (RuntimeException e) {
      transaction.close();
      throw e;
    }
  }

  /** Compacts small files ({@link Compaction}). */
  public Compaction rewriteDataFiles() {
    return new Compaction(this);
  }

  /**
   * Partitions new data by the spec {@code text} describes ({@code "month(ts), region"}; empty for
   * unpartitioned), as Iceberg's partition evolution: data already written keeps its spec, and
   * scans prune each manifest by its own. Fields of earlier specs keep their ids, a spec equal to an
   * earlier one keeps its id; committed with the optimistic retry of every metadata change, the
   * text applied again to the newest version after a lost race. A bad spec (unknown column,
   * transform invalid for the type, duplicate names) is a {@link ValidationException} and changes
   * nothing. Returns the new default spec.
   */
  public PartitionSpec updateSpec(String text) {
    requireNonNull(text, "text");
    PartitionSpec wanted = SpecEvolution.evolve(metadata(), text); // refuses bad text before any commit
    if (wanted.specId() == metadata().defaultSpecId()) {
      return partitionSpec();
    }
    MetadataCommit.commit(ops, "partition spec update", base -> {
      PartitionSpec spec = SpecEvolution.evolve(base.metadata(), text);
      return base.metadata().withDefaultSpec(spec, System.currentTimeMillis(), base.file());
    });
    return partitionSpec();
  }

  public Scan newScan() {
    return new Scan(this);
  }

  /**
   * Removes whole data files (by location, as {@code newScan().files()} lists them) in a new
   * {@code delete} snapshot. Older snapshots still read them until they are expired.
   */
  public Snapshot deleteFiles(java.util.Collection<String> locations) {
    return FileChangeCommit.deleteFiles(ops, java.util.Set.copyOf(locations));
  }

  /**
   * Makes an older snapshot current again, in a new metadata version: no data is copied, and the
   * snapshot log keeps the history, so a time-travel read as of a time before the rollback still
   * sees the newer data.
   */
  public Snapshot rollback(long snapshotId) {
    MetadataCommit.commit(ops, "rollback to snapshot " + snapshotId, base -> {
      try {
        return base.metadata().withCurrentSnapshot(snapshotId, System.currentTimeMillis(), base.file());
      } catch (IllegalArgumentException e) {
        throw new DataShardException(e.getMessage(), e);
      }
    });
    return currentSnapshot().orElseThrow();
  }

  /**
   * Removes snapshots committed before {@code olderThanMillis}, except the current snapshot and
   * its {@code retainLast - 1} most recent ancestors, and deletes the files only they referenced.
   */
  public SnapshotExpiry.Result expireSnapshots(long olderThanMillis, int retainLast) {
    return SnapshotExpiry.expire(ops, olderThanMillis, retainLast);
  }

  /** Snapshot expiry with Iceberg's defaults: older than 5 days, keeping the current snapshot. */
  public SnapshotExpiry.Result expireSnapshots() {
    return expireSnapshots(System.currentTimeMillis() - java.time.Duration.ofDays(5).toMillis(), 1);
  }

  /**
   * Deletes (or with {@code dryRun} only lists) files under the table that no metadata
   * references and that were last modified before {@code olderThanMillis}. Keep the grace period
   * longer than any commit takes (default 3 days) so in-flight writers are never harmed.
   */
  public List<String> removeOrphanFiles(long olderThanMillis, boolean dryRun) {
    return OrphanFiles.remove(ops, olderThanMillis, dryRun);
  }

  /**
   * Sets table properties (Iceberg's names, e.g. {@code commit.retry.num-retries}) in a new
   * version. Values of the properties DataShard interprets ({@link TableProperties}) are checked
   * first: a {@link ValidationException} names the key, the value and the rule, and the table is
   * unchanged. Other keys are stored as given.
   */
  public Table setProperties(Map<String, String> updates) {
    return changeProperties("setting table properties", updates, java.util.Set.of());
  }

  /** Removes table properties; refused only when the defaults left would contradict a set value. */
  public Table removeProperties(java.util.Set<String> keys) {
    return changeProperties("removing table properties", Map.of(), keys);
  }

  private Table changeProperties(String what, Map<String, String> updates, java.util.Set<String> removals) {
    MetadataCommit.commit(ops, what, base -> base.metadata().withProperties(
        TableProperties.change(base.metadata().properties(), updates, removals), System.currentTimeMillis(),
        base.file()));
    return this;
  }

  /** Rows in the current snapshot, from metadata only. */
  public long rowCount() {
    return newScan().rowCount();
  }

  @Override
  public String toString() {
    return "Table[" + location() + "]";
  }
}
