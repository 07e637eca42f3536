package dev.datashard.cli;

import dev.datashard.ValidationException;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * Splits a text input's bytes into records, in place in one buffer: a record ends at a newline
 * (a CRLF's carriage return is dropped), except, with {@code quotes}, inside a double-quoted CSV
 * value. Each record is checked to be UTF-8 and numbered by the physical line it starts on; a
 * leading byte-order mark is skipped (spreadsheet tools write one).
 */
final class ByteRecords implements Closeable {
  private static final int BUFFER_SIZE = 1 << 20;

  private final InputStream in;
  private final boolean quotes;
  private byte[] buffer = new byte[BUFFER_SIZE];
  private int limit;
  private int position;
  private boolean endOfInput;
  private boolean started;
  private long nextLine = 1;
  private long bytesRead;
  private int start;
  private int end;
  private long line;

  ByteRecords(InputStream in, boolean quotes) {
    this.in = in;
    this.quotes = quotes;
  }

  /** Moves to the next record; false after the last. */
  boolean next() throws IOException {
    if (!started) {
      started = true;
      skipByteOrderMark();
    }
    int scan = position;
    boolean quoted = false;
    long newlines = 0;
    while (true) {
      byte[] bytes = buffer;
      int stop = limit;
      if (quotes) {
        while (scan < stop) {
          if (scan + 8 <= stop) {
            long word = Swar.word(bytes, scan);
            if ((Swar.matches(word, (byte) '\n') | Swar.matches(word, (byte) '"')) == 0) {
              scan += 8;
              continue;
            }
          }
          byte b = bytes[scan];
          if (b == '"') {
            quoted = !quoted;
          } else if (b == '\n') {
            if (!quoted) {
              break;
            }
            newlines++;
          }
          scan++;
        }
      } else {
        while (scan < stop) {
          if (scan + 8 <= stop) {
            long newline = Swar.matches(Swar.word(bytes, scan), (byte) '\n');
            if (newline == 0) {
              scan += 8;
              continue;
            }
            scan += Swar.firstMatch(newline);
            break;
          }
          if (bytes[scan] == '\n') {
            break;
          }
          scan++;
        }
      }
      if (scan < stop) {
        take(scan, scan + 1, newlines);
        return true;
      }
      if (endOfInput) {
        if (position == limit) {
          return false;
        }
        take(limit, limit, newlines);
        return true;
      }
      scan -= position;
      fill();
      scan += position;
    }
  }

  /** Makes {@code [position, terminator)} the current record, continuing after {@code after}. */
  private void take(int terminator, int after, long newlines) {
    start = position;
    end = terminator > start && buffer[terminator - 1] == '\r' ? terminator - 1 : terminator;
    line = nextLine;
    nextLine += newlines + 1;
    position = after;
    int bad = Utf8.firstInvalid(buffer, start, end);
    if (bad >= 0) {
      long badLine = line;
      for (int i = start; i < bad; i++) {
        if (buffer[i] == '\n') {
          badLine++;
        }
      }
      throw new ValidationException(String.format("line %d is not valid UTF-8 (byte 0x%02x)", badLine, buffer[bad] & 0xff));
    }
  }

  private void skipByteOrderMark() throws IOException {
    while (limit < 3 && !endOfInput) {
      fill();
    }
    if (limit >= 3 && buffer[0] == (byte) 0xef && buffer[1] == (byte) 0xbb && buffer[2] == (byte) 0xbf) {
      position = 3;
    }
  }

  /** Moves the unread bytes to the buffer's start (growing it when a record fills it) and reads more. */
  private void fill() throws IOException {
    int unread = limit - position;
    if (unread == buffer.length) {
      buffer = Arrays.copyOf(buffer, buffer.length * 2);
    } else if (position > 0) {
      System.arraycopy(buffer, position, buffer, 0, unread);
    }
    position = 0;
    limit = unread;
    int read;
    try {
      read = in.read(buffer, limit, buffer.length - limit);
    } catch (ZipException | EOFException e) {
      throw corrupt(e);
    } catch (RuntimeException e) {
      // aircompressor reports damaged zstd data unchecked.
      if (e.getClass().getName().startsWith("io.airlift.compress")) {
        throw corrupt(e);
      }
      throw e;
    }
    if (read < 0) {
      endOfInput = true;
    } else {
      limit += read;
      bytesRead += read;
    }
  }

  private ValidationException corrupt(Exception e) {
    return new ValidationException("line " + nextLine + ": the compressed input is damaged or cut short ("
        + e.getMessage() + ")");
  }

  byte[] buffer() {
    return buffer;
  }

  /** Where the current record starts in {@link #buffer()}. */
  int start() {
    return start;
  }

  /** Where the current record ends in {@link #buffer()}, its line terminator left out. */
  int end() {
    return end;
  }

  /** The physical line (1-based) the current record starts on. */
  long line() {
    return line;
  }

  /** Bytes of (decompressed) input read so far. */
  long bytesRead() {
    return bytesRead;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
