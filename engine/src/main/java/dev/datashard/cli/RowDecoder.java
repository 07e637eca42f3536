package dev.datashard.cli;

import java.io.Closeable;
import java.io.IOException;

/** Decodes a text input's records, one row at a time, into a batch. */
interface RowDecoder extends Closeable {
  /** Writes the next row into {@code rows}; false when the input has no more. */
  boolean next(BatchRows rows) throws IOException;

  /** Bytes of (decompressed) input read so far. */
  long bytesRead();
}
