package dev.datashard.io.parquet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageEncodingStats;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Statistics;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;

/**
 * One leaf column of the file being written: values go straight from Arrow buffers into the
 * current data page (plain or dictionary ids, with its repetition and definition levels); full pages
 * are compressed at once and kept until the row group is flushed, when the column chunk
 * (dictionary page first) is written out with its metadata and statistics.
 *
 * <p>Dictionary encoding as parquet-java's v1 writer does it: every type except boolean and
 * fixed-length byte arrays starts dictionary-encoded in each column chunk and falls back to plain
 * when the first page would not be smaller that way, or once the dictionary outgrows its size limit
 * (earlier pages keep their dictionary ids). Data pages are v1 pages with RLE levels.
 */
final class ColumnChunkWriter {
  /** How an Arrow vector's values become the Parquet physical type. */
  enum Kind {
    BOOLEAN(Type.BOOLEAN, 0, 0),
    INT32(Type.INT32, 4, 4),
    INT64(Type.INT64, 8, 8),
    FLOAT(Type.FLOAT, 4, 4),
    DOUBLE(Type.DOUBLE, 8, 8),
    /** Arrow Decimal128 values of precision 9 or less: the low 4 bytes of each 16. */
    DECIMAL32(Type.INT32, 16, 4),
    /** Arrow Decimal128 values of precision 18 or less: the low 8 bytes of each 16. */
    DECIMAL64(Type.INT64, 16, 8),
    /** Arrow Decimal128 values as big-endian two's complement of the type's length. */
    DECIMAL_FIXED(Type.FIXED_LEN_BYTE_ARRAY, 16, 0),
    BINARY(Type.BYTE_ARRAY, 0, 0),
    FIXED(Type.FIXED_LEN_BYTE_ARRAY, 0, 0);

    final Type physical;
    /** Bytes per value in the Arrow data buffer, for fixed-width values. */
    final int stride;
    /** Bytes per plain-encoded value, for the dictionary-capable fixed-width kinds. */
    final int width;

    Kind(Type physical, int stride, int width) {
      this.physical = physical;
      this.stride = stride;
      this.width = width;
    }

    boolean fixedWidthNumber() {
      return width > 0;
    }

    boolean floating() {
      return this == FLOAT || this == DOUBLE;
    }
  }

  /** Statistics are left out for byte strings longer than this, as Arrow's writer does. */
  private static final int MAX_STATISTICS_BYTES = 4096;
  private static final int FLAT_STEP = 4096;
  /** About what a data page header takes, for size estimates before it is written. */
  private static final int PAGE_HEADER_BYTES = 24;
  static final int DICTIONARY_PROBE_VALUES = 1024;

  private final List<String> path;
  private final Kind kind;
  private final int typeLength;
  final int maxDefinition;
  final int maxRepetition;
  private final ParquetWriteOptions options;
  private final PageCompressor compressor;
  private final boolean dictionaryCapable;

  // The current page.
  private int[] definitions = new int[0];
  private int[] repetitions = new int[0];
  private int levels;
  private int pageValues;
  private int pageRows;
  private final ByteSink values = new ByteSink(1024);
  private int[] ids = new int[0];
  private int idCount;
  private long pagePlainBytes;
  private int pendingBits;
  private int pendingBitCount;
  private final ByteSink body = new ByteSink(1024);

  // Dictionary encoding of the current chunk.
  private boolean dictionaryMode;
  private boolean dictionaryUsed;
  private boolean firstPage = true;
  private Dictionaries.Longs longDictionary;
  private Dictionaries.Binary binaryDictionary;

  // The current chunk.
  /** A data page of the chunk: its header's facts and its (possibly still compressing) body. */
  private record DataPage(int uncompressedSize, int valueCount, Encoding encoding, PageCompressor.Page body) {}

  private final List<DataPage> pages = new ArrayList<>();
  /** Pages from this index on may still be compressing; those before are counted in chunkCompressed. */
  private int firstPending;
  /** Uncompressed bytes of pages from firstPending on: what they count as until compressed. */
  private long pendingBytes;
  private long chunkCompressed;
  private long chunkValues;
  private int plainPages;
  private int dictionaryPages;
  private long nullCount;
  private final Bounds bounds;
  private final Bounds fileBounds;
  private long fileNulls;
  private long fileNans;

  ColumnChunkWriter(List<String> path, Kind kind, int typeLength, int maxDefinition, int maxRepetition,
      ParquetWriteOptions options, PageCompressor compressor) {
    this.path = List.copyOf(path);
    this.kind = kind;
    this.typeLength = typeLength;
    this.maxDefinition = maxDefinition;
    this.maxRepetition = maxRepetition;
    this.options = options;
    this.compressor = compressor;
    this.dictionaryCapable = kind != Kind.BOOLEAN && kind != Kind.FIXED && kind != Kind.DECIMAL_FIXED;
    this.bounds = new Bounds(kind);
    this.fileBounds = new Bounds(kind);
    startChunk();
  }

  String name() {
    return String.join(".", path);
  }

  private void startChunk() {
    dictionaryMode = dictionaryCapable;
    dictionaryUsed = false;
    firstPage = true;
    longDictionary = dictionaryCapable && kind.fixedWidthNumber()
        ? new Dictionaries.Longs(kind.width, options.dictionarySizeBytes()) : null;
    binaryDictionary = kind == Kind.BINARY ? new Dictionaries.Binary(options.dictionarySizeBytes()) : null;
    pages.clear();
    firstPending = 0;
    pendingBytes = 0;
    chunkCompressed = 0;
    chunkValues = 0;
    plainPages = 0;
    dictionaryPages = 0;
    nullCount = 0;
    bounds.reset();
  }

  /** Bytes this chunk holds in memory: compressed pages, the open page, the dictionary. */
  long bufferedBytes() {
    long dictionary = !dictionaryUsed && !dictionaryMode ? 0
        : longDictionary != null ? longDictionary.bytes() : binaryDictionary != null ? binaryDictionary.bytes() : 0;
    while (firstPending < pages.size() && pages.get(firstPending).body().isDone()) {
      DataPage page = pages.get(firstPending++);
      pendingBytes -= page.uncompressedSize();
      chunkCompressed += page.body().bytes().length + PAGE_HEADER_BYTES;
    }
    return chunkCompressed + pendingBytes + openPageBytes() + dictionary;
  }

  private long openPageBytes() {
    long levelBytes = (long) levels * (maxDefinition > 0 ? 1 : 0) / 4;
    if (dictionaryMode) {
      int size = longDictionary != null ? longDictionary.size() : binaryDictionary.size();
      return levelBytes + (long) idCount * Math.max(1, RleEncoder.bitWidth(size)) / 8 + 1;
    }
    return levelBytes + values.size();
  }

  // ---------------------------------------------------------------- appending

  /**
   * Rows {@code [from, to)} of a top-level primitive column (no repetition, at most one definition
   * level): the fast path, a range at a time.
   */
  void appendFlat(FieldVector vector, int from, int to) {
    boolean optional = maxDefinition == 1;
    boolean anyNull = ColumnSummary.nullCount(vector, from, to) > 0;
    if (!optional && anyNull) {
      for (int i = from; i < to; i++) {
        if (vector.isNull(i)) {
          throw new IllegalArgumentException("required column '" + name() + "' has a null value at row " + i);
        }
      }
    }
    int row = from;
    while (row < to) {
      int n = Math.min(Math.min(to - row, options.pageRowLimit() - pageRows), FLAT_STEP);
      n = Math.max(n, 1);
      if (!optional) {
        appendRange(vector, row, row + n);
      } else if (!anyNull) {
        growLevels(n);
        Arrays.fill(definitions, levels, levels + n, 1);
        levels += n;
        appendRange(vector, row, row + n);
      } else {
        growLevels(n);
        int runStart = -1;
        for (int i = row; i < row + n; i++) {
          if (vector.isNull(i)) {
            if (runStart >= 0) {
              appendRange(vector, runStart, i);
              runStart = -1;
            }
            definitions[levels++] = 0;
            nullCount++;
          } else {
            definitions[levels++] = 1;
            if (runStart < 0) {
              runStart = i;
            }
          }
        }
        if (runStart >= 0) {
          appendRange(vector, runStart, row + n);
        }
      }
      pageValues += n;
      pageRows += n;
      row += n;
      if (pageFull()) {
        finishPage();
      }
    }
  }

  /** A null (or an empty or absent ancestor) at definition level {@code definition}. */
  void appendNull(int repetition, int definition) {
    growLevels(1);
    if (maxRepetition > 0) {
      repetitions[levels] = repetition;
    }
    definitions[levels++] = definition;
    pageValues++;
    nullCount++;
  }

  /** The non-null value at {@code index} of {@code vector}, fully defined. */
  void appendValue(FieldVector vector, int index, int repetition) {
    if (maxRepetition > 0 || maxDefinition > 0) {
      growLevels(1);
      if (maxRepetition > 0) {
        repetitions[levels] = repetition;
      }
      definitions[levels++] = maxDefinition;
    }
    pageValues++;
    appendRange(vector, index, index + 1);
  }

  /** Ends a top-level row of a nested column: pages end only between rows. */
  void endRow() {
    pageRows++;
    if (pageFull()) {
      finishPage();
    }
  }

  private void growLevels(int more) {
    if (levels + more > definitions.length) {
      int capacity = Math.max(levels + more, Math.max(1024, definitions.length * 2));
      definitions = Arrays.copyOf(definitions, capacity);
      if (maxRepetition > 0) {
        repetitions = Arrays.copyOf(repetitions, capacity);
      }
    }
  }

  private void addId(int id) {
    if (idCount == ids.length) {
      ids = Arrays.copyOf(ids, Math.max(1024, ids.length * 2));
    }
    ids[idCount++] = id;
  }

  /** Non-null values {@code [from, to)}. */
  private void appendRange(FieldVector vector, int from, int to) {
    switch (kind) {
      case INT32, INT64, FLOAT, DOUBLE, DECIMAL32, DECIMAL64 -> appendNumbers(vector.getDataBuffer(), from, to);
      case BINARY -> appendBinary((BaseVariableWidthVector) vector, from, to);
      case FIXED -> appendFixed(vector.getDataBuffer(), from, to);
      case DECIMAL_FIXED -> appendDecimalFixed(vector.getDataBuffer(), from, to);
      case BOOLEAN -> appendBooleans((BitVector) vector, from, to);
    }
  }

  /** Reads unchecked from {@code address}: callers check the range against the buffer once. */
  private long numberAt(long address, int index) {
    long at = address + (long) index * kind.stride;
    return kind.width == 4 ? MemoryUtil.getInt(at) : MemoryUtil.getLong(at);
  }

  private static void checkRange(ArrowBuf buffer, long end) {
    if (end > buffer.capacity()) {
      throw new IllegalArgumentException("an Arrow buffer of " + buffer.capacity() + " bytes is read up to " + end);
    }
  }

  private void appendNumbers(ArrowBuf data, int from, int to) {
    int width = kind.width;
    checkRange(data, (long) to * kind.stride);
    long address = data.memoryAddress();
    if (kind.floating()) {
      countNans(data, from, to);
    }
    int i = from;
    if (dictionaryMode) {
      for (; i < to; i++) {
        long key = numberAt(address, i);
        int id = longDictionary.idOf(key);
        if (id == Dictionaries.FULL) {
          fallBackToPlain();
          break;
        }
        if (longDictionary.added()) {
          bounds.acceptNumber(key);
        }
        addId(id);
        pagePlainBytes += width;
        if (dictionaryUnpromising()) {
          fallBackToPlain();
          i++;
          break;
        }
      }
      if (i == to) {
        return;
      }
    }
    int n = to - i;
    pagePlainBytes += (long) n * width;
    if (kind.stride == width) {
      values.writeFrom(data, (long) i * width, n * width);
    } else {
      values.ensure(n * width);
      for (int k = i; k < to; k++) {
        long value = numberAt(address, k);
        if (width == 4) {
          values.putIntLE((int) value);
        } else {
          values.putLongLE(value);
        }
      }
    }
    bounds.acceptNumbers(data, i, to);
  }

  private void countNans(ArrowBuf data, int from, int to) {
    long address = data.memoryAddress();
    for (int i = from; i < to; i++) {
      boolean nan = kind == Kind.FLOAT ? Float.isNaN(Float.intBitsToFloat(MemoryUtil.getInt(address + (long) i * 4)))
          : Double.isNaN(Double.longBitsToDouble(MemoryUtil.getLong(address + (long) i * 8)));
      if (nan) {
        fileNans++;
      }
    }
  }

  private void appendBinary(BaseVariableWidthVector vector, int from, int to) {
    ArrowBuf offsets = vector.getOffsetBuffer();
    ArrowBuf data = vector.getDataBuffer();
    checkRange(offsets, (long) (to + 1) * 4);
    checkRange(data, offsets.getInt((long) to * 4));
    long offsetAddress = offsets.memoryAddress();
    for (int i = from; i < to; i++) {
      int start = MemoryUtil.getInt(offsetAddress + (long) i * 4);
      int length = MemoryUtil.getInt(offsetAddress + (long) (i + 1) * 4) - start;
      pagePlainBytes += 4 + length;
      if (dictionaryMode) {
        int id = binaryDictionary.idOf(data, start, length);
        if (id != Dictionaries.FULL) {
          if (binaryDictionary.added()) {
            bounds.acceptBytes(data, start, length);
          }
          addId(id);
          if (dictionaryUnpromising()) {
            fallBackToPlain();
          }
          continue;
        }
        fallBackToPlain();
      }
      values.ensure(4 + length);
      values.putIntLE(length);
      values.writeFrom(data, start, length);
      bounds.acceptBytes(data, start, length);
    }
  }

  private void appendFixed(ArrowBuf data, int from, int to) {
    int length = typeLength;
    values.writeFrom(data, (long) from * length, (to - from) * length);
    pagePlainBytes += (long) (to - from) * length;
    for (int i = from; i < to; i++) {
      bounds.acceptBytes(data, i * length, length);
    }
  }

  private final byte[] decimal = new byte[16];

  private void appendDecimalFixed(ArrowBuf data, int from, int to) {
    int length = typeLength;
    values.ensure((to - from) * length);
    pagePlainBytes += (long) (to - from) * length;
    byte[] bigEndian = new byte[length];
    for (int i = from; i < to; i++) {
      data.getBytes((long) i * 16, decimal, 0, 16);
      for (int b = 0; b < length; b++) {
        bigEndian[b] = decimal[length - 1 - b];
      }
      values.write(bigEndian, 0, length);
      bounds.acceptBytes(bigEndian);
    }
  }

  private void appendBooleans(BitVector vector, int from, int to) {
    for (int i = from; i < to; i++) {
      int bit = vector.get(i);
      bounds.acceptNumber(bit);
      pendingBits |= bit << pendingBitCount;
      if (++pendingBitCount == 8) {
        values.write(pendingBits);
        pendingBits = 0;
        pendingBitCount = 0;
      }
    }
    pagePlainBytes += to - from;
  }

  /**
   * Whether the chunk's first {@value #DICTIONARY_PROBE_VALUES} values show that a dictionary is
   * unlikely to pay: more than nine in ten of them distinct (ids, timestamps, measurements; values
   * drawn evenly from fewer than about 6,000 are less distinct). Deciding here, not only at the end
   * of the first page, spares building and probing a dictionary as large as the page in every open
   * file (a hundred for a partitioned append). A column that repeats only later loses its
   * dictionary, and its plain pages rely on the codec.
   */
  private boolean dictionaryUnpromising() {
    if (!firstPage || idCount != DICTIONARY_PROBE_VALUES) {
      return false;
    }
    int size = longDictionary != null ? longDictionary.size() : binaryDictionary.size();
    return size * 10L > idCount * 9L;
  }

  /** Turns the open page's dictionary ids into plain values; plain for the rest of the chunk. */
  private void fallBackToPlain() {
    if (longDictionary != null) {
      values.ensure(idCount * kind.width);
      for (int k = 0; k < idCount; k++) {
        long value = longDictionary.key(ids[k]);
        if (kind.width == 4) {
          values.putIntLE((int) value);
        } else {
          values.putLongLE(value);
        }
      }
    } else {
      for (int k = 0; k < idCount; k++) {
        binaryDictionary.writePlain(ids[k], values);
      }
    }
    idCount = 0;
    dictionaryMode = false;
  }

  // ---------------------------------------------------------------- pages

  private boolean pageFull() {
    return pageRows >= options.pageRowLimit() || openPageBytes() >= options.pageSizeBytes();
  }

  /** Encodes, compresses and keeps the open page, if it holds anything. */
  void finishPage() {
    if (pageValues == 0) {
      return;
    }
    if (dictionaryMode && firstPage) {
      // Dictionary encoding must pay for itself on the first page, or the chunk goes plain.
      int size = longDictionary != null ? longDictionary.size() : binaryDictionary.size();
      long dictionaryBytes = longDictionary != null ? longDictionary.bytes() : binaryDictionary.bytes();
      long encoded = (long) idCount * Math.max(1, RleEncoder.bitWidth(size - 1)) / 8 + 1;
      if (dictionaryBytes + encoded >= pagePlainBytes) {
        fallBackToPlain();
      }
    }
    firstPage = false;
    body.reset();
    if (maxRepetition > 0) {
      writeLevels(repetitions, RleEncoder.bitWidth(maxRepetition));
    }
    if (maxDefinition > 0) {
      writeLevels(definitions, RleEncoder.bitWidth(maxDefinition));
    }
    Encoding encoding;
    if (dictionaryMode) {
      int size = longDictionary != null ? longDictionary.size() : binaryDictionary.size();
      int bitWidth = Math.max(1, RleEncoder.bitWidth(size - 1));
      body.write(bitWidth);
      RleEncoder.encode(ids, idCount, bitWidth, body);
      encoding = Encoding.RLE_DICTIONARY;
      dictionaryUsed = true;
      dictionaryPages++;
    } else {
      if (pendingBitCount > 0) {
        values.write(pendingBits);
      }
      encoding = Encoding.PLAIN;
      plainPages++;
    }
    PageCompressor.Page compressed;
    int uncompressedSize;
    if (body.size() == 0 && !dictionaryMode) {
      uncompressedSize = values.size();
      compressed = compressor.compress(values.array(), values.size());
    } else {
      if (!dictionaryMode) {
        values.writeTo(body);
      }
      uncompressedSize = body.size();
      compressed = compressor.compress(body.array(), body.size());
    }
    pages.add(new DataPage(uncompressedSize, pageValues, encoding, compressed));
    pendingBytes += uncompressedSize;
    chunkValues += pageValues;
    levels = 0;
    pageValues = 0;
    pageRows = 0;
    idCount = 0;
    pagePlainBytes = 0;
    pendingBits = 0;
    pendingBitCount = 0;
    values.reset();
  }

  private void writeLevels(int[] levelValues, int bitWidth) {
    int lengthAt = body.size();
    body.writeIntLE(0);
    boolean constant = true;
    for (int i = 1; i < levels && constant; i++) {
      constant = levelValues[i] == levelValues[0];
    }
    if (constant) {
      RleEncoder.encodeRun(levelValues[0], levels, bitWidth, body);
    } else {
      RleEncoder.encode(levelValues, levels, bitWidth, body);
    }
    body.setIntLE(lengthAt, body.size() - lengthAt - 4);
  }

  private static byte[] serialize(PageHeader header) {
    ByteSink out = new ByteSink(64);
    try {
      Util.writePageHeader(header, out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a Parquet page header", e);
    }
    return Arrays.copyOf(out.array(), out.size());
  }

  /** Writes the chunk (dictionary page, data pages) at the output's position and starts a new one. */
  ColumnChunk flush(ParquetOutput out, ParquetCodec codec) throws IOException {
    finishPage();
    long start = out.position();
    Long dictionaryOffset = null;
    long compressedTotal = 0;
    long uncompressedTotal = 0;
    if (dictionaryUsed) {
      ByteSink dictionary = new ByteSink(1024);
      int size;
      if (longDictionary != null) {
        longDictionary.writePlain(dictionary);
        size = longDictionary.size();
      } else {
        binaryDictionary.writePlain(dictionary);
        size = binaryDictionary.size();
      }
      byte[] compressed = compressor.compressNow(dictionary.array(), dictionary.size());
      PageHeader header = new PageHeader(PageType.DICTIONARY_PAGE, dictionary.size(), compressed.length);
      header.setDictionary_page_header(new DictionaryPageHeader(size, Encoding.PLAIN));
      byte[] headerBytes = serialize(header);
      dictionaryOffset = start;
      out.write(headerBytes);
      out.write(compressed);
      compressedTotal += headerBytes.length + compressed.length;
      uncompressedTotal += headerBytes.length + dictionary.size();
    }
    long dataOffset = out.position();
    for (DataPage page : pages) {
      byte[] compressed = page.body().bytes();
      PageHeader header = new PageHeader(PageType.DATA_PAGE, page.uncompressedSize(), compressed.length);
      header.setData_page_header(new DataPageHeader(page.valueCount(), page.encoding(), Encoding.RLE, Encoding.RLE));
      byte[] headerBytes = serialize(header);
      out.write(headerBytes);
      out.write(compressed);
      compressedTotal += headerBytes.length + compressed.length;
      uncompressedTotal += headerBytes.length + page.uncompressedSize();
    }
    Set<Encoding> encodings = new LinkedHashSet<>();
    List<PageEncodingStats> encodingStats = new ArrayList<>();
    if (dictionaryUsed) {
      encodings.add(Encoding.PLAIN);
      encodings.add(Encoding.RLE_DICTIONARY);
      encodingStats.add(new PageEncodingStats(PageType.DICTIONARY_PAGE, Encoding.PLAIN, 1));
      encodingStats.add(new PageEncodingStats(PageType.DATA_PAGE, Encoding.RLE_DICTIONARY, dictionaryPages));
    }
    if (plainPages > 0) {
      encodings.add(Encoding.PLAIN);
      encodingStats.add(new PageEncodingStats(PageType.DATA_PAGE, Encoding.PLAIN, plainPages));
    }
    if (maxDefinition > 0 || maxRepetition > 0) {
      encodings.add(Encoding.RLE);
    }
    ColumnMetaData metadata = new ColumnMetaData(kind.physical, new ArrayList<>(encodings), path, codec.thrift(),
        chunkValues, uncompressedTotal, compressedTotal, dataOffset);
    if (dictionaryOffset != null) {
      metadata.setDictionary_page_offset(dictionaryOffset);
    }
    metadata.setEncoding_stats(encodingStats);
    metadata.setStatistics(bounds.statistics(nullCount));
    fileBounds.merge(bounds);
    fileNulls += nullCount;
    ColumnChunk chunk = new ColumnChunk(start);
    chunk.setMeta_data(metadata);
    startChunk();
    return chunk;
  }

  // ---------------------------------------------------------------- statistics

  /** The whole file's counts and bounds of this column so far (flushed row groups only). */
  ColumnSummary summary() {
    return fileBounds.summary(fileNulls, fileNans);
  }

  /** Minimum, maximum of a chunk's (or file's) values in the order of the column's type. */
  private static final class Bounds {
    private final Kind kind;
    private boolean seen;
    private long minLong;
    private long maxLong;
    private double minDouble;
    private double maxDouble;
    private byte[] minBytes;
    private byte[] maxBytes;

    Bounds(Kind kind) {
      this.kind = kind;
    }

    void reset() {
      seen = false;
      minBytes = null;
      maxBytes = null;
    }

    /** A number in the kind's long form (int bits for float, long bits for double). */
    void acceptNumber(long key) {
      if (kind.floating()) {
        acceptDouble(kind == Kind.FLOAT ? Float.intBitsToFloat((int) key) : Double.longBitsToDouble(key));
        return;
      }
      if (!seen) {
        minLong = key;
        maxLong = key;
        seen = true;
      } else if (key < minLong) {
        minLong = key;
      } else if (key > maxLong) {
        maxLong = key;
      }
    }

    /** NaN is left out; -0.0 sorts below 0.0 (as Math.min and Math.max order them). */
    private void acceptDouble(double value) {
      if (Double.isNaN(value)) {
        return;
      }
      if (!seen) {
        minDouble = value;
        maxDouble = value;
        seen = true;
      } else {
        minDouble = Math.min(minDouble, value);
        maxDouble = Math.max(maxDouble, value);
      }
    }

    void acceptNumbers(ArrowBuf data, int from, int to) {
      if (from >= to) {
        return;
      }
      if (kind.floating()) {
        for (int i = from; i < to; i++) {
          acceptNumber(kind == Kind.FLOAT ? data.getInt((long) i * 4) : data.getLong((long) i * 8));
        }
        return;
      }
      long stride = kind.stride;
      long address = data.memoryAddress();
      long min;
      long max;
      if (kind.width == 4) {
        min = MemoryUtil.getInt(address + from * stride);
        max = min;
        for (int i = from + 1; i < to; i++) {
          int value = MemoryUtil.getInt(address + i * stride);
          min = Math.min(min, value);
          max = Math.max(max, value);
        }
      } else {
        min = MemoryUtil.getLong(address + from * stride);
        max = min;
        for (int i = from + 1; i < to; i++) {
          long value = MemoryUtil.getLong(address + i * stride);
          min = Math.min(min, value);
          max = Math.max(max, value);
        }
      }
      acceptNumber(min);
      acceptNumber(max);
    }

    /** Unsigned lexicographic order (strings, binary, uuid, fixed), compared in Arrow memory. */
    void acceptBytes(ArrowBuf data, int start, int length) {
      if (minBytes == null) {
        byte[] value = new byte[length];
        data.getBytes(start, value, 0, length);
        minBytes = value;
        maxBytes = value;
        return;
      }
      if (ByteFunctionHelpers.compare(data, start, start + length, minBytes, 0, minBytes.length) < 0) {
        minBytes = new byte[length];
        data.getBytes(start, minBytes, 0, length);
      } else if (ByteFunctionHelpers.compare(data, start, start + length, maxBytes, 0, maxBytes.length) > 0) {
        maxBytes = new byte[length];
        data.getBytes(start, maxBytes, 0, length);
      }
    }

    /** Bytes in the kind's order: signed big-endian for decimals, unsigned otherwise. */
    void acceptBytes(byte[] value) {
      if (minBytes == null || compare(value, minBytes) < 0) {
        minBytes = value.clone();
      }
      if (maxBytes == null || compare(value, maxBytes) > 0) {
        maxBytes = value.clone();
      }
    }

    private int compare(byte[] a, byte[] b) {
      if (kind == Kind.DECIMAL_FIXED && a[0] != b[0]) {
        return Byte.compare(a[0], b[0]);
      }
      return Arrays.compareUnsigned(a, b);
    }

    /** Folds another chunk's bounds into these. */
    void merge(Bounds other) {
      if (other.minBytes != null) {
        acceptBytes(other.minBytes);
        acceptBytes(other.maxBytes);
      } else if (other.seen) {
        if (kind.floating()) {
          acceptDouble(other.minDouble);
          acceptDouble(other.maxDouble);
        } else {
          acceptNumber(other.minLong);
          acceptNumber(other.maxLong);
        }
      }
    }

    /** The bounds in Parquet's plain encoding of the type, or nulls when there were no values. */
    private byte[][] plain() {
      return switch (kind) {
        case BOOLEAN -> seen ? new byte[][] {{(byte) minLong}, {(byte) maxLong}} : null;
        case INT32, DECIMAL32 -> seen ? new byte[][] {littleEndian((int) minLong), littleEndian((int) maxLong)} : null;
        case INT64, DECIMAL64 -> seen ? new byte[][] {littleEndian(minLong), littleEndian(maxLong)} : null;
        case FLOAT -> seen ? new byte[][] {littleEndian(Float.floatToIntBits((float) minDouble)),
            littleEndian(Float.floatToIntBits((float) maxDouble))} : null;
        case DOUBLE -> seen ? new byte[][] {littleEndian(Double.doubleToLongBits(minDouble)),
            littleEndian(Double.doubleToLongBits(maxDouble))} : null;
        case BINARY, FIXED, DECIMAL_FIXED -> minBytes != null ? new byte[][] {minBytes, maxBytes} : null;
      };
    }

    ColumnSummary summary(long nullCount, long nanCount) {
      byte[][] bounds = plain();
      return new ColumnSummary(nullCount, nanCount, bounds == null ? null : bounds[0], bounds == null ? null : bounds[1]);
    }

    /**
     * The chunk's Parquet statistics: the null count, and min and max unless they are longer
     * than 4 KiB (as Arrow's writer leaves them out) or there were no values; a zero minimum is
     * written as -0.0 and a zero maximum as +0.0, as the format asks.
     */
    Statistics statistics(long nullCount) {
      Statistics statistics = new Statistics();
      statistics.setNull_count(nullCount);
      byte[][] bounds = plain();
      if (bounds != null && kind.floating()) {
        double min = minDouble == 0 ? -0.0 : minDouble;
        double max = maxDouble == 0 ? 0.0 : maxDouble;
        bounds = kind == Kind.FLOAT
            ? new byte[][] {littleEndian(Float.floatToIntBits((float) min)), littleEndian(Float.floatToIntBits((float) max))}
            : new byte[][] {littleEndian(Double.doubleToLongBits(min)), littleEndian(Double.doubleToLongBits(max))};
      }
      if (bounds != null && bounds[0].length <= MAX_STATISTICS_BYTES && bounds[1].length <= MAX_STATISTICS_BYTES) {
        statistics.setMin_value(bounds[0]);
        statistics.setMax_value(bounds[1]);
      }
      return statistics;
    }

    private static byte[] littleEndian(int value) {
      return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }

    private static byte[] littleEndian(long value) {
      byte[] bytes = new byte[8];
      for (int i = 0; i < 8; i++) {
        bytes[i] = (byte) (value >>> (8 * i));
      }
      return bytes;
    }
  }
}
