package dev.datashard.io.parquet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;

/**
 * Corrects the footer of a Parquet file Arrow's writer just wrote. The data pages stay as they are;
 * only the Thrift footer at the end of the file is replaced.
 */
final class ParquetFooters {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private ParquetFooters() {}

  /**
   * Marks TIME columns as not adjusted to UTC. Arrow's time64 is a time of day without a zone, as
   * Iceberg's {@code time} is, whose spec requires {@code adjustToUtc=false}; Arrow's writer marks
   * every TIME column adjusted to UTC, which readers that honour the flag take for a time with zone.
   */
  static void markTimesLocal(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, tail, size - 8);
      if (!tail.slice(4, 4).equals(ByteBuffer.wrap(MAGIC))) {
        throw new IOException(file + " does not end like a Parquet file");
      }
      int footerLength = tail.getInt(0);
      long footerStart = size - 8 - footerLength;
      if (footerLength <= 0 || footerStart < MAGIC.length) {
        throw new IOException(file + " has a damaged Parquet footer length " + footerLength);
      }
      ByteBuffer footer = ByteBuffer.allocate(footerLength);
      readFully(channel, footer, footerStart);
      FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(footer.array()));
      boolean changed = false;
      for (SchemaElement element : metadata.getSchema()) {
        if (element.isSetLogicalType() && element.getLogicalType().isSetTIME()
            && element.getLogicalType().getTIME().isIsAdjustedToUTC()) {
          element.getLogicalType().getTIME().setIsAdjustedToUTC(false);
          changed = true;
        }
      }
      if (!changed) {
        return;
      }
      ByteArrayOutputStream rewritten = new ByteArrayOutputStream(footer.capacity() + 8);
      Util.writeFileMetaData(metadata, rewritten);
      int length = rewritten.size();
      rewritten.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(length).array());
      rewritten.write(MAGIC);
      channel.truncate(footerStart);
      ByteBuffer out = ByteBuffer.wrap(rewritten.toByteArray());
      long position = footerStart;
      while (out.hasRemaining()) {
        position += channel.write(out, position);
      }
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        throw new IOException("unexpected end of file");
      }
    }
    buffer.flip();
  }
}
