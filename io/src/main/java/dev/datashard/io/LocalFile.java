package dev.datashard.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An object readable as a local file; closing it removes the file only if it was a temporary copy. */
public final class LocalFile implements AutoCloseable {
  private final Path path;
  private final boolean temporary;

  private LocalFile(Path path, boolean temporary) {
    this.path = path;
    this.temporary = temporary;
  }

  /** A file that lives on local disk anyway: closing leaves it alone. */
  public static LocalFile original(Path path) {
    return new LocalFile(path, false);
  }

  /** A downloaded copy: closing deletes it. */
  public static LocalFile temporaryCopy(Path path) {
    return new LocalFile(path, true);
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {
    if (temporary) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove temporary copy " + path, e);
      }
    }
  }
}
