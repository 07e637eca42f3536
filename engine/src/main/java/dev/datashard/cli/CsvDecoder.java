package dev.datashard.cli;

import dev.datashard.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The rows of a .csv file with a header row (RFC 4180: values separated by commas, a value with a
 * comma, quote or newline in double quotes, a quote in it doubled), decoded from the bytes straight
 * into the batch. An empty value is a null; a row may leave out trailing columns (nulls too) but not
 * hold more values than the header names; empty lines are skipped.
 */
final class CsvDecoder implements RowDecoder {
  private final ByteRecords records;
  /** The table column of each header column, read with the first row. */
  private int[] header;
  /** Values that were quoted, their doubled quotes made single. */
  private byte[] unquoted = new byte[256];
  private byte[] b;
  private int end;
  private long line;
  private int valueStart;
  private int valueEnd;
  private byte[] valueBytes;

  CsvDecoder(InputStream in) {
    records = new ByteRecords(in, true);
  }

  @Override
  public boolean next(BatchRows rows) throws IOException {
    while (records.next()) {
      b = records.buffer();
      end = records.end();
      line = records.line();
      int i = records.start();
      if (i == end) {
        continue;
      }
      if (header == null) {
        readHeader(rows, i);
        continue;
      }
      int column = 0;
      int row = rows.row();
      while (true) {
        i = value(i);
        if (column < header.length && valueEnd > valueStart) {
          rows.give(header[column], line).text(row, valueBytes, valueStart, valueEnd, line);
        }
        column++;
        if (i == end) {
          break;
        }
        i++; // the comma
      }
      if (column > header.length) {
        throw new ValidationException("line " + line + " has " + column + " values but the header names "
            + header.length + " columns");
      }
      rows.endRow(line);
      return true;
    }
    return false;
  }

  private void readHeader(BatchRows rows, int i) {
    Set<String> seen = new HashSet<>();
    int[] columns = new int[rows.columnCount()];
    int count = 0;
    while (true) {
      i = value(i);
      String name = new String(valueBytes, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8);
      if (!seen.add(name)) {
        throw new ValidationException("line " + line + ": the header names column '" + name + "' twice");
      }
      int column = rows.columnIndex(valueBytes, valueStart, valueEnd, count);
      if (column < 0) {
        throw rows.unknownColumn(name, line);
      }
      columns[count++] = column;
      if (i == end) {
        break;
      }
      i++;
    }
    header = Arrays.copyOf(columns, count);
  }

  /**
   * Reads the value at {@code i} into {@link #valueBytes} [{@link #valueStart}, {@link #valueEnd});
   * returns where it ends: at a comma or the record's end.
   */
  private int value(int i) {
    if (i < end && b[i] == '"') {
      return quoted(i + 1);
    }
    int start = i;
    while (i < end && b[i] != ',') {
      if (b[i] == '"') {
        throw invalid("a quote inside a value that does not start with one (quote the whole value and double"
            + " the quotes in it)");
      }
      i++;
    }
    valueBytes = b;
    valueStart = start;
    valueEnd = i;
    return i;
  }

  private int quoted(int i) {
    int length = 0;
    while (true) {
      if (i == end) {
        throw invalid("Missing closing quote for a value");
      }
      byte c = b[i++];
      if (c == '"') {
        if (i < end && b[i] == '"') {
          i++;
        } else {
          break;
        }
      }
      if (length == unquoted.length) {
        unquoted = Arrays.copyOf(unquoted, length * 2);
      }
      unquoted[length++] = c;
    }
    if (i < end && b[i] != ',') {
      throw invalid("text after the closing quote of a value");
    }
    valueBytes = unquoted;
    valueStart = 0;
    valueEnd = length;
    return i;
  }

  private ValidationException invalid(String problem) {
    return new ValidationException("line " + line + " is not valid CSV: " + problem);
  }

  @Override
  public long bytesRead() {
    return records.bytesRead();
  }

  @Override
  public void close() throws IOException {
    records.close();
  }
}
