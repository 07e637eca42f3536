package dev.datashard.read;

import dev.datashard.DataShardException;
import dev.datashard.io.LocalFile;
import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.io.parquet.ParquetFiles;
import dev.datashard.io.parquet.ParquetFooter;
import dev.datashard.io.parquet.SparseParquet;
import dev.datashard.metadata.DataFile;
import dev.datashard.plan.FileScanTask;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads data files as a pipeline: while one file is decoded, the next ones' footers and needed
 * byte ranges are fetched, up to a read-ahead budget of bytes. A file's batches come out as soon
 * as its own bytes are in, not after the last file's. Read-ahead starts with the second batch
 * asked for, so a caller that stops after the first (a small limit) fetched one file only;
 * closing the reader cancels every fetch not started and deletes what was fetched.
 */
public final class StreamingReader extends ArrowReader {
  private final Storage storage;
  private final Deque<FileScanTask> waiting;
  private final Set<Integer> fieldIds;
  private final Schema decodeSchema;
  private final Schema projected;
  private final List<String> columns;
  private final long batchSize;
  private final long readAheadBytes;
  private final String tableLocation;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final Deque<Fetch> fetching = new ArrayDeque<>();
  private Fetch current;
  private ArrowReader decoding;
  private boolean readingAhead;

  /** A file on its way: its footer, then the needed ranges in a local file (empty: nothing to read). */
  private record Fetch(FileScanTask task, CompletableFuture<Optional<LocalFile>> local, long estimatedBytes) {}

  /**
   * @param fieldIds the top-level field ids of {@code columns}, whose chunks are fetched
   * @param decodeSchema the schema to decode files with (columns a file lacks read as nulls)
   * @param columns the columns to hand out, in order; {@code projected} is their Arrow schema
   */
  public StreamingReader(BufferAllocator allocator, Storage storage, String tableLocation, List<FileScanTask> tasks,
      Set<Integer> fieldIds, Schema decodeSchema, Schema projected, List<String> columns, long batchSize,
      long readAheadBytes) {
    super(allocator);
    this.storage = storage;
    this.tableLocation = tableLocation;
    this.waiting = new ArrayDeque<>(tasks);
    this.fieldIds = Set.copyOf(fieldIds);
    this.decodeSchema = decodeSchema;
    this.projected = projected;
    this.columns = List.copyOf(columns);
    this.batchSize = batchSize;
    this.readAheadBytes = readAheadBytes;
    startFetches();
  }

  /** Starts the next file's fetch, and, once reading ahead, more within the budget. */

  private void startFetches() {
    long inFlight = fetching.stream().mapToLong(Fetch::estimatedBytes).sum();
    while (!waiting.isEmpty() && (fetching.isEmpty()
        || readingAhead && inFlight + waiting.peek().file().fileSizeBytes() <= readAheadBytes)) {
      FileScanTask task = waiting.poll();
      inFlight += task.file().fileSizeBytes();
      fetching.add(new Fetch(task, fetch(task), task.file().fileSizeBytes()));
    }
  }

  private CompletableFuture<Optional<LocalFile>> fetch(FileScanTask task) {
    DataFile file = task.file();
    if (task.readsEveryRowGroup() && Location.of(file.location()).isLocal()) {
      // Decoded in place: the projection reads only the columns' chunks, no footer read needed first.
      return storage.fetch(file.location()).thenApply(Optional::of);
    }
    return ParquetFooter.read(storage, file.location(), file.fileSizeBytes()).thenCompose(footer -> {
      BitSet groups = task.rowGroups().apply(footer);
      if (groups.isEmpty() || cancelled.get()) {
        return CompletableFuture.completedFuture(Optional.<LocalFile>empty());
      }
      return SparseParquet.fetch(storage, SparseParquet.plan(footer, fieldIds, groups), cancelled).thenApply(Optional::of);
    });
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    if (current != null && !readingAhead) {
      readingAhead = true; // a second batch is wanted: this scan reads on
      startFetches();
    }
    while (true) {
      if (decoding == null && !openNext()) {
        getVectorSchemaRoot().setRowCount(0);
        return false;
      }
      boolean loaded;
      try {
        loaded = decoding.loadNextBatch();
      } catch (RuntimeException e) {
        throw new DataShardException("cannot read data file " + current.task().file().location() + " of " + tableLocation
            + ": " + e.getMessage(), e);
      }
      if (loaded) {
        VectorSchemaRoot in = decoding.getVectorSchemaRoot();
        VectorSchemaRoot out = getVectorSchemaRoot();
        for (int i = 0; i < out.getFieldVectors().size(); i++) {
          in.getVector(i).makeTransferPair(out.getVector(i)).transfer();
        }
        out.setRowCount(in.getRowCount());
        return true;
      }
      closeCurrent();
    }
  }

  /** Waits for the next file's bytes and opens its decoder; false when no file is left. */
  private boolean openNext() throws IOException {
    while (!fetching.isEmpty() || !waiting.isEmpty()) {
      if (fetching.isEmpty()) {
        startFetches();
      }
      current = fetching.poll();
      if (readingAhead) {
        startFetches();
      }
      Optional<LocalFile> local;
      try {
        local = StorageException.join(current.local());
      } catch (StorageException e) {
        throw e.kind() == StorageException.Kind.NOT_FOUND ? new DataShardException("data file "
            + current.task().file().location() + " of " + tableLocation + " is missing", e)
            : new DataShardException("cannot read data file " + current.task().file().location() + " of " + tableLocation
                + ": " + e.getMessage(), e);
      }
      if (local.isEmpty()) {
        continue; // no row group of this file can match
      }
      try {
        decoding = new FileReader(allocator, ParquetFiles.scan(allocator, List.of(local.get().path()), decodeSchema,
            Optional.of(columns), batchSize), local.get());
      } catch (RuntimeException e) {
        local.get().close();
        throw new DataShardException("cannot read data file " + current.task().file().location() + " of " + tableLocation
            + ": " + e.getMessage(), e);
      }
      return true;
    }
    return false;
  }

  private void closeCurrent() throws IOException {
    if (decoding != null) {
      ArrowReader closing = decoding;
      decoding = null;
      closing.close();
    }
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() throws IOException {
    cancelled.set(true);
    waiting.clear();
    try {
      closeCurrent();
    } finally {
      // Files still on their way are deleted when they arrive; nothing waits for them here.
      for (Fetch fetch : fetching) {
        fetch.local().whenComplete((local, failure) -> {
          if (local != null) {
            local.ifPresent(LocalFile::close);
          }
        });
      }
      fetching.clear();
    }
  }

  @Override
  protected Schema readSchema() {
    return projected;
  }

  /** One file's decoder, owning the local file it reads. */
  private static final class FileReader extends dev.datashard.io.parquet.ForwardingReader {
    private final LocalFile file;

    FileReader(BufferAllocator allocator, ArrowReader delegate, LocalFile file) {
      super(allocator, delegate);
      this.file = file;
    }

    @Override
    protected void closeOwned() {
      file.close();
    }
  }
}
