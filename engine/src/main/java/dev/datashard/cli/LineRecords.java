package dev.datashard.cli;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;

/** Records read from a text input file, each with the physical line of the file it starts on. */
interface LineRecords extends Closeable {
  /** The next record, or null after the last. */
  Map<String, Object> next() throws IOException;

  /** The line (1-based) the record {@link #next()} returned last starts on. */
  int line();
}
