package dev.datashard.io.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A new local file written front to back through a buffer, knowing its position. */
final class ParquetOutput implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  private long position;

  ParquetOutput(Path file) throws IOException {
    channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  long position() {
    return position;
  }

  void write(byte[] bytes) throws IOException {
    write(bytes, 0, bytes.length);
  }

  void write(byte[] bytes, int offset, int length) throws IOException {
    if (length >= BUFFER) {
      flush();
      writeFully(ByteBuffer.wrap(bytes, offset, length));
    } else {
      if (length > buffer.remaining()) {
        flush();
      }
      buffer.put(bytes, offset, length);
    }
    position += length;
  }

  void flush() throws IOException {
    buffer.flip();
    writeFully(buffer);
    buffer.clear();
  }

  private void writeFully(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
