package dev.datashard.io.parquet;

import static java.util.Objects.requireNonNull;

/**
 * How {@link ArrowParquetWriter} encodes a file; the defaults are Iceberg's table property
 * defaults ({@code write.parquet.*}).
 *
 * @param codec page compression
 * @param compressionLevel the codec's level, or null for its default
 * @param rowGroupSizeBytes a row group is closed once its buffered (compressed) pages reach this
 * @param pageSizeBytes a data page is closed once its encoded values reach this
 * @param pageRowLimit ... or once it holds this many rows
 * @param dictionarySizeBytes a column chunk falls back from dictionary to plain encoding once its
 *     dictionary would exceed this
 */
public record ParquetWriteOptions(ParquetCodec codec, Integer compressionLevel, long rowGroupSizeBytes,
    int pageSizeBytes, int pageRowLimit, int dictionarySizeBytes) {
  public static final long DEFAULT_ROW_GROUP_SIZE_BYTES = 128L * 1024 * 1024;
  public static final int DEFAULT_PAGE_SIZE_BYTES = 1024 * 1024;
  public static final int DEFAULT_PAGE_ROW_LIMIT = 20_000;
  public static final int DEFAULT_DICTIONARY_SIZE_BYTES = 2 * 1024 * 1024;
  /** Page and dictionary sizes above this are refused: a page's sizes are 32-bit in its header. */
  public static final int MAX_PAGE_SIZE_BYTES = 1 << 30;

  public static final ParquetWriteOptions DEFAULT = new ParquetWriteOptions(ParquetCodec.DEFAULT, null,
      DEFAULT_ROW_GROUP_SIZE_BYTES, DEFAULT_PAGE_SIZE_BYTES, DEFAULT_PAGE_ROW_LIMIT,
      DEFAULT_DICTIONARY_SIZE_BYTES);

  public ParquetWriteOptions {
    requireNonNull(codec, "codec");
    if (compressionLevel != null && codec.hasLevels()) {
      codec.checkLevel(compressionLevel);
    }
    if (rowGroupSizeBytes <= 0 || pageSizeBytes <= 0 || pageSizeBytes > MAX_PAGE_SIZE_BYTES
        || pageRowLimit <= 0 || dictionarySizeBytes <= 0 || dictionarySizeBytes > MAX_PAGE_SIZE_BYTES) {
      throw new IllegalArgumentException("invalid Parquet sizes: row group " + rowGroupSizeBytes + ", page "
          + pageSizeBytes + " bytes or " + pageRowLimit + " rows, dictionary " + dictionarySizeBytes);
    }
  }

  public ParquetWriteOptions withCodec(ParquetCodec newCodec, Integer level) {
    return new ParquetWriteOptions(newCodec, level, rowGroupSizeBytes, pageSizeBytes, pageRowLimit,
        dictionarySizeBytes);
  }

  public ParquetWriteOptions withRowGroupSize(long bytes) {
    return new ParquetWriteOptions(codec, compressionLevel, bytes, pageSizeBytes, pageRowLimit,
        dictionarySizeBytes);
  }

  public ParquetWriteOptions withPageSize(int bytes, int rows) {
    return new ParquetWriteOptions(codec, compressionLevel, rowGroupSizeBytes, bytes, rows, dictionarySizeBytes);
  }

  public ParquetWriteOptions withDictionarySize(int bytes) {
    return new ParquetWriteOptions(codec, compressionLevel, rowGroupSizeBytes, pageSizeBytes, pageRowLimit, bytes);
  }
}
