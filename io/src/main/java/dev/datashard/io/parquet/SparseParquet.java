package dev.datashard.io.parquet;

import dev.datashard.io.LocalFile;
import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Fetches only the bytes of a Parquet file a scan needs: the chunks of the projected columns in
 * the row groups that may match. They land at their own offsets in a sparse local file, whose
 * footer is rewritten to list only those row groups, so the Parquet decoder reads it as a whole
 * file and never touches the holes.
 */
public final class SparseParquet {
  /**
   * Ranges closer than this are fetched as one: a request costs more than the gap's bytes. Small,
   * because the gap between one column's chunks in consecutive row groups is the other columns'
   * chunks: a 1 MiB gap fetched 12x a column's bytes on files of several row groups (measured).
   */
  static final int COALESCE_GAP = 64 << 10;
  /** Larger ranges are split into parallel GETs of this size. */
  static final int PART_SIZE = 8 << 20;
  /** Parts in flight per file: bounds the memory a file's fetch holds at once. */
  static final int PARTS_IN_FLIGHT = 8;
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  /**
   * What to fetch of one file: its byte ranges, and the footer to write after them.
   *
   * @param allRowGroups whether every row group is read: then the file itself can be decoded
   *     where it is local, the projection reading only the columns' chunks
   */
  public record Plan(ParquetFooter footer, List<Range> ranges, byte[] sparseFooter, boolean allRowGroups) {
    /** The bytes the fetch transfers. */
    public long bytes() {
      return ranges.stream().mapToLong(Range::length).sum();
    }
  }

  /** A byte range of the file. */
  public record Range(long offset, long length) {}

  private SparseParquet() {}

  /**
   * Plans the fetch of the top-level columns {@code fieldIds} in the row groups {@code rowGroups}
   * ({@link ParquetFooter#rowGroups()} indexes).
   */
  public static Plan plan(ParquetFooter footer, Set<Integer> fieldIds, BitSet rowGroups) {
    FileMetaData metadata = footer.metadata();
    List<RowGroup> groups = metadata.getRow_groups();
    List<Range> ranges = new ArrayList<>();
    List<RowGroup> kept = new ArrayList<>();
    long rows = 0;
    for (int g = 0; g < groups.size(); g++) {
      if (!rowGroups.get(g)) {
        continue;
      }
      RowGroup group = groups.get(g).deepCopy();
      rows += group.getNum_rows();
      List<ColumnChunk> chunks = group.getColumns();
      for (int leaf = 0; leaf < chunks.size(); leaf++) {
        ColumnChunk chunk = chunks.get(leaf);
        // The decoder does not need page indexes or bloom filters, and they would point into holes.
        chunk.unsetColumn_index_offset();
        chunk.unsetColumn_index_length();
        chunk.unsetOffset_index_offset();
        chunk.unsetOffset_index_length();
        if (chunk.isSetMeta_data()) {
          chunk.getMeta_data().unsetBloom_filter_offset();
          chunk.getMeta_data().unsetBloom_filter_length();
        }
        if (footer.isNeeded(leaf, fieldIds)) {
          ranges.add(range(footer, chunk));
        }
      }
      kept.add(group);
    }
    FileMetaData sparse = metadata.deepCopy();
    sparse.setRow_groups(kept);
    sparse.setNum_rows(rows);
    return new Plan(footer, coalesce(ranges), serialize(sparse), kept.size() == groups.size());
  }

  /**
   * The bytes of the top-level columns {@code fieldIds} in one row group: what fetching it costs,
   * before ranges closer than {@link #COALESCE_GAP} are merged.
   */
  public static long chunkBytes(ParquetFooter footer, Set<Integer> fieldIds, int rowGroup) {
    List<ColumnChunk> chunks = footer.metadata().getRow_groups().get(rowGroup).getColumns();
    long bytes = 0;
    for (int leaf = 0; leaf < chunks.size(); leaf++) {
      if (footer.isNeeded(leaf, fieldIds)) {
        bytes += range(footer, chunks.get(leaf)).length();
      }
    }
    return bytes;
  }

  private static Range range(ParquetFooter footer, ColumnChunk chunk) {
    if (!chunk.isSetMeta_data()) {
      throw new StorageException(Kind.IO, "cannot read Parquet " + footer.location() + ": a column chunk "
          + "has no metadata (stored in another file?)");
    }
    ColumnMetaData meta = chunk.getMeta_data();
    long start = meta.getData_page_offset();
    if (meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0
        && meta.getDictionary_page_offset() < start) {
      start = meta.getDictionary_page_offset();
    }
    long length = meta.getTotal_compressed_size();
    if (start < MAGIC.length || length < 0 || start + length > footer.footerOffset()) {
      throw new StorageException(Kind.IO, "cannot read Parquet " + footer.location() + ": a column chunk at "
          + start + " (" + length + " bytes) lies outside the data");
    }
    return new Range(start, length);
  }

  private static List<Range> coalesce(List<Range> ranges) {
    List<Range> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(Range::offset));
    List<Range> merged = new ArrayList<>();
    for (Range range : sorted) {
      Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && range.offset() <= last.offset() + last.length() + COALESCE_GAP) {
        long end = Math.max(last.offset() + last.length(), range.offset() + range.length());
        merged.set(merged.size() - 1, new Range(last.offset(), end - last.offset()));
      } else {
        merged.add(range);
      }
    }
    return merged;
  }

  private static byte[] serialize(FileMetaData metadata) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Util.writeFileMetaData(metadata, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new StorageException(Kind.IO, "cannot write a Parquet footer: " + e.getMessage(), e);
    }
  }

  /**
   * Fetches a plan into a sparse local file (deleted when the returned file is closed), or hands
   * out a local file in place when the plan reads all its row groups. {@code cancelled} stops further
   * requests; the returned future then fails.
   */
  public static CompletableFuture<LocalFile> fetch(Storage storage, Plan plan, AtomicBoolean cancelled) {
    String location = plan.footer().location();
    Location parsed = Location.of(location);
    if (plan.allRowGroups() && parsed.isLocal()) {
      return CompletableFuture.completedFuture(LocalFile.original(parsed.localPath()));
    }
    Path file;
    FileChannel channel;
    try {
      file = Files.createTempFile("datashard-scan-", ".parquet");
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new StorageException(Kind.IO,
          "cannot create a temporary file to read " + location + ": " + e.getMessage(), e));
    }
    List<Range> parts = new ArrayList<>();
    CompletableFuture<Void> fetched;
    try {
      for (Range range : plan.ranges()) {
        var read = plan.footer().alreadyRead(range.offset(), range.length());
        if (read.isPresent()) {
          writeAt(channel, read.get(), range.offset());
          continue;
        }
        for (long at = range.offset(); at < range.offset() + range.length(); at += PART_SIZE) {
          parts.add(new Range(at, Math.min(PART_SIZE, range.offset() + range.length() - at)));
        }
      }
      fetched = new PartQueue(storage, location, parts, channel, cancelled).run();
    } catch (RuntimeException e) {
      fetched = CompletableFuture.failedFuture(e);
    }
    return fetched.thenApply(done -> {
      writeAt(channel, ByteBuffer.wrap(MAGIC), 0);
      long footerAt = plan.footer().footerOffset();
      writeAt(channel, ByteBuffer.wrap(plan.sparseFooter()), footerAt);
      ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      tail.putInt(plan.sparseFooter().length).put(MAGIC).flip();
      writeAt(channel, tail, footerAt + plan.sparseFooter().length);
      return LocalFile.temporaryCopy(file);
    }).whenComplete((local, failure) -> {
      try {
        channel.close();
      } catch (IOException e) {
        // the file is complete or being discarded either way
      }
      if (failure != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // a temporary file; nothing references it
        }
      }
    });
  }

  private static void writeAt(FileChannel channel, ByteBuffer bytes, long position) {
    try {
      long at = position;
      while (bytes.hasRemaining()) {
        at += channel.write(bytes, at);
      }
    } catch (IOException e) {
      throw new StorageException(Kind.IO, "cannot write a temporary scan file: " + e.getMessage(), e);
    }
  }

  /** Fetches parts with at most {@link #PARTS_IN_FLIGHT} requests at a time, writing each as it arrives. */
  private static final class PartQueue {
    private final Storage storage;
    private final String location;
    private final List<Range> parts;
    private final FileChannel channel;
    private final AtomicBoolean cancelled;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int next;
    private int running;

    PartQueue(Storage storage, String location, List<Range> parts, FileChannel channel, AtomicBoolean cancelled) {
      this.storage = storage;
      this.location = location;
      this.parts = parts;
      this.channel = channel;
      this.cancelled = cancelled;
    }

    CompletableFuture<Void> run() {
      startMore();
      return done;
    }

    private void startMore() {
      List<Range> starting = new ArrayList<>();
      synchronized (this) {
        if (done.isDone()) {
          return;
        }
        if (next == parts.size() && running == 0) {
          done.complete(null);
          return;
        }
        if (cancelled.get()) {
          done.completeExceptionally(new StorageException(Kind.IO, "reading " + location + " was cancelled"));
          return;
        }
        while (running < PARTS_IN_FLIGHT && next < parts.size()) {
          starting.add(parts.get(next++));
          running++;
        }
      }
      for (Range part : starting) {
        storage.readRangeAsync(location, part.offset(), (int) part.length()).whenComplete((bytes, failure) -> {
          try {
            if (failure != null) {
              throw StorageException.unwrap(failure) instanceof RuntimeException runtime ? runtime
                  : new StorageException(Kind.IO, "cannot read " + location + ": " + failure.getMessage(), failure);
            }
            if (bytes.length != part.length()) {
              throw new StorageException(Kind.IO, "cannot read Parquet " + location + ": it ended before byte "
                  + (part.offset() + part.length()));
            }
            writeAt(channel, ByteBuffer.wrap(bytes), part.offset());
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
          synchronized (this) {
            running--;
          }
          startMore();
        });
      }
    }
  }
}
