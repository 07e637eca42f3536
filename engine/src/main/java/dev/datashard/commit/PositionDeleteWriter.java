package dev.datashard.commit;

import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.arrow.ArrowSchemas;
import dev.datashard.arrow.ColumnStatistics;
import dev.datashard.io.Storage;
import dev.datashard.io.parquet.ArrowParquetWriter;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.DeleteFile;
import dev.datashard.metadata.WriteProperties;
import dev.datashard.partition.PartitionKey;
import dev.datashard.partition.PartitionSpec;
import dev.datashard.partition.PartitionValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes the position-delete file of one data file (merge-on-read): the spec's two columns,
 * {@code file_path} and {@code pos}, sorted by position, beside the data file in its partition's
 * directory and in its partition spec, so every reader's index finds it. Its bounds on
 * {@code file_path} name the one data file, and so does {@code referenced_data_file}.
 */
public final class PositionDeleteWriter {
  static final Schema SCHEMA = new Schema(0, List.of(
      Field.required(DeleteFile.FILE_PATH_FIELD_ID, "file_path", Type.Primitive.STRING),
      Field.required(DeleteFile.POS_FIELD_ID, "pos", Type.Primitive.LONG)));
  private static final int BATCH_ROWS = 64 * 1024;

  private PositionDeleteWriter() {}

  /**
   * Writes a file deleting {@code positions} of {@code dataFile} and starts its move or upload.
   *
   * @param dataLocation the directory of the table's new data files ({@link TableOperations#newDataLocation()})
   * @param spec the data file's partition spec
   */
  public static PendingDeleteFile write(BufferAllocator allocator, Storage storage, String dataLocation,
      PartitionSpec spec, DataFile dataFile, BitSet positions, Map<String, String> properties) {
    String directory = spec.isPartitioned() ? "/" + PartitionValues.toPath(spec, dataFile.partition()) + "/" : "/";
    String location = dataLocation + directory + UUID.randomUUID() + "-deletes.parquet";
    Written file = writeAt(allocator, storage, location, new TreeMap<>(Map.of(dataFile.location(),
        positions.stream().asLongStream().toArray())), dataFile.partition(), properties);
    return new PendingDeleteFile(file.deleteFile(), spec.specId(), file.upload());
  }

  /** A written position delete file and its move or upload into place. */
  public record Written(DeleteFile deleteFile, CompletableFuture<Void> upload) {}

  /**
   * Writes a position delete file at {@code location} deleting, for each data file location,
   * its sorted positions, in the order the spec requires (by path, then position), and starts its
   * move or upload. {@code referenced_data_file} is set when it names one data file.
   */
  public static Written writeAt(BufferAllocator allocator, Storage storage, String location,
      SortedMap<String, long[]> positionsByFile, PartitionKey partition, Map<String, String> properties) {
    Path staging = storage.stagingDirectory(location);
    ArrowParquetWriter writer = ArrowParquetWriter.create(staging.resolve("deletes.parquet"),
        ArrowSchemas.toArrow(SCHEMA), WriteProperties.parquetOptions(properties));
    long size;
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(ArrowSchemas.toArrow(SCHEMA), allocator)) {
      VarCharVector paths = (VarCharVector) batch.getVector(0);
      BigIntVector pos = (BigIntVector) batch.getVector(1);
      int row = 0;
      for (Map.Entry<String, long[]> file : positionsByFile.entrySet()) {
        byte[] path = file.getKey().getBytes(StandardCharsets.UTF_8);
        for (long position : file.getValue()) {
          paths.setSafe(row, path);
          pos.setSafe(row, position);
          if (++row == BATCH_ROWS) {
            flush(writer, batch, row);
            row = 0;
          }
        }
      }
      if (row > 0) {
        flush(writer, batch, row);
      }
      size = writer.finish();
    } catch (RuntimeException e) {
      writer.abort();
      DataFileWriter.deleteTree(staging);
      throw e;
    }
    ColumnStatistics stats = ColumnStatistics.fromSummaries(SCHEMA, writer.rowCount(), writer::summary);
    String referenced = positionsByFile.size() == 1 ? positionsByFile.firstKey() : null;
    DeleteFile file = new DeleteFile(location, "PARQUET", DeleteFile.Content.POSITION_DELETES, stats.rowCount(),
        size, List.of(), Map.of(), stats.valueCounts(), stats.nullCounts(), stats.nanCounts(), stats.lowerBounds(),
        stats.upperBounds(), partition, referenced);
    return new Written(file, storage.putFile(writer.file(), location));
  }

  private static void flush(ArrowParquetWriter writer, VectorSchemaRoot batch, int rows) {
    batch.setRowCount(rows);
    writer.write(batch);
    batch.getVector(0).reset();
    batch.getVector(1).reset();
  }
}
