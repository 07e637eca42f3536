package dev.datashard.cli;

import dev.datashard.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The rows of a .jsonl file, one JSON object per line, blank lines skipped, decoded from the bytes
 * straight into the batch. The decoder takes strict JSON objects of scalars whose strings have no
 * escapes; any other line (nested values, escapes, anything malformed) is read again by Jackson
 * ({@link JsonLine}), which accepts it or says exactly what is wrong.
 */
final class JsonLinesDecoder implements RowDecoder {
  private final ByteRecords records;
  private byte[] b;
  private int end;
  private long line;

  JsonLinesDecoder(InputStream in) {
    records = new ByteRecords(in, false);
  }

  @Override
  public boolean next(BatchRows rows) throws IOException {
    while (records.next()) {
      b = records.buffer();
      end = records.end();
      line = records.line();
      int start = skipSpace(records.start());
      if (start == end) {
        continue;
      }
      if (!decode(rows, start)) {
        rows.restartRow();
        Map<String, Object> record = JsonLine.parse(new String(b, records.start(), end - records.start(),
            StandardCharsets.UTF_8), line);
        if (record == null) {
          continue;
        }
        write(rows, record);
      }
      rows.endRow(line);
      return true;
    }
    return false;
  }

  /** Writes the object at {@code i}; false, having written part of it perhaps, when Jackson must read it. */
  private boolean decode(BatchRows rows, int i) {
    if (b[i] != '{') {
      return false;
    }
    i = skipSpace(i + 1);
    if (i < end && b[i] == '}') {
      return skipSpace(i + 1) == end;
    }
    int column = 0;
    while (i < end && b[i] == '"') {
      int nameStart = i + 1;
      int nameEnd = plainString(nameStart);
      if (nameEnd < 0) {
        return false;
      }
      i = skipSpace(nameEnd + 1);
      if (i == end || b[i] != ':') {
        return false;
      }
      i = skipSpace(i + 1);
      if (i == end) {
        return false;
      }
      column = rows.columnIndex(b, nameStart, nameEnd, column);
      if (column < 0) {
        return false; // Jackson checks the rest of the line before the unknown name is reported
      }
      int row = rows.row();
      byte first = b[i];
      if (first == '"') {
        int valueEnd = plainString(i + 1);
        if (valueEnd < 0) {
          return false;
        }
        rows.give(column, line).text(row, b, i + 1, valueEnd, line);
        i = valueEnd + 1;
      } else if (first == '-' || first >= '0' && first <= '9') {
        int numberEnd = number(i);
        if (numberEnd < 0) {
          return false;
        }
        rows.give(column, line).number(row, b, i, numberEnd, numberEnd == integerEnd, line);
        i = numberEnd;
      } else if (literal(i, "true")) {
        rows.give(column, line).value(row, Boolean.TRUE, line);
        i += 4;
      } else if (literal(i, "false")) {
        rows.give(column, line).value(row, Boolean.FALSE, line);
        i += 5;
      } else if (literal(i, "null")) {
        rows.give(column, line).value(row, null, line);
        i += 4;
      } else {
        return false;
      }
      column++;
      i = skipSpace(i);
      if (i < end && b[i] == ',') {
        i = skipSpace(i + 1);
      } else if (i < end && b[i] == '}') {
        return skipSpace(i + 1) == end;
      } else {
        return false;
      }
    }
    return false;
  }

  /** Where the string whose text starts at {@code i} closes, or -1 if it has escapes or control characters or does not close. */
  private int plainString(int i) {
    for (; i < end; i++) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      if (c == '\\' || c >= 0 && c < 0x20) {
        return -1;
      }
    }
    return -1;
  }

  /** Where the integer part of the last number read ended. */
  private int integerEnd;

  /** Where the strict JSON number at {@code i} ends, or -1 if it is not one. */
  private int number(int i) {
    if (b[i] == '-') {
      i++;
    }
    if (i == end || b[i] < '0' || b[i] > '9') {
      return -1;
    }
    if (b[i] == '0') {
      i++;
    } else {
      i = digits(i);
    }
    integerEnd = i;
    if (i < end && b[i] == '.') {
      int fraction = digits(i + 1);
      if (fraction == i + 1) {
        return -1;
      }
      i = fraction;
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int exponent = digits(i);
      if (exponent == i) {
        return -1;
      }
      i = exponent;
    }
    return i;
  }

  private int digits(int i) {
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i;
  }

  private boolean literal(int i, String word) {
    if (end - i < word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (b[i + k] != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private int skipSpace(int i) {
    while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
      i++;
    }
    return i;
  }

  private void write(BatchRows rows, Map<String, Object> record) {
    for (Map.Entry<String, Object> entry : record.entrySet()) {
      byte[] name = entry.getKey().getBytes(StandardCharsets.UTF_8);
      int column = rows.columnIndex(name, 0, name.length, -1);
      if (column < 0) {
        throw rows.unknownColumn(entry.getKey(), line);
      }
      rows.give(column, line).value(rows.row(), entry.getValue(), line);
    }
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
