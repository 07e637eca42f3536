package dev.datashard;

import static java.util.Objects.requireNonNull;

import dev.datashard.change.RowDeletePlan;
import dev.datashard.change.RowDeletes;
import dev.datashard.commit.AppendCommit;
import dev.datashard.commit.DataFileWriter;
import dev.datashard.commit.ExistingFiles;
import dev.datashard.commit.FileChangeCommit;
import dev.datashard.commit.PendingFile;
import dev.datashard.commit.SnapshotProducer;
import dev.datashard.commit.TableOperations;
import dev.datashard.expressions.Filters;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.arrow.RecordBatches;
import dev.datashard.io.parquet.SingleBatchReader;
import dev.datashard.partition.PartitionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Appends that become visible together, as one snapshot, at {@link #commit()}. Appends stream
 * their rows into data files as they come, all appends of a transaction into the same files, each
 * closed once it reaches the table's {@code write.target-file-size-bytes} (so many small appends
 * make one file, and one huge append several); closing without committing deletes them again
 * (nothing was ever visible). An append refused before any of its rows were written (a batch that
 * does not fit the schema) leaves the transaction usable; one that fails part-way through its
 * batches leaves it unable to commit. Not thread-safe.
 *
 * <p>Exactly once: with an {@link #idempotencyKey}, retrying the same append after a crash or an
 * {@link AmbiguousCommitException} can never add its rows twice.
 *
 * <p>Overwrite: with {@link #deleteWhere}, the rows the filter matches when the transaction
 * commits are deleted in the same snapshot that adds the appended rows (re-ingesting a day is
 * then idempotent). Files every row of which matches are removed in metadata; files where only
 * some rows match are rewritten without them or get a position-delete file, as the table's
 * {@code write.delete.mode} says ({@code copy-on-write}, the default, or {@code merge-on-read}).
 *
 * <pre>{@code
 * try (Transaction tx = table.newTransaction()) {
 *   tx.append(batch1);
 *   tx.appendRecords(records);
 *   tx.commit();
 * }
 * }</pre>
 */
public final class Transaction implements AutoCloseable {
  private final Table table;
  private final Schema schema;
  private final PartitionSpec spec;
  private final List<PendingFile> files = new ArrayList<>();
  private DataFileWriter writer;
  private boolean finished;
  private String idempotencyKey;
  private Expression deleteFilter;
  private OptionalLong earlierCommit = OptionalLong.empty();
  private SnapshotProducer producer;

  Transaction(Table table) {
    this.table = table;
    this.schema = table.schema();
    try {
      this.spec = table.partitionSpec();
    } catch (IllegalArgumentException e) {
      throw new DataShardException("DataShard cannot write table " + table.location() + ": its partition spec: "
          + e.getMessage(), e);
    }
  }

  /** The table's schema, which every appended row must match. */
  public Schema schema() {
    return schema;
  }

  public Transaction append(VectorSchemaRoot batch) {
    try (ArrowReader reader = new SingleBatchReader(table.allocator(), batch)) {
      return append(reader);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Streams every batch of {@code batches} into the transaction's data files; the caller keeps owning the reader. */
  public Transaction append(ArrowReader batches) {
    checkOpen();
    if (writer == null) {
      TableOperations ops = table.operations();
      writer = new DataFileWriter(table.allocator(), ops.storage(), ops.newDataLocation(), spec, table.properties());
    }
    writer.write(batches);
    return this;
  }

  /**
   * Adds existing Parquet files (absolute locations in the table's store) as they are, without
   * rewriting them: each is read once to check its columns against the schema (by name) and to
   * collect its statistics. The table references them from then on; snapshot expiry may delete
   * them once no snapshot does.
   */
  public Transaction addFiles(List<String> locations) {
    checkOpen();
    if (spec.isPartitioned()) {
      throw new ValidationException("table " + table.location() + " is partitioned; adding existing files to a "
          + "partitioned table is not supported yet (their partition tuples are unknown): append their rows instead");
    }
    for (String location : locations) {
      PendingFile file = ExistingFiles.describe(table.allocator(), table.operations().storage(), schema, location);
      if (files.stream().anyMatch(f -> f.file().location().equals(file.file().location()))) {
        throw new ValidationException(location + " is added twice; its rows would count twice");
      }
      files.add(file);
    }
    return this;
  }

  public Transaction appendRecords(List<? extends Map<String, ?>> records) {
    checkOpen();
    if (records.isEmpty()) {
      return this;
    }
    try (VectorSchemaRoot batch = RecordBatches.fromRecords(table.allocator(), schema, records)) {
      return append(batch);
    }
  }

  /**
   * Makes the commit conditional on {@code key}: the key is committed atomically with the rows
   * (in the snapshot's summary), and {@link #commit()} publishes nothing when the table already
   * holds it, because an earlier try of this append landed. Use one key per batch of input (a
   * file name and offset, a job run id): the same key on different rows drops the later rows. A
   * key stays known while its snapshot is in the current snapshot's history, and for
   * {@code datashard.idempotency.retention-hours} (default 168) after expiry removes the snapshot.
   */
  public Transaction idempotencyKey(String key) {
    checkOpen();
    requireNonNull(key, "key");
    if (deleteFilter != null) {
      throw overwriteWithKey();
    }
    if (key.isBlank()) {
      throw new ValidationException("an idempotency key must not be blank");
    }
    this.idempotencyKey = key;
    return this;
  }

  /**
   * Deletes the rows matching {@code filter} in the snapshot this transaction commits (combined
   * by AND with an earlier call). Rows that concurrent writers append before the commit are kept.
   */
  public Transaction deleteWhere(Expression filter) {
    checkOpen();
    requireNonNull(filter, "filter");
    if (idempotencyKey != null) {
      throw overwriteWithKey();
    }
    Filters.bind(filter, schema); // unknown columns and bad literals are refused now
    deleteFilter = deleteFilter == null ? filter : Expression.and(deleteFilter, filter);
    return this;
  }

  /**
   * Publishes every append (and the deletes of {@link #deleteWhere}) as one snapshot; empty when
   * nothing changes, or when the table already holds this transaction's idempotency key
   * ({@link #earlierCommit()} tells which).
   */
  public Optional<Snapshot> commit() {
    checkOpen();
    if (deleteFilter != null) {
      return commitOverwrite();
    }
    if (writer != null) {
      files.addAll(writer.finish());
    }
    finished = true;
    if (files.isEmpty()) {
      return Optional.empty();
    }
    AppendCommit append = new AppendCommit(table.operations(), spec, files, idempotencyKey);
    producer = append;
    Optional<Snapshot> committed = append.commit();
    earlierCommit = append.earlierCommit().map(c -> OptionalLong.of(c.snapshotId())).orElse(OptionalLong.empty());
    return committed;
  }

  private Optional<Snapshot> commitOverwrite() {
    TableOperations ops = table.operations();
    TableMetadata metadata = ops.refresh().metadata();
    RowDeletePlan plan = RowDeletePlan.plan(metadata, ops, deleteFilter, table.allocator());
    if (writer == null) {
      writer = new DataFileWriter(table.allocator(), ops.storage(), ops.newDataLocation(), spec, table.properties());
    }
    RowDeletes deletes = RowDeletes.write(plan, metadata, writer, ops, table.allocator());
    files.addAll(writer.finish());
    finished = true;
    if (files.isEmpty() && deletes.isEmpty()) {
      return Optional.empty();
    }
    // As Iceberg names them: only rows removed is a delete; rows added too (rewritten or new) an overwrite.
    FileChangeCommit.Operation operation = files.isEmpty()
        ? FileChangeCommit.Operation.DELETE : FileChangeCommit.Operation.OVERWRITE;
    FileChangeCommit change = new FileChangeCommit(ops, operation, deletes.changes(files), plan.snapshotId(), spec,
        false);
    producer = change;
    return change.commit();
  }

  /**
   * When {@link #commit()} published nothing because the table held the idempotency key: the
   * snapshot id of the earlier commit that recorded it (the snapshot may have expired since).
   */
  public OptionalLong earlierCommit() {
    return earlierCommit;
  }

  /**
   * How many times {@link #commit()} tried to publish: 1 when it won at once, one more for each
   * race lost to another writer (0 before a commit, or when there was nothing to commit). Counts
   * the attempts made so far when the commit failed.
   */
  public int commitAttempts() {
    return producer == null ? 0 : producer.attempts();
  }

  /** Abandons an uncommitted transaction, deleting the files it wrote. */
  @Override
  public void close() {
    if (!finished) {
      finished = true;
      if (writer != null) {
        writer.close();
      }
      files.forEach(file -> file.discard(table.operations().storage()));
    }
  }

  private static ValidationException overwriteWithKey() {
    return new ValidationException("an idempotency key applies to appends only, not to an overwrite"
        + " (which is idempotent by itself)");
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("this transaction is already committed or closed");
    }
  }
}
