package dev.datashard.commit;

import dev.datashard.DataShardException;
import dev.datashard.Schema;
import dev.datashard.ValidationException;
import dev.datashard.arrow.AppendReader;
import dev.datashard.arrow.ColumnStatistics;
import dev.datashard.io.Storage;
import dev.datashard.io.parquet.ParquetFiles;
import dev.datashard.metadata.DataFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Streams Arrow batches into one new Parquet data file: validated and measured on the way
 * ({@link AppendReader}), written locally by arrow-dataset, then moved or uploaded to
 * {@code TABLE/data/} in the background.
 */
public final class DataFileWriter {
  private DataFileWriter() {}

  /** The new file, or empty when the batches held no rows (nothing is written then). */
  public static Optional<PendingFile> write(BufferAllocator allocator, Storage storage,
      String tableLocation, Schema schema, ArrowReader batches) {
    String location = tableLocation + "/data/" + UUID.randomUUID() + ".parquet";
    Path staging = storage.stagingDirectory(location);
    boolean handedOver = false;
    try (AppendReader reader = new AppendReader(allocator, schema, batches)) {
      Optional<Path> written;
      try {
        written = ParquetFiles.write(allocator, reader, staging);
      } catch (RuntimeException e) {
        if (reader.failure() != null) {
          throw reader.failure();
        }
        if (e instanceof ValidationException validation) {
          throw validation;
        }
        throw new DataShardException("writing Parquet data failed: " + e.getMessage(), e);
      }
      ColumnStatistics stats = reader.statistics();
      if (written.isEmpty() || stats.rowCount() == 0) {
        return Optional.empty();
      }
      Path file = written.get();
      DataFile dataFile = new DataFile(location, "PARQUET", stats.rowCount(), Files.size(file),
          Map.of(), stats.valueCounts(), stats.nullCounts(), stats.nanCounts(),
          stats.lowerBounds(), stats.upperBounds());
      handedOver = true;
      return Optional.of(new PendingFile(dataFile,
          storage.putFile(file, location), true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (!handedOver) {
        deleteTree(staging);
      }
    }
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
