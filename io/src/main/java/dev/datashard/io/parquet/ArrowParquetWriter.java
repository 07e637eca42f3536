package dev.datashard.io.parquet;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnOrder;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DateType;
import org.apache.parquet.format.DecimalType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.ListType;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.MapType;
import org.apache.parquet.format.MicroSeconds;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.StringType;
import org.apache.parquet.format.TimeType;
import org.apache.parquet.format.TimestampType;
import org.apache.parquet.format.TypeDefinedOrder;
import org.apache.parquet.format.UUIDType;
import org.apache.parquet.format.Util;

/**
 * Writes Arrow batches to one Parquet file without row objects: each leaf column's values go from
 * the Arrow buffers into its pages ({@link ColumnChunkWriter}), nested columns through their
 * repetition and definition levels. The Parquet schema is the one Iceberg derives for the Arrow
 * schema's Iceberg types (field ids from {@code PARQUET:field_id}; 3-level lists; maps as
 * {@code key_value}; decimals as int32, int64 or fixed by precision; uuid as fixed[16] with the UUID
 * logical type; times not adjusted to UTC). Pages are compressed as they fill; a row group is
 * written out once its compressed pages reach the row group size, or once it holds
 * {@value #MAX_ROW_GROUP_ROWS} rows, so memory is about one row group.
 *
 * <p>Not thread-safe. Close to finish the file (footer), or {@link #abort()} to delete it.
 */
public final class ArrowParquetWriter implements AutoCloseable {
  /** The name of Arrow's extension type whose FixedSizeBinary(16) values are UUIDs. */
  private static final String UUID_EXTENSION = "arrow.uuid";
  private static final String EXTENSION_NAME_KEY = "ARROW:extension:name";
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
  private static final String CREATED_BY = "DataShard for Java version 0.1.0";
  /** Rows written between two checks of the row group's size. */
  private static final int SIZE_CHECK_ROWS = 4096;
  /**
   * At most this many rows per row group, as Arrow C++'s writer: readers decode row groups in
   * parallel, and compressed pages of well-encoded columns reach 128 MiB only after tens of
   * millions of rows (one 10-million-row row group scanned 2.3x slower than ten, PERFORMANCE.md).
   */
  static final int MAX_ROW_GROUP_ROWS = 1 << 20;

  private final Path file;
  private final ParquetOutput out;
  private final ParquetWriteOptions options;
  private final PageCompressor compressor;
  private final List<SchemaElement> schema = new ArrayList<>();
  private final List<Node> columns = new ArrayList<>();
  private final List<ColumnChunkWriter> leaves = new ArrayList<>();
  private final List<RowGroup> rowGroups = new ArrayList<>();
  private long rowsInGroup;
  private long rows;
  private boolean closed;
  private long length;

  private ArrowParquetWriter(Path file, Schema arrowSchema, ParquetWriteOptions options) throws IOException {
    this.file = file;
    this.options = options;
    this.compressor = new PageCompressor(options.codec(), options.compressionLevel());
    SchemaElement root = new SchemaElement("table");
    root.setNum_children(arrowSchema.getFields().size());
    schema.add(root);
    for (Field field : arrowSchema.getFields()) {
      columns.add(build(field, List.of(), 0, 0));
    }
    out = new ParquetOutput(file);
    out.write(MAGIC);
  }

  /** Creates {@code file} (which must not exist) for batches of {@code arrowSchema}. */
  public static ArrowParquetWriter create(Path file, Schema arrowSchema, ParquetWriteOptions options) {
    try {
      return new ArrowParquetWriter(file, arrowSchema, options);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot create Parquet file " + file, e);
    }
  }

  public Path file() {
    return file;
  }

  /** Rows written so far. */
  public long rowCount() {
    return rows;
  }

  /**
   * The file's length if it were closed now, about: bytes written plus the row group buffered in
   * memory (compressed pages, open pages uncompressed). What a caller rolling to a new file at a
   * target size compares.
   */
  public long estimatedLength() {
    return out.position() + bufferedBytes();
  }

  private long bufferedBytes() {
    long total = 0;
    for (ColumnChunkWriter leaf : leaves) {
      total += leaf.bufferedBytes();
    }
    return total;
  }

  /**
   * Counts and bounds of top-level column {@code column} over the whole file, once it is
   * finished; empty for nested columns.
   */
  public java.util.Optional<ColumnSummary> summary(int column) {
    if (!closed) {
      throw new IllegalStateException("column summaries are complete once the file is finished");
    }
    return columns.get(column) instanceof LeafNode leaf ? java.util.Optional.of(leaf.leaf.summary())
        : java.util.Optional.empty();
  }

  /** Every row of {@code batch}, whose vectors are in the schema's column order. */
  public void write(VectorSchemaRoot batch) {
    write(batch, 0, batch.getRowCount());
  }

  /** Rows {@code [from, to)} of {@code batch}, whose vectors are in the schema's column order. */
  public void write(VectorSchemaRoot batch, int from, int to) {
    if (closed) {
      throw new IllegalStateException("the Parquet writer for " + file + " is closed");
    }
    List<FieldVector> vectors = batch.getFieldVectors();
    if (vectors.size() != columns.size()) {
      throw new IllegalArgumentException("the batch has " + vectors.size() + " columns, the file " + columns.size());
    }
    try {
      for (int start = from; start < to; start += SIZE_CHECK_ROWS) {
        int end = Math.min(to, start + SIZE_CHECK_ROWS);
        for (int c = 0; c < columns.size(); c++) {
          columns.get(c).writeRows(vectors.get(c), start, end);
        }
        rowsInGroup += end - start;
        rows += end - start;
        if (bufferedBytes() >= options.rowGroupSizeBytes() || rowsInGroup >= MAX_ROW_GROUP_ROWS) {
          flushRowGroup();
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("writing Parquet file " + file + " failed", e);
    }
  }

  private void flushRowGroup() throws IOException {
    if (rowsInGroup == 0) {
      return;
    }
    long start = out.position();
    List<ColumnChunk> chunks = new ArrayList<>(leaves.size());
    long uncompressed = 0;
    for (ColumnChunkWriter leaf : leaves) {
      ColumnChunk chunk = leaf.flush(out, options.codec());
      uncompressed += chunk.getMeta_data().getTotal_uncompressed_size();
      chunks.add(chunk);
    }
    RowGroup group = new RowGroup(chunks, uncompressed, rowsInGroup);
    group.setFile_offset(start);
    group.setTotal_compressed_size(out.position() - start);
    group.setOrdinal((short) rowGroups.size());
    rowGroups.add(group);
    rowsInGroup = 0;
  }

  /** Finishes the file: the last row group and the footer. Returns the file's length. */
  public long finish() {
    if (closed) {
      return length;
    }
    try {
      flushRowGroup();
      List<ColumnOrder> orders = new ArrayList<>(leaves.size());
      for (int i = 0; i < leaves.size(); i++) {
        ColumnOrder order = new ColumnOrder();
        order.setTYPE_ORDER(new TypeDefinedOrder());
        orders.add(order);
      }
      FileMetaData metadata = new FileMetaData(1, schema, rows, rowGroups);
      metadata.setCreated_by(CREATED_BY);
      metadata.setColumn_orders(orders);
      ByteSink footer = new ByteSink(4096);
      Util.writeFileMetaData(metadata, footer);
      footer.writeIntLE(footer.size());
      footer.write(MAGIC);
      out.write(footer.array(), 0, footer.size());
      out.flush();
      length = out.position();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("writing Parquet file " + file + " failed", e);
    } finally {
      closeQuietly();
    }
    return length;
  }

  @Override
  public void close() {
    finish();
  }

  /** Stops writing and deletes the file. */
  public void abort() {
    closeQuietly();
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left for the staging directory's owner to remove.
    }
  }

  private void closeQuietly() {
    if (closed) {
      return;
    }
    closed = true;
    compressor.close();
    try {
      out.close();
    } catch (IOException e) {
      // The caller sees the failure that brought it here, or the file is abandoned.
    }
  }

  // ------------------------------------------------------------------ schema and column tree

  /**
   * The column tree node for {@code field} and its schema elements (appended depth-first).
   *
   * @param definition definition level of the parent: optional and repeated ancestors
   * @param repetition repetition level of the parent: repeated ancestors
   */
  private Node build(Field field, List<String> parentPath, int definition, int repetition) {
    List<String> path = append(parentPath, field.getName());
    boolean nullable = field.isNullable();
    int ownDefinition = definition + (nullable ? 1 : 0);
    SchemaElement element = new SchemaElement(field.getName());
    element.setRepetition_type(nullable ? FieldRepetitionType.OPTIONAL : FieldRepetitionType.REQUIRED);
    String id = field.getMetadata().get(ParquetFiles.FIELD_ID_KEY);
    if (id != null) {
      element.setField_id(Integer.parseInt(id));
    }
    schema.add(element);
    ArrowType type = field.getType();
    if (type instanceof ArrowType.Struct) {
      element.setNum_children(field.getChildren().size());
      List<Node> children = new ArrayList<>();
      for (Field child : field.getChildren()) {
        children.add(build(child, path, ownDefinition, repetition));
      }
      return new StructNode(field.getName(), nullable, children);
    }
    if (type instanceof ArrowType.Map) {
      element.setNum_children(1);
      element.setConverted_type(ConvertedType.MAP);
      element.setLogicalType(LogicalType.MAP(new MapType()));
      Field entries = field.getChildren().get(0);
      SchemaElement keyValue = new SchemaElement("key_value");
      keyValue.setRepetition_type(FieldRepetitionType.REPEATED);
      keyValue.setNum_children(2);
      schema.add(keyValue);
      List<String> entryPath = append(path, "key_value");
      Node key = build(entries.getChildren().get(0), entryPath, ownDefinition + 1, repetition + 1);
      Node value = build(entries.getChildren().get(1), entryPath, ownDefinition + 1, repetition + 1);
      return new MapNode(field.getName(), nullable, key, value, repetition + 1);
    }
    if (type instanceof ArrowType.List) {
      element.setNum_children(1);
      element.setConverted_type(ConvertedType.LIST);
      element.setLogicalType(LogicalType.LIST(new ListType()));
      SchemaElement list = new SchemaElement("list");
      list.setRepetition_type(FieldRepetitionType.REPEATED);
      list.setNum_children(1);
      schema.add(list);
      Field elementField = field.getChildren().get(0);
      Field renamed = new Field("element", elementField.getFieldType(), elementField.getChildren());
      Node elementNode = build(renamed, append(path, "list"), ownDefinition + 1, repetition + 1);
      return new ListNode(field.getName(), nullable, elementNode, repetition + 1);
    }
    ColumnChunkWriter.Kind kind = primitive(field, element);
    int typeLength = element.isSetType_length() ? element.getType_length() : 0;
    ColumnChunkWriter leaf = new ColumnChunkWriter(path, kind, typeLength, ownDefinition, repetition, options,
        compressor);
    leaves.add(leaf);
    return new LeafNode(field.getName(), nullable, leaf, parentPath.isEmpty());
  }

  private static List<String> append(List<String> path, String name) {
    List<String> longer = new ArrayList<>(path);
    longer.add(name);
    return longer;
  }

  /** Sets the element's physical and logical type; returns how the values are converted. */
  private static ColumnChunkWriter.Kind primitive(Field field, SchemaElement element) {
    ArrowType type = field.getType();
    ColumnChunkWriter.Kind kind;
    if (type instanceof ArrowType.Bool) {
      kind = ColumnChunkWriter.Kind.BOOLEAN;
    } else if (type instanceof ArrowType.Int integer && integer.getIsSigned()
        && (integer.getBitWidth() == 32 || integer.getBitWidth() == 64)) {
      kind = integer.getBitWidth() == 32 ? ColumnChunkWriter.Kind.INT32 : ColumnChunkWriter.Kind.INT64;
    } else if (type instanceof ArrowType.FloatingPoint floating
        && floating.getPrecision() != FloatingPointPrecision.HALF) {
      kind = floating.getPrecision() == FloatingPointPrecision.SINGLE
          ? ColumnChunkWriter.Kind.FLOAT : ColumnChunkWriter.Kind.DOUBLE;
    } else if (type instanceof ArrowType.Decimal decimal && decimal.getBitWidth() == 128) {
      int precision = decimal.getPrecision();
      element.setConverted_type(ConvertedType.DECIMAL);
      element.setPrecision(precision);
      element.setScale(decimal.getScale());
      element.setLogicalType(LogicalType.DECIMAL(new DecimalType(decimal.getScale(), precision)));
      if (precision <= 9) {
        kind = ColumnChunkWriter.Kind.DECIMAL32;
      } else if (precision <= 18) {
        kind = ColumnChunkWriter.Kind.DECIMAL64;
      } else {
        kind = ColumnChunkWriter.Kind.DECIMAL_FIXED;
        element.setType_length(decimalBytes(precision));
      }
    } else if (type instanceof ArrowType.Date date && date.getUnit() == DateUnit.DAY) {
      kind = ColumnChunkWriter.Kind.INT32;
      element.setConverted_type(ConvertedType.DATE);
      element.setLogicalType(LogicalType.DATE(new DateType()));
    } else if (type instanceof ArrowType.Time time && time.getUnit() == TimeUnit.MICROSECOND
        && time.getBitWidth() == 64) {
      // A time of day without zone: Iceberg's spec requires adjustToUtc=false (no converted type,
      // whose TIME_MICROS means adjusted to UTC).
      kind = ColumnChunkWriter.Kind.INT64;
      org.apache.parquet.format.TimeUnit unit = new org.apache.parquet.format.TimeUnit();
      unit.setMICROS(new MicroSeconds());
      element.setLogicalType(LogicalType.TIME(new TimeType(false, unit)));
    } else if (type instanceof ArrowType.Timestamp timestamp && timestamp.getUnit() == TimeUnit.MICROSECOND) {
      kind = ColumnChunkWriter.Kind.INT64;
      boolean adjusted = timestamp.getTimezone() != null;
      org.apache.parquet.format.TimeUnit unit = new org.apache.parquet.format.TimeUnit();
      unit.setMICROS(new MicroSeconds());
      element.setLogicalType(LogicalType.TIMESTAMP(new TimestampType(adjusted, unit)));
      if (adjusted) {
        element.setConverted_type(ConvertedType.TIMESTAMP_MICROS);
      }
    } else if (type instanceof ArrowType.Utf8) {
      kind = ColumnChunkWriter.Kind.BINARY;
      element.setConverted_type(ConvertedType.UTF8);
      element.setLogicalType(LogicalType.STRING(new StringType()));
    } else if (type instanceof ArrowType.Binary) {
      kind = ColumnChunkWriter.Kind.BINARY;
    } else if (type instanceof ArrowType.FixedSizeBinary fixed) {
      kind = ColumnChunkWriter.Kind.FIXED;
      element.setType_length(fixed.getByteWidth());
      Map<String, String> metadata = field.getMetadata();
      if (fixed.getByteWidth() == 16 && UUID_EXTENSION.equals(metadata.get(EXTENSION_NAME_KEY))) {
        element.setLogicalType(LogicalType.UUID(new UUIDType()));
      }
    } else {
      throw new IllegalArgumentException("column '" + field.getName() + "' has Arrow type " + type
          + ", which DataShard does not write to Parquet");
    }
    element.setType(kind.physical);
    return kind;
  }

  /** The fewest bytes whose two's complement holds every unscaled value of {@code precision} digits. */
  static int decimalBytes(int precision) {
    BigInteger limit = BigInteger.TEN.pow(precision);
    int bytes = 1;
    while (BigInteger.ONE.shiftLeft(8 * bytes - 1).compareTo(limit) < 0) {
      bytes++;
    }
    return bytes;
  }

  /** A column of the tree: writes a value (or its absence) and everything below it. */
  private abstract static class Node {
    final String name;
    final boolean nullable;

    Node(String name, boolean nullable) {
      this.name = name;
      this.nullable = nullable;
    }

    /** The value at {@code index} of {@code vector}, whose parent is defined at level {@code definition}. */
    abstract void write(FieldVector vector, int index, int repetition, int definition);

    /** No value here (a null or empty ancestor at {@code definition}): a null for every leaf below. */
    abstract void writeNull(int repetition, int definition);

    abstract void endRow();

    /** Rows {@code [from, to)} of a top-level column. */
    void writeRows(FieldVector vector, int from, int to) {
      for (int row = from; row < to; row++) {
        write(vector, row, 0, 0);
        endRow();
      }
    }

    void checkNotNull(FieldVector vector, int index) {
      if (vector.isNull(index)) {
        throw new IllegalArgumentException("required field '" + name + "' has a null value (index " + index
            + " of its vector)");
      }
    }
  }

  private static final class LeafNode extends Node {
    private final ColumnChunkWriter leaf;
    private final boolean topLevel;

    LeafNode(String name, boolean nullable, ColumnChunkWriter leaf, boolean topLevel) {
      super(name, nullable);
      this.leaf = leaf;
      this.topLevel = topLevel;
    }

    @Override
    void writeRows(FieldVector vector, int from, int to) {
      if (topLevel) {
        leaf.appendFlat(vector, from, to);
      } else {
        super.writeRows(vector, from, to);
      }
    }

    @Override
    void write(FieldVector vector, int index, int repetition, int definition) {
      if (vector.isNull(index)) {
        if (!nullable) {
          checkNotNull(vector, index);
        }
        leaf.appendNull(repetition, definition);
      } else {
        leaf.appendValue(vector, index, repetition);
      }
    }

    @Override
    void writeNull(int repetition, int definition) {
      leaf.appendNull(repetition, definition);
    }

    @Override
    void endRow() {
      leaf.endRow();
    }
  }

  private static final class StructNode extends Node {
    private final List<Node> children;

    StructNode(String name, boolean nullable, List<Node> children) {
      super(name, nullable);
      this.children = children;
    }

    @Override
    void write(FieldVector vector, int index, int repetition, int definition) {
      if (vector.isNull(index)) {
        if (!nullable) {
          checkNotNull(vector, index);
        }
        writeNull(repetition, definition);
        return;
      }
      int childDefinition = nullable ? definition + 1 : definition;
      List<FieldVector> vectors = ((StructVector) vector).getChildrenFromFields();
      for (int c = 0; c < children.size(); c++) {
        children.get(c).write(vectors.get(c), index, repetition, childDefinition);
      }
    }

    @Override
    void writeNull(int repetition, int definition) {
      for (Node child : children) {
        child.writeNull(repetition, definition);
      }
    }

    @Override
    void endRow() {
      for (Node child : children) {
        child.endRow();
      }
    }
  }

  /** A list, or a map's entries: a repeated group at {@code repetitionLevel}. */
  private static final class ListNode extends Node {
    private final Node element;
    private final int repetitionLevel;

    ListNode(String name, boolean nullable, Node element, int repetitionLevel) {
      super(name, nullable);
      this.element = element;
      this.repetitionLevel = repetitionLevel;
    }

    @Override
    void write(FieldVector vector, int index, int repetition, int definition) {
      if (vector.isNull(index)) {
        if (!nullable) {
          checkNotNull(vector, index);
        }
        element.writeNull(repetition, definition);
        return;
      }
      int listDefinition = nullable ? definition + 1 : definition;
      ListVector list = (ListVector) vector;
      int start = list.getElementStartIndex(index);
      int end = list.getElementEndIndex(index);
      if (start == end) {
        element.writeNull(repetition, listDefinition);
        return;
      }
      FieldVector elements = list.getDataVector();
      for (int k = start; k < end; k++) {
        element.write(elements, k, k == start ? repetition : repetitionLevel, listDefinition + 1);
      }
    }

    @Override
    void writeNull(int repetition, int definition) {
      element.writeNull(repetition, definition);
    }

    @Override
    void endRow() {
      element.endRow();
    }
  }

  private static final class MapNode extends Node {
    private final Node key;
    private final Node value;
    private final int repetitionLevel;

    MapNode(String name, boolean nullable, Node key, Node value, int repetitionLevel) {
      super(name, nullable);
      this.key = key;
      this.value = value;
      this.repetitionLevel = repetitionLevel;
    }

    @Override
    void write(FieldVector vector, int index, int repetition, int definition) {
      if (vector.isNull(index)) {
        if (!nullable) {
          checkNotNull(vector, index);
        }
        writeNull(repetition, definition);
        return;
      }
      int mapDefinition = nullable ? definition + 1 : definition;
      MapVector map = (MapVector) vector;
      int start = map.getElementStartIndex(index);
      int end = map.getElementEndIndex(index);
      if (start == end) {
        writeNull(repetition, mapDefinition);
        return;
      }
      StructVector entries = (StructVector) map.getDataVector();
      List<FieldVector> keyValue = entries.getChildrenFromFields();
      for (int k = start; k < end; k++) {
        int r = k == start ? repetition : repetitionLevel;
        key.write(keyValue.get(0), k, r, mapDefinition + 1);
        value.write(keyValue.get(1), k, r, mapDefinition + 1);
      }
    }

    @Override
    void writeNull(int repetition, int definition) {
      key.writeNull(repetition, definition);
      value.writeNull(repetition, definition);
    }

    @Override
    void endRow() {
      key.endRow();
      value.endRow();
    }
  }
}
