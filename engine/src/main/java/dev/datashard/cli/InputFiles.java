package dev.datashard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.datashard.Transaction;
import dev.datashard.ValidationException;
import dev.datashard.io.parquet.ParquetFiles;
import dev.datashard.metadata.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;

/** Appends the CLI's input files (.jsonl, .csv, .parquet, .arrow) to a transaction. */
final class InputFiles {
  private static final int RECORDS_PER_BATCH = 65_536;

  private final BufferAllocator allocator;
  private final Progress progress;

  InputFiles(BufferAllocator allocator, Progress progress) {
    this.allocator = allocator;
    this.progress = progress;
  }

  void append(Transaction tx, Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "input file not found");
    }
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    try {
      if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
        appendJsonLines(tx, file);
      } else if (name.endsWith(".csv")) {
        appendCsv(tx, file);
      } else if (name.endsWith(".parquet")) {
        try (ArrowReader reader = ParquetFiles.scan(allocator, List.of(file),
            ParquetFiles.schemaOf(allocator, file), Optional.empty(), RECORDS_PER_BATCH)) {
          tx.append(progress.track(allocator, reader));
        }
      } else if (name.endsWith(".arrow") || name.endsWith(".feather")) {
        try (FileChannel channel = FileChannel.open(file);
            ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
          tx.append(progress.track(allocator, reader));
        }
      } else {
        throw new ValidationException(file + ": unknown input format (use .jsonl, .csv, .parquet or .arrow)");
      }
    } catch (ValidationException e) {
      throw new ValidationException(file + ": " + e.getMessage(), e);
    }
  }

  private void appendJsonLines(Transaction tx, Path file) throws IOException {
    List<Map<String, Object>> chunk = new ArrayList<>();
    int line = 0;
    int firstLineOfChunk = 1;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      while ((text = reader.readLine()) != null) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        try {
          @SuppressWarnings("unchecked")
          Map<String, Object> record = Json.MAPPER.readValue(text, LinkedHashMap.class);
          chunk.add(record);
        } catch (JsonProcessingException e) {
          throw new ValidationException("line " + line + " is not a JSON object: " + e.getOriginalMessage());
        }
        if (chunk.size() == RECORDS_PER_BATCH) {
          appendChunk(tx, chunk, firstLineOfChunk, "line");
          firstLineOfChunk = line + 1;
        }
      }
    }
    appendChunk(tx, chunk, firstLineOfChunk, "line");
  }

  private void appendCsv(Transaction tx, Path file) throws IOException {
    CsvMapper mapper = new CsvMapper();
    CsvSchema header = CsvSchema.emptySchema().withHeader();
    List<Map<String, Object>> chunk = new ArrayList<>();
    int firstRowOfChunk = 2;
    int row = 1;
    try (MappingIterator<Map<String, String>> rows =
        mapper.readerFor(Map.class).with(header).readValues(file.toFile())) {
      while (rows.hasNext()) {
        row++;
        Map<String, Object> record = new LinkedHashMap<>();
        // An empty CSV cell is a null, not an empty string.
        rows.next().forEach((k, v) -> record.put(k, v == null || v.isEmpty() ? null : v));
        chunk.add(record);
        if (chunk.size() == RECORDS_PER_BATCH) {
          appendChunk(tx, chunk, firstRowOfChunk, "row");
          firstRowOfChunk = row + 1;
        }
      }
    }
    appendChunk(tx, chunk, firstRowOfChunk, "row");
  }

  private static long chunkBytes(List<Map<String, Object>> chunk) {
    // Text size of the records: what the user's file held, roughly.
    long bytes = 0;
    for (Map<String, Object> record : chunk) {
      for (Object value : record.values()) {
        bytes += value == null ? 1 : String.valueOf(value).length() + 1;
      }
    }
    return bytes;
  }

  private void appendChunk(Transaction tx, List<Map<String, Object>> chunk, int firstLine, String unit) {
    if (chunk.isEmpty()) {
      return;
    }
    try {
      tx.appendRecords(chunk);
    } catch (ValidationException e) {
      // "record N" counts within the chunk; translate to the file's own numbering.
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^record (\\d+)").matcher(e.getMessage());
      if (m.find()) {
        int at = firstLine + Integer.parseInt(m.group(1));
        throw new ValidationException(unit + " " + at + e.getMessage().substring(m.end()), e);
      }
      throw e;
    }
    progress.rows(chunk.size(), chunkBytes(chunk));
    chunk.clear();
  }
}
