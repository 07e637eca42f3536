package dev.datashard.cli;

import io.airlift.compress.zstd.ZstdInputStream;
import dev.datashard.ValidationException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An input file, its format (its lower-case name less any compression suffix) and its bytes
 * decompressed: {@code .gz} (the JDK's gzip) and {@code .zst} (aircompressor's pure-Java zstd,
 * already on the classpath for Parquet, so no native library is unpacked to read it).
 */
record TextInput(Path file, String format, Compression compression) {
  enum Compression { NONE, GZIP, ZSTD }

  private static final int BUFFER_SIZE = 1 << 16;

  static TextInput of(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      return new TextInput(file, name.substring(0, name.length() - 3), Compression.GZIP);
    }
    if (name.endsWith(".zst")) {
      return new TextInput(file, name.substring(0, name.length() - 4), Compression.ZSTD);
    }
    return new TextInput(file, name, Compression.NONE);
  }

  /** The decompressed bytes; the caller closes the stream. */
  InputStream open() throws IOException {
    InputStream raw = Files.newInputStream(file);
    try {
      return switch (compression) {
        case NONE -> raw;
        case GZIP -> gzip(raw);
        case ZSTD -> new ZstdInputStream(raw);
      };
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private static InputStream gzip(InputStream raw) throws IOException {
    try {
      return new GZIPInputStream(raw, BUFFER_SIZE);
    } catch (ZipException | EOFException e) {
      // The header is read here, before any line.
      throw new ValidationException("line 1: the compressed input is damaged or cut short (" + e.getMessage() + ")");
    }
  }
}
