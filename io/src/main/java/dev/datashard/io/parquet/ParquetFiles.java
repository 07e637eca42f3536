package dev.datashard.io.parquet;

import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Parquet through Arrow's native dataset module: scans read Parquet files into Arrow buffers
 * without a row-by-row copy in Java. Field ids travel as the {@code PARQUET:field_id} metadata of
 * Arrow fields.
 *
 * <p>{@link #write} is Arrow C++'s writer, which DataShard's appends used before
 * {@link ArrowParquetWriter} (uncompressed pages: Arrow Java's dataset writer takes no writer
 * properties). It stays to produce files in that layout, as tables written by earlier versions and
 * other Arrow-based tools hold them.
 */
public final class ParquetFiles {
  static {
    // Before anything of arrow-dataset asks Arrow's loaders for the libraries.
    NativeLibraries.ensureLoaded();
  }

  /** Arrow field metadata key the Parquet writer turns into a Parquet field id, and back. */
  public static final String FIELD_ID_KEY = "PARQUET:field_id";

  private static final String FILE_NAME = "part-{i}.parquet";
  private static final long NATIVE_RELEASE_TIMEOUT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

  private ParquetFiles() {}

  /**
   * Writes every batch of {@code batches} into one new Parquet file inside the empty directory
   * {@code directory} and returns its path, or empty when the batches held no rows.
   */
  public static Optional<Path> write(BufferAllocator allocator, ArrowReader batches, Path directory) {
    boolean hasTimes;
    try {
      hasTimes = hasTimeColumns(batches.getVectorSchemaRoot().getSchema().getFields());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The batches are exported through the C data interface from a child allocator: the native
    // writer's threads may release the last exported batch just after the write returns, and the
    // caller may close its allocator right after this method.
    BufferAllocator exports = allocator.newChildAllocator("parquet-write", 0, Long.MAX_VALUE);
    try {
      // The native writer refuses a directory that holds any file.
      DatasetFileWriter.write(exports, batches, FileFormat.PARQUET, directory.toUri().toString(),
          new String[0], 1, FILE_NAME);
    } catch (RuntimeException e) {
      try {
        awaitNativeRelease(exports);
      } catch (RuntimeException leak) {
        e.addSuppressed(leak);
      }
      throw e;
    }
    awaitNativeRelease(exports);
    try (Stream<Path> written = Files.list(directory)) {
      List<Path> files = written.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
      if (files.size() > 1) {
        throw new IllegalStateException("the Parquet writer split one append into " + files.size()
            + " files in " + directory);
      }
      if (hasTimes) {
        for (Path file : files) {
          ParquetFooters.markTimesLocal(file);
        }
      }
      return files.stream().findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitNativeRelease(BufferAllocator exports) {
    long deadline = System.nanoTime() + NATIVE_RELEASE_TIMEOUT_NANOS;
    while (exports.getAllocatedMemory() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(20_000);
    }
    // Fails naming the allocator if the native side still holds a batch: a leak, not a race.
    exports.close();
  }

  private static boolean hasTimeColumns(List<Field> fields) {
    return fields.stream().anyMatch(field -> field.getType() instanceof ArrowType.Time
        || hasTimeColumns(field.getChildren()));
  }

  /**
   * Opens a scan over Parquet files; the returned reader owns every native resource and must be
   * closed.
   *
   * @param expected the schema to read the files as: columns a file lacks read as nulls
   * @param columns the columns to read, in order, or empty for all
   */
  public static ArrowReader scan(BufferAllocator allocator, List<Path> files, Schema expected,
      Optional<List<String>> columns, long batchSize) {
    String[] uris = files.stream().map(f -> f.toUri().toString()).toArray(String[]::new);
    FileSystemDatasetFactory factory = null;
    Dataset dataset = null;
    Scanner scanner = null;
    try {
      factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(),
          FileFormat.PARQUET, uris);
      dataset = factory.finish(expected);
      ScanOptions options = new ScanOptions(batchSize, columns.map(c -> c.toArray(String[]::new)));
      scanner = dataset.newScan(options);
      return new OwningReader(allocator, scanner.scanBatches(), scanner, dataset, factory);
    } catch (RuntimeException e) {
      closeAll(e, scanner, dataset, factory);
      throw new StorageException(Kind.IO, "cannot read Parquet " + String.join(", ", uris)
          + ": " + e.getMessage(), e);
    }
  }

  /** The Arrow schema stored in one Parquet file. */
  public static Schema schemaOf(BufferAllocator allocator, Path file) {
    try (FileSystemDatasetFactory factory = new FileSystemDatasetFactory(allocator,
        NativeMemoryPool.getDefault(), FileFormat.PARQUET, file.toUri().toString())) {
      return factory.inspect();
    } catch (RuntimeException e) {
      throw new StorageException(Kind.IO, "cannot read Parquet " + file + ": " + e.getMessage(), e);
    }
  }

  private static void closeAll(Throwable primary, AutoCloseable... resources) {
    for (AutoCloseable resource : resources) {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception e) {
          primary.addSuppressed(e);
        }
      }
    }
  }

  /** Closes the native scanner, dataset and factory with the scanner's reader. */
  private static final class OwningReader extends ForwardingReader {
    private final AutoCloseable[] owned;

    OwningReader(BufferAllocator allocator, ArrowReader delegate, AutoCloseable... owned) {
      super(allocator, delegate);
      this.owned = owned;
    }

    @Override
    protected void closeOwned() {
      RuntimeException failure = new RuntimeException("closing a Parquet scan failed");
      closeAll(failure, owned);
      if (failure.getSuppressed().length > 0) {
        throw failure;
      }
    }
  }
}
