package dev.datashard.io.parquet;

import static java.util.Objects.requireNonNull;

import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Statistics;
import org.apache.parquet.format.Util;

/**
 * The footer of a Parquet file, read with ranged reads of its tail: where each column chunk lies
 * and what each row group's statistics say, by Iceberg field id.
 */
public final class ParquetFooter {
  /**
   * One GET of this much of the tail holds the whole footer of most files (a few KiB for tables of
   * tens of columns); a larger footer costs a second GET. 64 KiB made a one-column scan of small
   * files fetch 1.4x the column's bytes (measured).
   */
  static final int TAIL_GUESS = 16 * 1024;
  /** A file up to this size is read whole by its first GET: a second request would cost more than its bytes. */
  static final int READ_WHOLE_BELOW = 1 << 20;
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private final String location;
  private final long fileSize;
  private final long footerOffset;
  private final FileMetaData metadata;
  /** The bytes the footer was read with: the file's last {@code tail.length} bytes. */
  private final byte[] tail;
  /** For each leaf column, in the order of every row group's column chunks: its top-level field id (or -1). */
  private final int[] leafTopLevelIds;
  /** For each leaf column: its own field id (or -1), for statistics of primitive top-level columns. */
  private final int[] leafIds;
  private final List<SchemaElement> leafElements;

  private ParquetFooter(String location, long fileSize, long footerOffset, FileMetaData metadata, byte[] tail) {
    this.location = location;
    this.tail = tail;
    this.fileSize = fileSize;
    this.footerOffset = footerOffset;
    this.metadata = metadata;
    List<int[]> leaves = leaves(metadata.getSchema());
    this.leafTopLevelIds = leaves.stream().mapToInt(l -> l[0]).toArray();
    this.leafIds = leaves.stream().mapToInt(l -> l[1]).toArray();
    this.leafElements = leaves.stream().map(l -> metadata.getSchema().get(l[2])).toList();
  }

  /** Reads the footer of the file at {@code location}, whose size the manifest recorded. */
  public static CompletableFuture<ParquetFooter> read(Storage storage, String location, long fileSize) {
    if (fileSize < 2L * MAGIC.length + 4) {
      return CompletableFuture.failedFuture(damaged(location, "it is " + fileSize + " bytes long"));
    }
    int guess = (int) (fileSize <= READ_WHOLE_BELOW ? fileSize : TAIL_GUESS);
    return storage.readRangeAsync(location, fileSize - guess, guess).thenCompose(tail -> {
      if (tail.length != guess) {
        throw damaged(location, "it is shorter than the " + fileSize + " bytes its manifest records");
      }
      ByteBuffer end = ByteBuffer.wrap(tail, tail.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
      int footerLength = end.getInt();
      if (!Arrays.equals(tail, tail.length - 4, tail.length, MAGIC, 0, 4)) {
        throw damaged(location, "it does not end with PAR1");
      }
      long footerOffset = fileSize - 8 - footerLength;
      if (footerLength <= 0 || footerOffset < MAGIC.length) {
        throw damaged(location, "its footer length " + footerLength + " does not fit the file");
      }
      if (footerLength + 8 <= tail.length) {
        return CompletableFuture.completedFuture(parse(location, fileSize, footerOffset,
            Arrays.copyOfRange(tail, tail.length - 8 - footerLength, tail.length - 8), tail));
      }
      return storage.readRangeAsync(location, footerOffset, footerLength)
          .thenApply(footer -> parse(location, fileSize, footerOffset, footer, tail));
    });
  }

  private static ParquetFooter parse(String location, long fileSize, long footerOffset, byte[] footer, byte[] tail) {
    try {
      return new ParquetFooter(location, fileSize, footerOffset, Util.readFileMetaData(new ByteArrayInputStream(footer)),
          tail);
    } catch (IOException | RuntimeException e) {
      throw damaged(location, "its footer cannot be parsed: " + e.getMessage());
    }
  }

  private static StorageException damaged(String location, String problem) {
    return new StorageException(Kind.IO, "cannot read Parquet " + location + ": " + problem);
  }

  /** For each leaf column, in schema order (the order of every row group's chunks): {top-level id, own id, schema index}. */
  private static List<int[]> leaves(List<SchemaElement> elements) {
    List<int[]> leaves = new ArrayList<>();
    int[] next = {1};
    for (int i = 0; i < elements.get(0).getNum_children() && next[0] < elements.size(); i++) {
      SchemaElement top = elements.get(next[0]);
      walk(elements, next, top.isSetField_id() ? top.getField_id() : -1, leaves);
    }
    return leaves;
  }

  private static void walk(List<SchemaElement> elements, int[] next, int topLevelId, List<int[]> leaves) {
    SchemaElement element = elements.get(next[0]++);
    if (element.isSetType()) {
      leaves.add(new int[] {topLevelId, element.isSetField_id() ? element.getField_id() : -1, next[0] - 1});
      return;
    }
    for (int c = 0; c < element.getNum_children() && next[0] < elements.size(); c++) {
      walk(elements, next, topLevelId, leaves);
    }
  }

  public String location() {
    return location;
  }

  public long fileSize() {
    return fileSize;
  }

  long footerOffset() {
    return footerOffset;
  }

  FileMetaData metadata() {
    return metadata;
  }

  /** The bytes from {@code offset} on, if the read of the footer already holds them all. */
  java.util.Optional<ByteBuffer> alreadyRead(long offset, long length) {
    long tailOffset = fileSize - tail.length;
    if (offset < tailOffset || offset + length > fileSize) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(ByteBuffer.wrap(tail, (int) (offset - tailOffset), (int) length));
  }

  /** Whether the leaf column at {@code index} belongs to a top-level column among {@code fieldIds}. */
  boolean isNeeded(int leaf, java.util.Set<Integer> fieldIds) {
    int top = leafTopLevelIds[leaf];
    return top < 0 || fieldIds.contains(top); // a column without an id cannot be told apart: keep it
  }

  public int rowGroupCount() {
    return metadata.getRow_groups().size();
  }

  /** Every row group: for a scan without a filter. */
  public static java.util.BitSet allRowGroups(ParquetFooter footer) {
    java.util.BitSet all = new java.util.BitSet();
    all.set(0, footer.metadata.getRow_groups().size());
    return all;
  }

  /** The row groups, with the statistics of their top-level primitive columns by field id. */
  public List<RowGroupStatistics> rowGroups() {
    List<RowGroupStatistics> groups = new ArrayList<>();
    List<RowGroup> rowGroups = metadata.getRow_groups();
    for (int g = 0; g < rowGroups.size(); g++) {
      RowGroup group = rowGroups.get(g);
      Map<Integer, ColumnStatistics> columns = new HashMap<>();
      List<ColumnChunk> chunks = group.getColumns();
      for (int leaf = 0; leaf < chunks.size() && leaf < leafIds.length; leaf++) {
        // Only a top-level primitive's statistics describe its values: a leaf's own id is its top-level id.
        if (leafIds[leaf] >= 0 && leafIds[leaf] == leafTopLevelIds[leaf] && chunks.get(leaf).isSetMeta_data()) {
          ColumnMetaData chunk = chunks.get(leaf).getMeta_data();
          columns.put(leafIds[leaf], statistics(chunk, leafElements.get(leaf)));
        }
      }
      groups.add(new RowGroupStatistics(g, group.getNum_rows(), columns));
    }
    return groups;
  }

  private ColumnStatistics statistics(ColumnMetaData chunk, SchemaElement element) {
    Statistics stats = chunk.isSetStatistics() ? chunk.getStatistics() : null;
    Long nulls = stats != null && stats.isSetNull_count() ? stats.getNull_count() : null;
    // Only min_value/max_value: the deprecated min/max used a sort order that was wrong for some types.
    byte[] min = stats != null && stats.isSetMin_value() ? stats.getMin_value() : null;
    byte[] max = stats != null && stats.isSetMax_value() ? stats.getMax_value() : null;
    String unit = null;
    if (element.isSetLogicalType() && element.getLogicalType().isSetTIMESTAMP()) {
      unit = element.getLogicalType().getTIMESTAMP().getUnit().getSetField().getFieldName();
    } else if (element.isSetLogicalType() && element.getLogicalType().isSetTIME()) {
      unit = element.getLogicalType().getTIME().getUnit().getSetField().getFieldName();
    }
    return new ColumnStatistics(chunk.getNum_values(), nulls, min, max, chunk.getType().name(), unit);
  }

  /** What a row group's footer says of one column. */
  public record RowGroupStatistics(int index, long rowCount, Map<Integer, ColumnStatistics> columns) {
    public RowGroupStatistics {
      columns = Map.copyOf(requireNonNull(columns, "columns"));
    }
  }

  /**
   * One column chunk's statistics, its bounds in Parquet's plain encoding of the physical type
   * (null when absent).
   *
   * @param physicalType Parquet's physical type: INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY, ...
   * @param timeUnit for TIME and TIMESTAMP columns: MILLIS, MICROS or NANOS; otherwise null
   */
  public record ColumnStatistics(long valueCount, Long nullCount, byte[] min, byte[] max, String physicalType,
      String timeUnit) {}
}
