package dev.datashard;

import dev.datashard.commit.AppendCommit;
import dev.datashard.commit.DataFileWriter;
import dev.datashard.commit.ExistingFiles;
import dev.datashard.commit.PendingFile;
import dev.datashard.arrow.RecordBatches;
import dev.datashard.io.parquet.SingleBatchReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private final List<PendingFile> files = new ArrayList<>();
  private DataFileWriter writer;
  private boolean finished;
  private AppendCommit commit;

  Transaction(Table table) {
    this.table = table;
    this.schema = table.schema();
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
      writer = new DataFileWriter(table.allocator(), table.operations().storage(), table.location(), schema,
          table.properties());
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

  /** Publishes every append as one snapshot; empty when nothing was appended. */
  public Optional<Snapshot> commit() {
    checkOpen();
    if (writer != null) {
      files.addAll(writer.finish());
    }
    finished = true;
    if (files.isEmpty()) {
      return Optional.empty();
    }
    commit = new AppendCommit(table.operations(), schema, files);
    return Optional.of(commit.commit());
  }

  /**
   * How many times {@link #commit()} tried to publish: 1 when it won at once, one more for each
   * race lost to another writer (0 before a commit, or when there was nothing to commit). Counts
   * the attempts made so far when the commit failed.
   */
  public int commitAttempts() {
    return commit == null ? 0 : commit.attempts();
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

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("this transaction is already committed or closed");
    }
  }
}
