package dev.datashard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Facts a benchmark learns that JMH does not record (bytes of Arrow input, bytes of the Parquet
 * files written), appended as {@code key<TAB>value} lines to the file named by the system property
 * {@value #PROPERTY}, which forks inherit; the report reads them. No property, no notes.
 */
public final class Notes {
  public static final String PROPERTY = "datashard.bench.notes";

  private Notes() {}

  public static synchronized void record(String key, long value) {
    String file = System.getProperty(PROPERTY);
    if (file == null) {
      return;
    }
    try {
      Files.writeString(Path.of(file), key + "\t" + value + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Total size of the {@code .parquet} files under a directory. */
  public static long parquetBytes(Path directory) {
    try (var files = Files.walk(directory)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
