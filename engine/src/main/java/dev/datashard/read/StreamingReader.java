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
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads data files as a pipeline of row-group runs: a run is one or more consecutive chosen row
 * groups of one file, whose needed column chunks are fetched into a sparse local file and decoded
 * on their own. While one run is decoded, the next ones are fetched within a read-ahead budget of
 * bytes, and the footers of files further on are read in parallel as the budget allows.
 *
 * <p>Read-ahead starts with the second batch asked for, and until then a run is a single row
 * group: a caller that stops after the first batch (a small limit) fetched one footer and one row
 * group's chunks. Closing the reader cancels every fetch not started and deletes what was fetched.
 */
public final class StreamingReader extends ArrowReader {
  /**
   * Once reading ahead, a run takes consecutive row groups up to this many needed bytes: fewer
   * requests (chunks of consecutive row groups coalesce) and decoders, while a run stays a small
   * part of the default read-ahead. A larger row group is a run of its own.
   */
  static final long RUN_BYTES = 8L << 20;

  private final Storage storage;
  private final String tableLocation;
  private final Set<Integer> fieldIds;
  private final Schema projected;
  private final long batchSize;
  private final long readAheadBytes;
  private final AtomicBoolean cancelled = new AtomicBoolean();

  // The pipeline, in file order, guarded by this: footer callbacks schedule too.
  private final Deque<FileScanTask> unstarted;
  /** Files whose footer is requested (or not needed) and whose rows are not all handed to the decoder. */
  private final Deque<StartedFile> started = new ArrayDeque<>();
  private boolean readingAhead;
  /** Whether the consumer wants the next run without reading ahead: the first one, and whenever it waits. */
  private boolean runWanted = true;

  // The consumer's, unguarded.
  private Run current;
  private ArrowReader decoding;
  /** How the current run's file maps to the projected columns (by field id). */
  private FileProjection projection;
  /** The position in its file of the current batch's first row, and of the next batch's. */
  private long batchFirstRow;
  private long nextRow;

  /**
   * Row groups of one file on their way into a local file.
   *
   * @param firstRow the position in the file of the run's first row: the rows of the row groups before it
   */
  private record Run(FileScanTask task, CompletableFuture<LocalFile> local, long bytes, long firstRow) {
    DataFile file() {
      return task.file();
    }
  }

  /**
   * @param fieldIds the top-level field ids of {@code projected}, whose chunks are fetched
   * @param projected the columns to hand out, in order, with their field ids ({@link FileProjection})
   */
  public StreamingReader(BufferAllocator allocator, Storage storage, String tableLocation, List<FileScanTask> tasks,
      Set<Integer> fieldIds, Schema projected, long batchSize,
      long readAheadBytes) {
    super(allocator);
    this.storage = storage;
    this.tableLocation = tableLocation;
    this.unstarted = new ArrayDeque<>(tasks);
    this.fieldIds = Set.copyOf(fieldIds);
    this.projected = projected;
    this.batchSize = batchSize;
    this.readAheadBytes = readAheadBytes;
    schedule(); // the first file's footer is on its way before the first batch is asked for
  }

  /**
   * A file in the pipeline: its footer on its way, then its chosen row groups not yet in a run,
   * and its runs fetching. Runs of later files may fetch before an earlier file's footer is in;
   * they are decoded in file order.
   */
  private final class StartedFile {
    final FileScanTask task;
    /** Null for a file decoded in place, which needs no footer first. */
    final CompletableFuture<ParquetFooter> footer;
    ParquetFooter known;
    /** The chosen row groups not yet in a run. */
    final Deque<Integer> rowGroups = new ArrayDeque<>();
    long[] rowGroupBytes;
    /** Per row group: the position in the file of its first row. */
    long[] rowGroupFirstRows;
    /** A local file whose every row group is read is decoded in place: one run, nothing fetched. */
    boolean wholeInPlace;
    boolean wholeStarted;
    /** Runs requested and not yet decoding, in order. */
    final Deque<Run> runs = new ArrayDeque<>();

    StartedFile(FileScanTask task, CompletableFuture<ParquetFooter> footer) {
      this.task = task;
      this.footer = footer;
      this.wholeInPlace = footer == null;
    }

    /** Whether the footer is in (it is parsed here, on first sight); false while on its way or failed. */
    boolean footerIn() {
      if (footer == null || known != null) {
        return true;
      }
      if (!footer.isDone() || footer.isCompletedExceptionally()) {
        return false;
      }
      ParquetFooter parsed = footer.join();
      BitSet chosen;
      try {
        chosen = task.rowGroups().apply(parsed);
        rowGroupBytes = new long[parsed.rowGroupCount()];
        rowGroupFirstRows = firstRows(parsed);
        chosen.stream().forEach(g -> rowGroupBytes[g] = SparseParquet.chunkBytes(parsed, fieldIds, g));
      } catch (RuntimeException e) {
        throw cannotRead(task.file(), e);
      }
      chosen.stream().forEach(rowGroups::add);
      wholeInPlace = chosen.cardinality() == parsed.rowGroupCount() && Location.of(task.file().location()).isLocal();
      known = parsed;
      return true;
    }

    private static long[] firstRows(ParquetFooter footer) {
      long[] firstRows = new long[footer.rowGroupCount()];
      long rows = 0;
      for (ParquetFooter.RowGroupStatistics group : footer.rowGroups()) {
        firstRows[group.index()] = rows;
        rows += group.rowCount();
      }
      return firstRows;
    }

    /** Whether every run of this file has been started. */
    boolean allStarted() {
      return wholeInPlace ? wholeStarted : known != null && rowGroups.isEmpty();
    }

    /** Whether every run of this file has gone to the decoder. */
    boolean finished() {
      return footerIn() && allStarted() && runs.isEmpty();
    }

    /** The bytes of this file not yet fetching: its size until its footer is in. */
    long reservedBytes() {
      if (known == null && footer != null || wholeInPlace) {
        return wholeStarted ? 0 : task.file().fileSizeBytes();
      }
      return rowGroups.stream().mapToLong(g -> rowGroupBytes[g]).sum();
    }

    long fetchingBytes() {
      return runs.stream().mapToLong(Run::bytes).sum();
    }

    /** The next run's row groups: the next one, and consecutive ones after it while within {@code maxBytes}. */
    List<Integer> nextRun(long maxBytes) {
      List<Integer> run = new ArrayList<>();
      long bytes = 0;
      for (int group : rowGroups) {
        boolean fits = run.isEmpty()
            || group == run.get(run.size() - 1) + 1 && bytes + rowGroupBytes[group] <= maxBytes;
        if (!fits) {
          break;
        }
        run.add(group);
        bytes += rowGroupBytes[group];
      }
      return run;
    }

    long bytes(List<Integer> run) {
      return run.stream().mapToLong(g -> rowGroupBytes[g]).sum();
    }
  }

  /** Starts what the pipeline may start now: footers of further files, fetches of runs. */
  private synchronized void schedule() {
    if (cancelled.get()) {
      return;
    }
    while (!started.isEmpty() && started.peekFirst().finished()) {
      started.poll();
    }
    for (StartedFile file : started) {
      startRunsInTurn(file);
    }
    while (!unstarted.isEmpty() && mayStartFile(unstarted.peek().file().fileSizeBytes())) {
      startRunsInTurn(start(unstarted.poll()));
    }
  }

  /** Starts the file's runs; a file's failure is raised only when it comes first. */
  private void startRunsInTurn(StartedFile file) {
    try {
      startRuns(file);
    } catch (DataShardException e) {
      if (file == started.peekFirst()) {
        throw e;
      }
      // Thrown again when the file comes first: the rows of the files before it are read first.
    }
  }

  private boolean mayStartFile(long estimatedBytes) {
    if (started.isEmpty() && (readingAhead || runWanted)) {
      return true;
    }
    long reserved = started.stream().mapToLong(StartedFile::reservedBytes).sum();
    return readingAhead && fetchingBytes() + reserved + estimatedBytes <= readAheadBytes;
  }

  /**
   * The first file's next run may start whenever a run is wanted and it has none waiting: the
   * consumer waits for it. Other runs only within the read-ahead budget.
   */
  private boolean mayFetch(StartedFile file, long bytes) {
    if (file == started.peekFirst() && file.runs.isEmpty() && (readingAhead || runWanted)) {
      return true;
    }
    return readingAhead && fetchingBytes() + bytes <= readAheadBytes;
  }

  private long fetchingBytes() {
    return started.stream().mapToLong(StartedFile::fetchingBytes).sum();
  }

  private StartedFile start(FileScanTask task) {
    DataFile file = task.file();
    if (task.readsEveryRowGroup() && Location.of(file.location()).isLocal()) {
      // Decoded in place: the projection reads only the columns' chunks, no footer read needed first.
      StartedFile inPlace = new StartedFile(task, null);
      started.add(inPlace);
      return inPlace;
    }
    CompletableFuture<ParquetFooter> footer = ParquetFooter.read(storage, file.location(), file.fileSizeBytes());
    StartedFile reading = new StartedFile(task, footer);
    started.add(reading);
    footer.whenComplete((parsed, failure) -> schedule());
    return reading;
  }

  /** Starts the file's next runs while it and the budget allow. */
  private void startRuns(StartedFile file) {
    DataFile data = file.task.file();
    while (file.footerIn() && !file.allStarted()) {
      if (file.wholeInPlace) {
        if (!mayFetch(file, data.fileSizeBytes())) {
          return;
        }
        CompletableFuture<LocalFile> local = file.known == null ? storage.fetch(data.location())
            : SparseParquet.fetch(storage,
                SparseParquet.plan(file.known, fieldIds, ParquetFooter.allRowGroups(file.known)), cancelled);
        file.runs.add(new Run(file.task, local, data.fileSizeBytes(), 0));
        file.wholeStarted = true;
        return;
      }
      List<Integer> run = file.nextRun(readingAhead ? RUN_BYTES : 0);
      long bytes = file.bytes(run);
      if (!mayFetch(file, bytes)) {
        return;
      }
      BitSet groups = new BitSet();
      run.forEach(groups::set);
      run.forEach(g -> file.rowGroups.poll());
      long firstRow = file.rowGroupFirstRows[run.get(0)];
      file.runs.add(new Run(file.task, SparseParquet.fetch(storage, SparseParquet.plan(file.known, fieldIds, groups),
          cancelled), bytes, firstRow));
    }
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    if (current != null && !readingAhead) {
      synchronized (this) {
        readingAhead = true; // a second batch is wanted: this scan reads on
        schedule();
      }
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
        throw cannotRead(current.file(), e);
      }
      if (loaded) {
        projection.load(decoding.getVectorSchemaRoot(), getVectorSchemaRoot());
        // A run's batches come in file order, so positions follow on from the run's first row.
        batchFirstRow = nextRow;
        nextRow += getVectorSchemaRoot().getRowCount();
        return true;
      }
      closeCurrent();
    }
  }

  /** Waits for the next run's bytes and opens its decoder; false when no run is left. */
  private boolean openNext() throws IOException {
    while (true) {
      StartedFile first;
      synchronized (this) {
        runWanted = true;
        schedule();
        first = started.peekFirst();
        if (first == null) {
          return false; // schedule() starts a file whenever none is started and one is left
        }
        current = first.runs.poll();
        if (current != null) {
          runWanted = false;
          schedule(); // reading ahead: the budget has room for one more run now
        }
      }
      if (current == null) {
        // The first file's footer is on its way (nothing else keeps its run from starting): wait, then schedule.
        join(first.task.file(), first.footer);
        continue;
      }
      LocalFile local = join(current.file(), current.local());
      try {
        projection = FileProjection.of(ParquetFiles.schemaOf(allocator, local.path()), projected,
            current.file().location());
        decoding = new FileReader(allocator, ParquetFiles.scan(allocator, List.of(local.path()),
            projection.decodeSchema(), Optional.of(projection.decodeColumns()), batchSize), local);
        nextRow = current.firstRow();
      } catch (RuntimeException e) {
        local.close();
        throw cannotRead(current.file(), e);
      }
      return true;
    }
  }

  private <T> T join(DataFile file, CompletableFuture<T> future) {
    try {
      return StorageException.join(future);
    } catch (StorageException e) {
      throw e.kind() == StorageException.Kind.NOT_FOUND
          ? new DataShardException("data file " + file.location() + " of " + tableLocation + " is missing", e)
          : cannotRead(file, e);
    }
  }

  private DataShardException cannotRead(DataFile file, RuntimeException e) {
    return new DataShardException("cannot read data file " + file.location() + " of " + tableLocation + ": "
        + e.getMessage(), e);
  }

  private void closeCurrent() throws IOException {
    if (decoding != null) {
      ArrowReader closing = decoding;
      decoding = null;
      closing.close();
    }
  }

  /** The data file of the batch last loaded, with the delete files that apply to it. */
  FileScanTask currentTask() {
    return current.task();
  }

  /** The position in its data file of the first row of the batch last loaded. */
  long batchFirstRow() {
    return batchFirstRow;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() throws IOException {
    List<Run> abandoned = new ArrayList<>();
    synchronized (this) {
      cancelled.set(true);
      unstarted.clear();
      started.forEach(file -> abandoned.addAll(file.runs));
      started.clear();
    }
    try {
      closeCurrent();
    } finally {
      // Runs still on their way are deleted when they arrive; nothing waits for them here.
      for (Run run : abandoned) {
        run.local().whenComplete((local, failure) -> {
          if (local != null) {
            local.close();
          }
        });
      }
    }
  }

  @Override
  protected Schema readSchema() {
    return projected;
  }

  /** One run's decoder, owning the local file it reads. */
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
