package dev.datashard.commit;

import dev.datashard.Schema;
import dev.datashard.ValidationException;
import dev.datashard.arrow.AppendReader;
import dev.datashard.arrow.ArrowSchemas;
import dev.datashard.arrow.ColumnStatistics;
import dev.datashard.io.LocalFile;
import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.io.parquet.ParquetFiles;
import dev.datashard.metadata.DataFile;
import dev.datashard.partition.PartitionKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/** Describes Parquet files written elsewhere so a commit can reference them in place. */
public final class ExistingFiles {
  private ExistingFiles() {}

  /**
   * Reads the file once: its columns must fit the schema, field ids included (Iceberg resolves
   * columns by id, so a file whose ids name other columns would read differently there); its
   * statistics go into the manifest, under the location's canonical spelling.
   */
  public static PendingFile describe(BufferAllocator allocator, Storage storage, Schema schema, String given) {
    String location = Location.of(given).toString();
    try (LocalFile local = StorageException.join(storage.fetch(location))) {
      ColumnStatistics stats;
      org.apache.arrow.vector.types.pojo.Schema fileSchema = ParquetFiles.schemaOf(allocator, local.path());
      FieldIds.check(fileSchema, ArrowSchemas.toArrow(schema), location);
      try (ArrowReader file = ParquetFiles.scan(allocator, List.of(local.path()), fileSchema, Optional.empty(), 64 * 1024);
          AppendReader reader = new AppendReader(allocator, schema, file)) {
        while (reader.loadNextBatch()) {
          // validation and statistics happen as each batch passes
        }
        stats = reader.statistics();
      } catch (ValidationException e) {
        throw new ValidationException(location + ": " + e.getMessage(), e);
      }
      DataFile dataFile = new DataFile(location, "PARQUET", stats.rowCount(), Files.size(local.path()),
          Map.of(), stats.valueCounts(), stats.nullCounts(), stats.nanCounts(), stats.lowerBounds(),
          stats.upperBounds(), PartitionKey.UNPARTITIONED);
      return new PendingFile(dataFile, CompletableFuture.completedFuture(null), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
