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
import dev.datashard.partition.PartitionGroups;
import dev.datashard.partition.PartitionKey;
import dev.datashard.partition.PartitionSpec;
import dev.datashard.partition.PartitionValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
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
 * <p>In a partitioned table each batch's rows are grouped by partition ({@link PartitionSpec#partitionKeys})
 * and each group goes to its partition's open file, under {@code data/<partition path>/}: one open
 * file per partition, at most {@code write.datashard.max-open-files} at once (opening one more
 * finishes the least recently written, and that partition's later rows start a new file), so
 * memory stays bounded however many partitions an append spans.
 * A group of consecutive rows is written as a range of the batch, any other group is first copied
 * into a batch of its own.
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
  private final String dataLocation;
  private final Schema schema;
  private final PartitionSpec spec;
  private final ParquetWriteOptions options;
  private final long targetFileSize;
  private final List<PendingFile> finished = new ArrayList<>();
  private final int maxOpenFiles;
  /**
   * The open file of each partition (one entry, {@link PartitionKey#UNPARTITIONED}, when
   * unpartitioned), least recently written first.
   */
  private final Map<PartitionKey, OpenFile> open = new LinkedHashMap<>(16, 0.75f, true);
  private RuntimeException broken;
  private boolean closed;

  /**
   * Writes rows of {@code spec}'s schema, partitioned by {@code spec}.
   *
   * @param dataLocation the directory of the table's new data files ({@link TableOperations#newDataLocation()})
   */
  public DataFileWriter(BufferAllocator allocator, Storage storage, String dataLocation, PartitionSpec spec,
      Map<String, String> properties) {
    this.allocator = allocator;
    this.storage = storage;
    this.dataLocation = dataLocation;
    this.schema = spec.schema();
    this.spec = spec;
    this.options = WriteProperties.parquetOptions(properties);
    this.targetFileSize = WriteProperties.targetFileSizeBytes(properties);
    this.maxOpenFiles = WriteProperties.maxOpenFiles(properties);
  }

  /** One file being written: its partition, staging directory, Parquet writer and statistics. */
  private final class OpenFile {
    final PartitionKey partition;
    final String location;
    final Path staging;
    final ArrowParquetWriter writer;

    OpenFile(PartitionKey partition, org.apache.arrow.vector.types.pojo.Schema arrowSchema) {
      this.partition = partition;
      String directory = spec.isPartitioned() ? "/" + PartitionValues.toPath(spec, partition) + "/" : "/";
      location = dataLocation + directory + UUID.randomUUID() + ".parquet";
      staging = storage.stagingDirectory(location);
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
        if (!spec.isPartitioned()) {
          started = true;
          writeRows(PartitionKey.UNPARTITIONED, reader.arrowSchema(), batch, 0, batch.getRowCount());
          continue;
        }
        PartitionGroups groups = spec.partitionKeys(batch, allocator);
        for (int group = 0; group < groups.size(); group++) {
          int[] rows = groups.rows(group);
          started = true;
          if (rows[rows.length - 1] - rows[0] == rows.length - 1) {
            writeRows(groups.key(group), reader.arrowSchema(), batch, rows[0], rows[0] + rows.length);
          } else {
            try (VectorSchemaRoot selected = select(batch, rows)) {
              writeRows(groups.key(group), reader.arrowSchema(), selected, 0, rows.length);
            }
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

  /** Writes rows {@code [from, to)} of {@code batch} to {@code partition}'s open file, rolling it at the target size. */
  private void writeRows(PartitionKey partition, org.apache.arrow.vector.types.pojo.Schema arrowSchema,
      VectorSchemaRoot batch, int from, int to) throws IOException {
    for (int start = from; start < to; start += SLICE_ROWS) {
      int end = Math.min(to, start + SLICE_ROWS);
      OpenFile file = open.get(partition);
      if (file == null) {
        if (open.size() >= maxOpenFiles) {
          finishOpenFile(open.keySet().iterator().next());
        }
        file = new OpenFile(partition, arrowSchema);
        open.put(partition, file);
      }
      file.writer.write(batch, start, end);
      if (file.writer.estimatedLength() >= targetFileSize) {
        finishOpenFile(partition);
      }
    }
  }

  /** A new batch of the given rows of {@code batch}, in order; the caller closes it. */
  private VectorSchemaRoot select(VectorSchemaRoot batch, int[] rows) {
    VectorSchemaRoot selected = VectorSchemaRoot.create(batch.getSchema(), allocator);
    try {
      for (int column = 0; column < batch.getFieldVectors().size(); column++) {
        FieldVector from = batch.getVector(column);
        FieldVector to = selected.getVector(column);
        to.setInitialCapacity(rows.length);
        to.allocateNew();
        for (int row = 0; row < rows.length; row++) {
          to.copyFromSafe(rows[row], row, from);
        }
        to.setValueCount(rows.length);
      }
      selected.setRowCount(rows.length);
      return selected;
    } catch (RuntimeException e) {
      selected.close();
      throw e;
    }
  }

  private RuntimeException breakIfStarted(boolean started, long before, RuntimeException failure) {
    if (started || rowsWritten() != before) {
      broken = failure;
    }
    return failure;
  }

  private long rowsWritten() {
    long rows = open.values().stream().mapToLong(file -> file.writer.rowCount()).sum();
    for (PendingFile file : finished) {
      rows += file.file().recordCount();
    }
    return rows;
  }

  /** Finishes {@code partition}'s open file and starts its move or upload. */
  private void finishOpenFile(PartitionKey partition) {
    OpenFile file = open.remove(partition);
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
        stats.valueCounts(), stats.nullCounts(), stats.nanCounts(), stats.lowerBounds(), stats.upperBounds(), file.partition);
    // The staging directory belongs to the store from here on.
    finished.add(new PendingFile(dataFile, storage.putFile(file.writer.file(), file.location), true));
  }

  /**
   * Finishes the open files and returns every file written, in order (their moves or uploads may
   * still be running); empty when no rows were written. The writer is done afterwards.
   */
  public List<PendingFile> finish() {
    checkUsable();
    try {
      for (PartitionKey partition : List.copyOf(open.keySet())) {
        finishOpenFile(partition);
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
    open.values().forEach(OpenFile::abandon);
    open.clear();
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
