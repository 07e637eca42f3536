package dev.datashard.cli;

import dev.datashard.Transaction;
import dev.datashard.ValidationException;
import dev.datashard.io.parquet.ParquetFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;

/** Appends the CLI's input files (.jsonl and .csv, also gzip- or zstd-compressed, .parquet, .arrow) to a transaction. */
final class InputFiles {
  private static final int ROWS_PER_BATCH = 65_536;

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
    TextInput input = TextInput.of(file);
    String name = input.format();
    try {
      if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
        appendText(tx, new JsonLinesDecoder(input.open()));
      } else if (name.endsWith(".csv")) {
        appendText(tx, new CsvDecoder(input.open()));
      } else if (input.compression() != TextInput.Compression.NONE) {
        throw new ValidationException("only .jsonl and .csv inputs may be compressed (.gz, .zst)");
      } else if (name.endsWith(".parquet")) {
        try (ArrowReader reader = ParquetFiles.scan(allocator, List.of(file),
            ParquetFiles.schemaOf(allocator, file), Optional.empty(), ROWS_PER_BATCH)) {
          tx.append(progress.track(allocator, reader));
        }
      } else if (name.endsWith(".arrow") || name.endsWith(".feather")) {
        try (FileChannel channel = FileChannel.open(file);
            ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
          tx.append(progress.track(allocator, reader));
        }
      } else {
        throw new ValidationException("unknown input format (use .jsonl, .csv, .parquet or .arrow; "
            + ".jsonl and .csv may end in .gz or .zst)");
      }
    } catch (ValidationException e) {
      throw new ValidationException(file + ": " + e.getMessage(), e);
    }
  }

  /** Streams a text input into the transaction, decoded batch by batch into the table's schema. */
  private void appendText(Transaction tx, RowDecoder decoder) throws IOException {
    try (ArrowReader reader = new TextBatches(allocator, tx.schema(), decoder, ROWS_PER_BATCH)) {
      tx.append(progress.track(allocator, reader));
    }
  }
}
