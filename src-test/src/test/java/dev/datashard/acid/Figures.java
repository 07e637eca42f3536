package dev.datashard.acid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The measured figures of the ACID tests: printed, and appended to
 * {@code target/acid-figures.txt} so that ACID-NOTES.md can be written from a real run.
 */
final class Figures {
  private static final Path FILE = Path.of("target", "acid-figures.txt");

  private Figures() {}

  static synchronized void record(String test, String line) {
    String text = "[" + test + "] " + line;
    System.out.println("ACID-FIGURES " + text);
    try {
      Files.createDirectories(FILE.toAbsolutePath().getParent());
      Files.writeString(FILE, Instant.now() + " " + text + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record figures in " + FILE.toAbsolutePath(), e);
    }
  }

  static String perSecond(long count, long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", count / (nanos / 1e9));
  }

  static String ratio(double value) {
    return String.format(java.util.Locale.ROOT, "%.2f", value);
  }
}
