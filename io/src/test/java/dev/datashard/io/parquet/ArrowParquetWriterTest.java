package dev.datashard.io.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Parquet writer against Arrow C++'s reader (arrow-dataset, what DataShard scans with): every
 * type, nulls at every level, many pages and row groups, dictionary fallback, every codec.
 * Iceberg's own reader checks the same files in src-test's interop tests.
 */
class ArrowParquetWriterTest {
  private final BufferAllocator allocator = new RootAllocator();
  @TempDir Path dir;

  @AfterEach
  void checkLeaks() {
    allocator.close();
  }

  private static Field field(String name, int id, ArrowType type, boolean nullable, Field... children) {
    return field(name, id, type, nullable, Map.of(), children);
  }

  private static Field field(String name, int id, ArrowType type, boolean nullable, Map<String, String> extra,
      Field... children) {
    Map<String, String> metadata = new HashMap<>(extra);
    metadata.put(ParquetFiles.FIELD_ID_KEY, Integer.toString(id));
    return new Field(name, new FieldType(nullable, type, null, metadata), List.of(children));
  }

  static final Schema FLAT = new Schema(List.of(
      field("id", 1, new ArrowType.Int(64, true), false),
      field("b", 2, ArrowType.Bool.INSTANCE, true),
      field("i", 3, new ArrowType.Int(32, true), true),
      field("f", 4, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), true),
      field("d", 5, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), true),
      field("dec9", 6, new ArrowType.Decimal(9, 2, 128), true),
      field("dec18", 7, new ArrowType.Decimal(18, 6, 128), true),
      field("dec38", 8, new ArrowType.Decimal(38, 10, 128), true),
      field("date", 9, new ArrowType.Date(DateUnit.DAY), true),
      field("time", 10, new ArrowType.Time(TimeUnit.MICROSECOND, 64), true),
      field("ts", 11, new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), true),
      field("tstz", 12, new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), true),
      field("s", 13, ArrowType.Utf8.INSTANCE, true),
      field("u", 14, new ArrowType.FixedSizeBinary(16), true, Map.of("ARROW:extension:name", "arrow.uuid",
          "ARROW:extension:metadata", "")),
      field("fx", 15, new ArrowType.FixedSizeBinary(5), true),
      field("bin", 16, ArrowType.Binary.INSTANCE, true),
      field("rs", 17, ArrowType.Utf8.INSTANCE, false)));

  /** Row {@code n}: optional columns null when {@code n % 7 == 3}; few distinct strings in "s". */
  private static void fillFlat(VectorSchemaRoot root, int from, int count) {
    for (int k = 0; k < count; k++) {
      int n = from + k;
      ((BigIntVector) root.getVector("id")).setSafe(k, n);
      ((VarCharVector) root.getVector("rs")).setSafe(k, ("row-" + n).getBytes(StandardCharsets.UTF_8));
      if (n % 7 == 3) {
        for (FieldVector v : root.getFieldVectors()) {
          if (v.getField().isNullable()) {
            v.setNull(k);
          }
        }
        continue;
      }
      int sign = n % 2 == 0 ? 1 : -1;
      ((BitVector) root.getVector("b")).setSafe(k, n % 3 == 0 ? 1 : 0);
      ((IntVector) root.getVector("i")).setSafe(k, sign * n);
      ((Float4Vector) root.getVector("f")).setSafe(k, n % 11 == 5 ? Float.NaN : sign * n * 0.5f);
      ((Float8Vector) root.getVector("d")).setSafe(k, sign * n * 1.25);
      ((DecimalVector) root.getVector("dec9")).setSafe(k, BigDecimal.valueOf(sign * n * 101L, 2));
      ((DecimalVector) root.getVector("dec18")).setSafe(k, BigDecimal.valueOf(sign * n * 1_000_003L, 6));
      ((DecimalVector) root.getVector("dec38")).setSafe(k,
          new BigDecimal("12345678901234567890.1234567890").multiply(BigDecimal.valueOf(sign * n)));
      ((DateDayVector) root.getVector("date")).setSafe(k, sign * n);
      ((TimeMicroVector) root.getVector("time")).setSafe(k, n * 1_000_003L % 86_400_000_000L);
      ((TimeStampMicroVector) root.getVector("ts")).setSafe(k, sign * n * 1_000_000_007L);
      ((TimeStampMicroTZVector) root.getVector("tstz")).setSafe(k, sign * n * 999_999_937L);
      ((VarCharVector) root.getVector("s")).setSafe(k, ("event-" + n % 5 + "-é").getBytes(StandardCharsets.UTF_8));
      ((FixedSizeBinaryVector) root.getVector("u")).setSafe(k,
          ByteBuffer.allocate(16).putLong(n * 31L).putLong(-n).array());
      ((FixedSizeBinaryVector) root.getVector("fx")).setSafe(k, new byte[] {1, 2, 3, 4, (byte) n});
      ((VarBinaryVector) root.getVector("bin")).setSafe(k, new byte[n % 9]);
    }
    root.setRowCount(count);
  }

  private Path write(Schema schema, ParquetWriteOptions options, List<VectorSchemaRoot> batches) {
    Path file = dir.resolve("f-" + System.nanoTime() + ".parquet");
    try (ArrowParquetWriter writer = ArrowParquetWriter.create(file, schema, options)) {
      for (VectorSchemaRoot batch : batches) {
        writer.write(batch);
      }
    }
    return file;
  }

  /** Every row of every batch, each value as text (byte arrays as their contents). */
  private static List<String> rows(VectorSchemaRoot root) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < root.getRowCount(); i++) {
      StringBuilder row = new StringBuilder();
      for (FieldVector vector : root.getFieldVectors()) {
        Object value = vector.getObject(i);
        row.append(value instanceof byte[] bytes ? Arrays.toString(bytes) : String.valueOf(value)).append(" | ");
      }
      rows.add(row.toString());
    }
    return rows;
  }

  private List<String> readBack(Path file, Schema schema) throws Exception {
    List<String> rows = new ArrayList<>();
    try (ArrowReader reader = ParquetFiles.scan(allocator, List.of(file), schema, Optional.empty(), 10_000)) {
      while (reader.loadNextBatch()) {
        rows.addAll(rows(reader.getVectorSchemaRoot()));
      }
    }
    return rows;
  }

  static FileMetaData footer(Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    int length = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return Util.readFileMetaData(new ByteArrayInputStream(bytes, bytes.length - 8 - length, length));
  }

  @ParameterizedTest
  @EnumSource(ParquetCodec.class)
  void everyFlatTypeRoundTripsThroughArrowsReaderWithEveryCodec(ParquetCodec codec) throws Exception {
    List<String> expected = new ArrayList<>();
    List<VectorSchemaRoot> batches = new ArrayList<>();
    try {
      for (int b = 0; b < 3; b++) {
        VectorSchemaRoot root = VectorSchemaRoot.create(FLAT, allocator);
        fillFlat(root, b * 3_000, 3_000);
        expected.addAll(rows(root));
        batches.add(root);
      }
      // Small pages and row groups: many of each.
      ParquetWriteOptions options = ParquetWriteOptions.DEFAULT.withCodec(codec, null)
          .withPageSize(8 * 1024, 1_000).withRowGroupSize(64 * 1024);
      Path file = write(FLAT, options, batches);
      assertThat(readBack(file, FLAT)).isEqualTo(expected);
      FileMetaData footer = footer(file);
      assertThat(footer.getNum_rows()).isEqualTo(9_000);
      assertThat(footer.getRow_groups()).hasSizeGreaterThan(1);
      for (var group : footer.getRow_groups()) {
        for (var chunk : group.getColumns()) {
          assertThat(chunk.getMeta_data().getCodec()).isEqualTo(codec.thrift());
        }
      }
    } finally {
      batches.forEach(VectorSchemaRoot::close);
    }
  }

  @Test
  void defaultIsZstdWithIcebergsParquetTypes() throws Exception {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(FLAT, allocator)) {
      fillFlat(root, 0, 100);
      Path file = write(FLAT, ParquetWriteOptions.DEFAULT, List.of(root));
      FileMetaData footer = footer(file);
      assertThat(footer.getRow_groups().get(0).getColumns().get(0).getMeta_data().getCodec())
          .isEqualTo(CompressionCodec.ZSTD);
      Map<String, SchemaElement> elements = new HashMap<>();
      footer.getSchema().forEach(e -> elements.put(e.getName(), e));
      assertThat(elements.get("dec9").getType()).isEqualTo(org.apache.parquet.format.Type.INT32);
      assertThat(elements.get("dec18").getType()).isEqualTo(org.apache.parquet.format.Type.INT64);
      assertThat(elements.get("dec38").getType()).isEqualTo(org.apache.parquet.format.Type.FIXED_LEN_BYTE_ARRAY);
      assertThat(elements.get("dec38").getType_length()).isEqualTo(16);
      assertThat(elements.get("time").getLogicalType().getTIME().isIsAdjustedToUTC()).isFalse();
      assertThat(elements.get("ts").getLogicalType().getTIMESTAMP().isIsAdjustedToUTC()).isFalse();
      assertThat(elements.get("tstz").getLogicalType().getTIMESTAMP().isIsAdjustedToUTC()).isTrue();
      assertThat(elements.get("u").getLogicalType().isSetUUID()).isTrue();
      assertThat(elements.get("u").getType_length()).isEqualTo(16);
      assertThat(elements.get("s").getLogicalType().isSetSTRING()).isTrue();
      assertThat(elements.get("id").getField_id()).isEqualTo(1);
      assertThat(elements.get("bin").getField_id()).isEqualTo(16);
      // Few distinct strings: dictionary-encoded; unique ids: plain.
      ColumnMetaData s = chunk(footer, "s");
      assertThat(s.getEncodings()).contains(Encoding.RLE_DICTIONARY);
      assertThat(s.isSetDictionary_page_offset()).isTrue();
      ColumnMetaData rs = chunk(footer, "rs");
      assertThat(rs.getEncodings()).doesNotContain(Encoding.RLE_DICTIONARY);
      // Statistics in the column's order: signed numbers, NaN left out.
      ColumnMetaData i = chunk(footer, "i");
      assertThat(ByteBuffer.wrap(i.getStatistics().getMin_value()).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(-99);
      assertThat(ByteBuffer.wrap(i.getStatistics().getMax_value()).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(98);
      assertThat(i.getStatistics().getNull_count()).isEqualTo(14);
      assertThat(new String(s.getStatistics().getMin_value(), StandardCharsets.UTF_8)).isEqualTo("event-0-é");
    }
  }

  private static ColumnMetaData chunk(FileMetaData footer, String name) {
    return footer.getRow_groups().get(0).getColumns().stream().map(c -> c.getMeta_data())
        .filter(m -> m.getPath_in_schema().get(0).equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aDictionaryThatOutgrowsItsLimitFallsBackToPlainMidChunk() throws Exception {
    Schema schema = new Schema(List.of(field("s", 1, ArrowType.Utf8.INSTANCE, true),
        field("l", 2, new ArrowType.Int(64, true), false),
        field("short", 3, ArrowType.Utf8.INSTANCE, false)));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      for (int n = 0; n < 20_000; n++) {
        // Repeats at first (dictionary pays), then thousands of new values.
        String text = n < 5_000 ? "v" + n % 10 : "distinct-value-" + n;
        ((VarCharVector) root.getVector("s")).setSafe(n, text.getBytes(StandardCharsets.UTF_8));
        ((BigIntVector) root.getVector("l")).setSafe(n, n < 10_000 ? n % 3 : n);
        // Values of 0 to 3 bytes, 300 distinct: the dictionary's short-value table grows.
        String small = n % 300 == 0 ? "" : Integer.toString(n % 300, 7);
        ((VarCharVector) root.getVector("short")).setSafe(n, small.getBytes(StandardCharsets.UTF_8));
      }
      root.setRowCount(20_000);
      Path file = write(schema, ParquetWriteOptions.DEFAULT.withPageSize(4 * 1024, 1_000).withDictionarySize(16 * 1024),
          List.of(root));
      assertThat(readBack(file, schema)).isEqualTo(rows(root));
      ColumnMetaData s = chunk(footer(file), "s");
      assertThat(s.getEncodings()).contains(Encoding.RLE_DICTIONARY, Encoding.PLAIN);
      assertThat(s.getEncoding_stats()).anyMatch(e -> e.getEncoding() == Encoding.PLAIN
          && e.getPage_type() == org.apache.parquet.format.PageType.DATA_PAGE);
      assertThat(chunk(footer(file), "short").getEncodings()).contains(Encoding.RLE_DICTIONARY);
    }
  }

  /**
   * Columns of nearly all distinct values give up their dictionary after the first values (read
   * back unchanged across that switch, in the middle of the first page); a column drawn from a few
   * thousand values keeps it.
   */
  @Test
  void dictionaryEncodingIsDroppedEarlyOnlyForNearlyDistinctValues() throws Exception {
    Schema schema = new Schema(List.of(field("id", 1, new ArrowType.Int(64, true), false),
        field("name", 2, ArrowType.Utf8.INSTANCE, false),
        field("product", 3, new ArrowType.Int(64, true), false)));
    java.util.Random random = new java.util.Random(17);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      for (int n = 0; n < 20_000; n++) {
        ((BigIntVector) root.getVector("id")).setSafe(n, 1_000_000L + n);
        ((VarCharVector) root.getVector("name")).setSafe(n, ("user-" + n).getBytes(StandardCharsets.UTF_8));
        ((BigIntVector) root.getVector("product")).setSafe(n, random.nextInt(3_000));
      }
      root.setRowCount(20_000);
      Path file = write(schema, ParquetWriteOptions.DEFAULT, List.of(root));
      assertThat(readBack(file, schema)).isEqualTo(rows(root));
      FileMetaData footer = footer(file);
      assertThat(chunk(footer, "id").getEncodings()).doesNotContain(Encoding.RLE_DICTIONARY);
      assertThat(chunk(footer, "name").getEncodings()).doesNotContain(Encoding.RLE_DICTIONARY);
      assertThat(chunk(footer, "product").getEncodings()).contains(Encoding.RLE_DICTIONARY);
    }
  }

  static final Schema NESTED = new Schema(List.of(
      field("id", 1, new ArrowType.Int(32, true), false),
      field("st", 2, ArrowType.Struct.INSTANCE, true,
          field("x", 3, new ArrowType.Int(32, true), false),
          field("y", 4, ArrowType.Utf8.INSTANCE, true),
          field("inner", 5, ArrowType.Struct.INSTANCE, true,
              field("z", 6, new ArrowType.Decimal(5, 1, 128), true))),
      field("li", 7, ArrowType.List.INSTANCE, true, field("element", 8, new ArrowType.Int(64, true), true)),
      field("m", 9, new ArrowType.Map(false), true,
          new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(
              field("key", 10, ArrowType.Utf8.INSTANCE, false),
              field("value", 11, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), true)))),
      field("ls", 12, ArrowType.List.INSTANCE, false,
          field("element", 13, ArrowType.Struct.INSTANCE, false,
              field("a", 14, ArrowType.Utf8.INSTANCE, true))),
      field("ll", 15, ArrowType.List.INSTANCE, true,
          field("element", 16, ArrowType.List.INSTANCE, true, field("element", 17, new ArrowType.Int(32, true), true)))));

  private static void fillNested(VectorSchemaRoot root, int count) {
    StructVector st = (StructVector) root.getVector("st");
    ListVector li = (ListVector) root.getVector("li");
    MapVector m = (MapVector) root.getVector("m");
    ListVector ls = (ListVector) root.getVector("ls");
    ListVector ll = (ListVector) root.getVector("ll");
    StructVector entries = (StructVector) m.getDataVector();
    StructVector lsElements = (StructVector) ls.getDataVector();
    ListVector llInner = (ListVector) ll.getDataVector();
    for (int n = 0; n < count; n++) {
      ((IntVector) root.getVector("id")).setSafe(n, n);
      if (n % 4 == 1) {
        st.setNull(n);
      } else {
        st.setIndexDefined(n);
        ((IntVector) st.getChild("x")).setSafe(n, n * 3);
        if (n % 3 == 0) {
          ((VarCharVector) st.getChild("y")).setNull(n);
        } else {
          ((VarCharVector) st.getChild("y")).setSafe(n, ("y" + n).getBytes(StandardCharsets.UTF_8));
        }
        StructVector inner = (StructVector) st.getChild("inner");
        if (n % 5 == 2) {
          inner.setNull(n);
        } else {
          inner.setIndexDefined(n);
          DecimalVector z = (DecimalVector) inner.getChild("z");
          if (n % 2 == 0) {
            z.setNull(n);
          } else {
            z.setSafe(n, BigDecimal.valueOf(n, 1));
          }
        }
      }
      // li: null, empty, or 1-3 elements with a null element now and then
      if (n % 6 == 0) {
        li.setNull(n);
      } else {
        int offset = li.startNewValue(n);
        int size = n % 6 == 1 ? 0 : n % 3 + 1;
        BigIntVector elements = (BigIntVector) li.getDataVector();
        for (int e = 0; e < size; e++) {
          if ((n + e) % 4 == 0) {
            elements.setNull(offset + e);
          } else {
            elements.setSafe(offset + e, n * 10L + e);
          }
        }
        li.endValue(n, size);
      }
      if (n % 5 == 0) {
        m.setNull(n);
      } else {
        int offset = m.startNewValue(n);
        int size = n % 5 - 1;
        for (int e = 0; e < size; e++) {
          entries.setIndexDefined(offset + e);
          ((VarCharVector) entries.getChild("key")).setSafe(offset + e, ("k" + e).getBytes(StandardCharsets.UTF_8));
          Float8Vector value = (Float8Vector) entries.getChild("value");
          if (e == 1) {
            value.setNull(offset + e);
          } else {
            value.setSafe(offset + e, n + e / 10.0);
          }
        }
        m.endValue(n, size);
      }
      int offset = ls.startNewValue(n);
      int size = n % 3;
      for (int e = 0; e < size; e++) {
        lsElements.setIndexDefined(offset + e);
        VarCharVector a = (VarCharVector) lsElements.getChild("a");
        if (e == 1) {
          a.setNull(offset + e);
        } else {
          a.setSafe(offset + e, ("a" + n).getBytes(StandardCharsets.UTF_8));
        }
      }
      ls.endValue(n, size);
      if (n % 7 == 0) {
        ll.setNull(n);
      } else {
        int outer = ll.startNewValue(n);
        int outerSize = n % 3;
        for (int e = 0; e < outerSize; e++) {
          if (e == 1 && n % 2 == 0) {
            llInner.setNull(outer + e);
            continue;
          }
          int innerOffset = llInner.startNewValue(outer + e);
          int innerSize = (n + e) % 3;
          IntVector ints = (IntVector) llInner.getDataVector();
          for (int x = 0; x < innerSize; x++) {
            ints.setSafe(innerOffset + x, n * 100 + e * 10 + x);
          }
          llInner.endValue(outer + e, innerSize);
        }
        ll.endValue(n, outerSize);
      }
    }
    root.setRowCount(count);
  }

  @ParameterizedTest
  @EnumSource(value = ParquetCodec.class, names = {"ZSTD", "UNCOMPRESSED"})
  void nestedColumnsRoundTrip(ParquetCodec codec) throws Exception {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(NESTED, allocator)) {
      fillNested(root, 5_000);
      Path file = write(NESTED, ParquetWriteOptions.DEFAULT.withCodec(codec, null).withPageSize(2 * 1024, 300)
          .withRowGroupSize(32 * 1024), List.of(root));
      assertThat(readBack(file, NESTED)).isEqualTo(rows(root));
      FileMetaData footer = footer(file);
      List<String> paths = footer.getRow_groups().get(0).getColumns().stream()
          .map(c -> String.join(".", c.getMeta_data().getPath_in_schema())).toList();
      assertThat(paths).containsExactly("id", "st.x", "st.y", "st.inner.z", "li.list.element",
          "m.key_value.key", "m.key_value.value", "ls.list.element.a", "ll.list.element.list.element");
    }
  }

  @Test
  void aNullInARequiredColumnIsRefused() {
    Schema schema = new Schema(List.of(field("id", 1, new ArrowType.Int(64, true), false)));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      ((BigIntVector) root.getVector("id")).setSafe(0, 1);
      ((BigIntVector) root.getVector("id")).setNull(1);
      root.setRowCount(2);
      Path file = dir.resolve("refused.parquet");
      ArrowParquetWriter writer = ArrowParquetWriter.create(file, schema, ParquetWriteOptions.DEFAULT);
      assertThatThrownBy(() -> writer.write(root)).hasMessageContaining("required column 'id'");
      writer.abort();
      assertThat(file).doesNotExist();
    }
  }

  @Test
  void codecNamesAndLevelsAreChecked() {
    assertThat(ParquetCodec.fromName("ZSTD")).isEqualTo(ParquetCodec.ZSTD);
    assertThat(ParquetCodec.fromName("lz4_raw")).isEqualTo(ParquetCodec.LZ4_RAW);
    assertThatThrownBy(() -> ParquetCodec.fromName("zip")).hasMessageContaining("unknown compression codec 'zip'")
        .hasMessageContaining("zstd");
    assertThatThrownBy(() -> ParquetCodec.fromName("brotli")).hasMessageContaining("not supported");
    assertThatThrownBy(() -> ParquetCodec.GZIP.checkLevel(10)).hasMessageContaining("0 to 9");
    assertThatThrownBy(() -> ParquetCodec.ZSTD.checkLevel(23)).hasMessageContaining("22");
  }

  @Test
  void rowGroupsCloseAtAMillionRowsWhateverTheirBytes() throws Exception {
    Schema schema = new Schema(List.of(field("id", 1, new ArrowType.Int(64, true), false)));
    int rows = ArrowParquetWriter.MAX_ROW_GROUP_ROWS * 2 + 1000;
    Path file = dir.resolve("rows.parquet");
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        ArrowParquetWriter writer = ArrowParquetWriter.create(file, schema, ParquetWriteOptions.DEFAULT)) {
      BigIntVector ids = (BigIntVector) root.getVector("id");
      ids.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        ids.set(i, i % 7); // compresses to almost nothing: far below the 128 MiB row group size
      }
      root.setRowCount(rows);
      writer.write(root);
    }
    assertThat(footer(file).getRow_groups()).extracting(group -> group.getNum_rows())
        .containsExactly((long) ArrowParquetWriter.MAX_ROW_GROUP_ROWS, (long) ArrowParquetWriter.MAX_ROW_GROUP_ROWS, 1000L);
  }
}
