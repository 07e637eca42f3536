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
import dev.datashard.partition.PartitionSpec;
import dev.datashard.partition.PartitionValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
  /** The reserved field ids of the spec's position-delete columns. */
  static final int FILE_PATH_ID = 2147483546;
  static final int POS_ID = 2147483545;
  static final Schema SCHEMA = new Schema(0, List.of(
      Field.required(FILE_PATH_ID, "file_path", Type.Primitive.STRING),
      Field.required(POS_ID, "pos", Type.Primitive.LONG)));
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
    Path staging = storage.stagingDirectory(location);
    byte[] path = dataFile.location().getBytes(StandardCharsets.UTF_8);
    ArrowParquetWriter writer = ArrowParquetWriter.create(staging.resolve("deletes.parquet"),
        ArrowSchemas.toArrow(SCHEMA), WriteProperties.parquetOptions(properties));
    long size;
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(ArrowSchemas.toArrow(SCHEMA), allocator)) {
      VarCharVector paths = (VarCharVector) batch.getVector(0);
      BigIntVector pos = (BigIntVector) batch.getVector(1);
      int row = 0;
      for (int p = positions.nextSetBit(0); p >= 0; p = positions.nextSetBit(p + 1)) {
        paths.setSafe(row, path);
        pos.setSafe(row, p);
        if (++row == BATCH_ROWS) {
          flush(writer, batch, row);
          row = 0;
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
    DeleteFile file = new DeleteFile(location, "PARQUET", DeleteFile.Content.POSITION_DELETES, stats.rowCount(),
        size, List.of(), Map.of(), stats.valueCounts(), stats.nullCounts(), stats.nanCounts(), stats.lowerBounds(),
        stats.upperBounds(), dataFile.partition(), dataFile.location());
    return new PendingDeleteFile(file, spec.specId(), storage.putFile(writer.file(), location));
  }

  private static void flush(ArrowParquetWriter writer, VectorSchemaRoot batch, int rows) {
    batch.setRowCount(rows);
    writer.write(batch);
    batch.getVector(0).reset();
    batch.getVector(1).reset();
  }
}
