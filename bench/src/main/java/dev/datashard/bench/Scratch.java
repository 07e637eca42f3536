package dev.datashard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Directories for benchmark tables. Under {@code -D}{@value #PROPERTY}{@code =DIR} (bench/run.sh
 * owns one such directory per run, and forks inherit the property) they are made in DIR and left
 * there when a benchmark state closes: run.sh deletes DIR once, after the last JMH run, because
 * deleting thousands of tables made the next fork's creates slower. Without the property they are
 * temporary directories, deleted when the state closes.
 */
public final class Scratch {
  public static final String PROPERTY = "datashard.bench.scratch";

  private Scratch() {}

  public static Path create(String prefix) {
    String root = System.getProperty(PROPERTY);
    try {
      return root == null ? Files.createTempDirectory("datashard-bench-" + prefix + "-")
          : Files.createTempDirectory(Files.createDirectories(Path.of(root)), prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a directory of {@link #create}, unless the run's scratch directory owns it. */
  public static void release(Path directory) {
    if (System.getProperty(PROPERTY) == null) {
      delete(directory);
    }
  }

  private static void delete(Path directory) {
    if (directory == null || !Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
