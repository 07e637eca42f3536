package dev.datashard.cli;

import dev.datashard.Transaction;
import dev.datashard.ValidationException;
import dev.datashard.io.parquet.ParquetFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;

/** Appends the CLI's input files (.jsonl, .csv, .parquet, .arrow) to a transaction. */
final class InputFiles {
  private static final int RECORDS_PER_BATCH = 65_536;
  private static final Pattern RECORD_NUMBER = Pattern.compile("^record (\\d+)");

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
        try (Reader text = utf8(file); LineRecords records = new JsonLinesRecords(text)) {
          appendRecords(tx, records);
        }
      } else if (name.endsWith(".csv")) {
        try (Reader text = utf8(file); LineRecords records = new CsvRecords(text)) {
          appendRecords(tx, records);
        }
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

  private static Reader utf8(Path file) throws IOException {
    return new StrictUtf8Reader(Files.newInputStream(file));
  }

  private void appendRecords(Transaction tx, LineRecords records) throws IOException {
    List<Map<String, Object>> chunk = new ArrayList<>();
    int[] lines = new int[RECORDS_PER_BATCH];
    Map<String, Object> record;
    while ((record = records.next()) != null) {
      lines[chunk.size()] = records.line();
      chunk.add(record);
      if (chunk.size() == RECORDS_PER_BATCH) {
        appendChunk(tx, chunk, lines);
      }
    }
    appendChunk(tx, chunk, lines);
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

  private void appendChunk(Transaction tx, List<Map<String, Object>> chunk, int[] lines) {
    if (chunk.isEmpty()) {
      return;
    }
    try {
      tx.appendRecords(chunk);
    } catch (ValidationException e) {
      // "record N" counts within the chunk; the file's line is what the user can find.
      Matcher m = RECORD_NUMBER.matcher(e.getMessage());
      if (m.find()) {
        throw new ValidationException("line " + lines[Integer.parseInt(m.group(1))]
            + e.getMessage().substring(m.end()), e);
      }
      throw e;
    }
    progress.rows(chunk.size(), chunkBytes(chunk));
    chunk.clear();
  }
}
