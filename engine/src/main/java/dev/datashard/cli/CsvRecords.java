package dev.datashard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.datashard.ValidationException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records of a .csv file with a header row. An empty cell is a null; a row may leave out
 * trailing columns (nulls too) but not hold more values than the header names.
 */
final class CsvRecords implements LineRecords {
  private static final CsvFactory FACTORY = new CsvFactory();

  private final CsvParser parser;
  private final List<String> header;
  private int line;

  CsvRecords(Reader text) throws IOException {
    parser = FACTORY.createParser(text);
    // Rows as plain arrays: the header is checked here, which Jackson's header mapping does not do.
    parser.setSchema(CsvSchema.emptySchema());
    List<String> names = nextRow();
    header = names == null ? List.of() : names;
    Set<String> seen = new HashSet<>();
    for (String name : header) {
      if (!seen.add(name)) {
        throw new ValidationException("line " + line + ": the header names column '" + name + "' twice");
      }
    }
  }

  @Override
  public Map<String, Object> next() throws IOException {
    List<String> values = nextRow();
    if (values == null) {
      return null;
    }
    if (values.size() > header.size()) {
      throw new ValidationException("line " + line + " has " + values.size() + " values but the header names "
          + header.size() + " columns");
    }
    Map<String, Object> record = new LinkedHashMap<>();
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      record.put(header.get(i), value.isEmpty() ? null : value);
    }
    return record;
  }

  @Override
  public int line() {
    return line;
  }

  /** The cells of the next row, or null after the last; sets {@link #line} to where the row starts. */
  private List<String> nextRow() throws IOException {
    line = parser.currentLocation().getLineNr();
    try {
      if (parser.nextToken() == null) {
        return null;
      }
      List<String> values = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        if (values.isEmpty()) {
          // Where the first cell starts; until then, where the last row ended.
          line = parser.currentTokenLocation().getLineNr();
        }
        values.add(parser.getText());
      }
      return values;
    } catch (JsonProcessingException e) {
      // Named by the row's first line: an unclosed quote is only noticed at the end of the file.
      throw new ValidationException("line " + line + " is not valid CSV: " + e.getOriginalMessage());
    }
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
