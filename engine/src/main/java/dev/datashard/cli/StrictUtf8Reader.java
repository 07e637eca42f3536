package dev.datashard.cli;

import dev.datashard.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes an input file's UTF-8 and counts its lines, so that bytes which are not UTF-8 are a
 * {@link ValidationException} naming their line: a plain decoder says only "Input length = 1".
 * A leading byte-order mark is skipped (spreadsheet tools write one).
 */
final class StrictUtf8Reader extends Reader {
  private static final int BUFFER_SIZE = 64 * 1024;

  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER_SIZE).flip();
  private final CharBuffer chars = CharBuffer.allocate(BUFFER_SIZE).flip();
  private boolean endOfInput;
  private boolean started;
  private long newlinesBefore;

  StrictUtf8Reader(InputStream in) {
    this.in = in;
  }

  @Override
  public int read(char[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (!chars.hasRemaining() && !fill()) {
      return -1;
    }
    int count = Math.min(length, chars.remaining());
    chars.get(buffer, offset, count);
    return count;
  }

  /** Decodes the next characters; false at the end of the input. */
  private boolean fill() throws IOException {
    chars.clear();
    while (chars.position() == 0) {
      CoderResult result = decoder.decode(bytes, chars, endOfInput);
      if (result.isError()) {
        long line = newlinesBefore + newlinesIn(chars.position()) + 1;
        throw new ValidationException(String.format("line %d is not valid UTF-8 (byte 0x%02x)", line,
            bytes.get(bytes.position()) & 0xff));
      }
      if (result.isUnderflow()) {
        if (endOfInput) {
          break;
        }
        readBytes();
      }
    }
    chars.flip();
    newlinesBefore += newlinesIn(chars.limit());
    if (!started) {
      started = true;
      if (chars.hasRemaining() && chars.get(0) == '\uFEFF') {
        chars.position(1);
        return chars.hasRemaining() || fill();
      }
    }
    return chars.hasRemaining();
  }

  private void readBytes() throws IOException {
    bytes.compact();
    int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
    if (read < 0) {
      endOfInput = true;
    } else {
      bytes.position(bytes.position() + read);
    }
    bytes.flip();
  }

  /** Newlines among the first {@code length} characters of the buffer. */
  private long newlinesIn(int length) {
    long count = 0;
    char[] array = chars.array();
    for (int i = 0; i < length; i++) {
      if (array[i] == '\n') {
        count++;
      }
    }
    return count;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
