package dev.datashard.commit;

import dev.datashard.DataShardException;
import dev.datashard.Schema;
import dev.datashard.ValidationException;
import dev.datashard.arrow.AppendReader;
import dev.datashard.arrow.ColumnStatistics;
import dev.datashard.io.Storage;
import dev.datashard.io.parquet.ArrowParquetWriter;
import dev.datashard.io.parquet.ParquetWriteOptions;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.WriteProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Streams the Arrow batches of one or more appends into data files of about the table's target
 * size ({@code write.target-file-size-bytes}): batches are validated ({@link AppendReader}) and
 * written to the open file through {@link ArrowParquetWriter} with the table's Parquet properties,
 * which also counts the manifest's column statistics, slice by slice; once the open file reaches
 * the target it is finished and moved (or uploaded) to {@code TABLE/data/} in the background while
 * the next one fills. Memory: about one row group of the open file, whatever the input's size.
 *
 * <p>An append whose input is refused before any of its rows were written leaves the writer as it
 * was; one that fails after writing some rows breaks it, and a broken writer refuses to finish.
 * Not thread-safe.
 */
public final class DataFileWriter implements AutoCloseable {
  /** Rows written between two checks of the open file's size. */
  private static final int SLICE_ROWS = 8192;

  private final BufferAllocator allocator;
  private final Storage storage;
  private final String tableLocation;
  private final Schema schema;
  private final ParquetWriteOptions options;
  private final long targetFileSize;
  private final List<PendingFile> finished = new ArrayList<>();
  private OpenFile open;
  private RuntimeException broken;
  private boolean closed;

  public DataFileWriter(BufferAllocator allocator, Storage storage, String tableLocation, Schema schema,
      Map<String, String> properties) {
    this.allocator = allocator;
    this.storage = storage;
    this.tableLocation = tableLocation;
    this.schema = schema;
    this.options = WriteProperties.parquetOptions(properties);
    this.targetFileSize = WriteProperties.targetFileSizeBytes(properties);
  }

  /** One file being written: its staging directory, Parquet writer and statistics. */
  private final class OpenFile {
    final String location = tableLocation + "/data/" + UUID.randomUUID() + ".parquet";
    final Path staging = storage.stagingDirectory(location);
    final ArrowParquetWriter writer;

    OpenFile(org.apache.arrow.vector.types.pojo.Schema arrowSchema) {
      ArrowParquetWriter created;
      try {
        created = ArrowParquetWriter.create(staging.resolve("part-0.parquet"), arrowSchema, options);
      } catch (RuntimeException e) {
        deleteTree(staging);
        throw e;
      }
      writer = created;
    }

    void abandon() {
      writer.abort();
      deleteTree(staging);
    }
  }

  /**
   * Writes every batch of {@code batches} (the caller keeps owning the reader).
   *
   * @throws ValidationException for batches that do not fit the table (nothing of this append is
   *     kept; the writer is broken if earlier batches of the same call were written)
   */
  public void write(ArrowReader batches) {
    checkUsable();
    long before = rowsWritten();
    boolean started = false;
    try (AppendReader reader = new AppendReader(allocator, schema, batches, false)) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.getVectorSchemaRoot();
        int rows = batch.getRowCount();
        for (int from = 0; from < rows; from += SLICE_ROWS) {
          int to = Math.min(rows, from + SLICE_ROWS);
          if (open == null) {
            open = new OpenFile(reader.arrowSchema());
          }
          started = true;
          open.writer.write(batch, from, to);
          if (open.writer.estimatedLength() >= targetFileSize) {
            finishOpenFile();
          }
        }
      }
    } catch (ValidationException e) {
      throw breakIfStarted(started, before, e);
    } catch (IllegalArgumentException e) {
      // The Parquet writer found what validation cannot see up front (a null in a required nested field).
      throw breakIfStarted(started, before, new ValidationException(e.getMessage(), e));
    } catch (IOException | UncheckedIOException e) {
      throw breakIfStarted(started, before, new DataShardException("writing Parquet data failed: " + e.getMessage(), e));
    } catch (RuntimeException e) {
      throw breakIfStarted(started, before, e);
    }
  }

  private RuntimeException breakIfStarted(boolean started, long before, RuntimeException failure) {
    if (started || rowsWritten() != before) {
      broken = failure;
    }
    return failure;
  }

  private long rowsWritten() {
    long rows = open == null ? 0 : open.writer.rowCount();
    for (PendingFile file : finished) {
      rows += file.file().recordCount();
    }
    return rows;
  }

  /** Finishes the open file and starts its move or upload. */
  private void finishOpenFile() {
    OpenFile file = open;
    open = null;
    if (file.writer.rowCount() == 0) {
      file.abandon();
      return;
    }
    long size;
    try {
      size = file.writer.finish();
    } catch (RuntimeException e) {
      file.abandon();
      throw e;
    }
    // Counted by the writer as the values went by: nothing is read twice.
    ColumnStatistics stats = ColumnStatistics.fromSummaries(schema, file.writer.rowCount(), file.writer::summary);
    DataFile dataFile = new DataFile(file.location, "PARQUET", stats.rowCount(), size, Map.of(),
        stats.valueCounts(), stats.nullCounts(), stats.nanCounts(), stats.lowerBounds(), stats.upperBounds());
    // The staging directory belongs to the store from here on.
    finished.add(new PendingFile(dataFile, storage.putFile(file.writer.file(), file.location), true));
  }

  /**
   * Finishes the open file and returns every file written, in order (their moves or uploads may
   * still be running); empty when no rows were written. The writer is done afterwards.
   */
  public List<PendingFile> finish() {
    checkUsable();
    try {
      if (open != null) {
        finishOpenFile();
      }
    } catch (RuntimeException e) {
      broken = e;
      throw e;
    }
    closed = true;
    return List.copyOf(finished);
  }

  private void checkUsable() {
    if (broken != null) {
      throw new IllegalStateException("an earlier append failed after writing part of its rows ("
          + broken.getMessage() + "); nothing of this transaction can be committed", broken);
    }
    if (closed) {
      throw new IllegalStateException("this data file writer is finished or closed");
    }
  }

  /** Abandons everything not yet handed over by {@link #finish()}: deletes the files written. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (open != null) {
      open.abandon();
      open = null;
    }
    finished.forEach(file -> file.discard(storage));
  }

  static void deleteTree(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover staging directory holds no committed data; orphan cleanup removes it.
    }
  }
}
