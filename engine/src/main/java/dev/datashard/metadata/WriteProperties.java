package dev.datashard.metadata;

import dev.datashard.ValidationException;
import dev.datashard.io.parquet.ParquetCodec;
import dev.datashard.io.parquet.ParquetWriteOptions;
import java.util.Map;
import java.util.Set;

/**
 * The rules for Iceberg's write properties DataShard honours, in one place: how data files are
 * encoded ({@code write.parquet.*}) and how large they grow ({@code write.target-file-size-bytes}).
 * {@link #validate(String, String)} refuses a bad value when it is set; {@link #parquetOptions} and
 * {@link #targetFileSizeBytes} read them leniently (a value set by another engine that DataShard
 * cannot use falls back to the default), so a table never becomes unwritable.
 */
public final class WriteProperties {
  public static final String COMPRESSION_CODEC = "write.parquet.compression-codec";
  public static final String COMPRESSION_LEVEL = "write.parquet.compression-level";
  public static final String ROW_GROUP_SIZE_BYTES = "write.parquet.row-group-size-bytes";
  public static final String PAGE_SIZE_BYTES = "write.parquet.page-size-bytes";
  public static final String PAGE_ROW_LIMIT = "write.parquet.page-row-limit";
  public static final String DICT_SIZE_BYTES = "write.parquet.dict-size-bytes";
  public static final String TARGET_FILE_SIZE_BYTES = "write.target-file-size-bytes";
  /**
   * DataShard's own: how many files (one per partition) an append keeps open at once; opening one
   * more finishes the least recently written one. Iceberg has no such property and ignores it.
   */
  public static final String MAX_OPEN_FILES = "write.datashard.max-open-files";

  /** Iceberg's default target size of a data file: 512 MiB. */
  public static final long DEFAULT_TARGET_FILE_SIZE_BYTES = 512L * 1024 * 1024;
  /** Each open file buffers up to a row group: 128 of them bound an append's memory on wide spans. */
  public static final int DEFAULT_MAX_OPEN_FILES = 128;

  /** Every key these rules cover. */
  public static final Set<String> KEYS = Set.of(COMPRESSION_CODEC, COMPRESSION_LEVEL, ROW_GROUP_SIZE_BYTES,
      PAGE_SIZE_BYTES, PAGE_ROW_LIMIT, DICT_SIZE_BYTES, TARGET_FILE_SIZE_BYTES, MAX_OPEN_FILES);

  private WriteProperties() {}

  /**
   * Checks one property as it is set; keys these rules do not cover pass.
   *
   * @throws ValidationException naming the key, the value and what is accepted
   */
  public static void validate(String key, String value) {
    if (!KEYS.contains(key)) {
      return;
    }
    if (value == null) {
      throw new ValidationException("table property " + key + " needs a value");
    }
    switch (key) {
      case COMPRESSION_CODEC -> {
        try {
          ParquetCodec.fromName(value);
        } catch (IllegalArgumentException e) {
          throw new ValidationException("table property " + key + ": " + e.getMessage());
        }
      }
      case COMPRESSION_LEVEL -> parse(key, value, Integer.MIN_VALUE, Integer.MAX_VALUE, "a whole number");
      case ROW_GROUP_SIZE_BYTES, TARGET_FILE_SIZE_BYTES ->
          parse(key, value, 1, Long.MAX_VALUE, "a positive number of bytes");
      case PAGE_SIZE_BYTES, DICT_SIZE_BYTES -> parse(key, value, 1, ParquetWriteOptions.MAX_PAGE_SIZE_BYTES,
          "a number of bytes from 1 to " + ParquetWriteOptions.MAX_PAGE_SIZE_BYTES + " (1 GiB)");
      case PAGE_ROW_LIMIT -> parse(key, value, 1, Integer.MAX_VALUE, "a positive number of rows");
      case MAX_OPEN_FILES -> parse(key, value, 1, Integer.MAX_VALUE, "a positive number of files");
      default -> throw new IllegalStateException(key);
    }
  }

  /**
   * Checks the properties a table would have after a change, key by key and together (a
   * compression level must suit the codec, default zstd).
   *
   * @throws ValidationException for the first bad value
   */
  public static void validate(Map<String, String> properties) {
    for (String key : KEYS) {
      if (properties.containsKey(key)) {
        validate(key, properties.get(key));
      }
    }
    String level = properties.get(COMPRESSION_LEVEL);
    if (level != null) {
      ParquetCodec codec = properties.containsKey(COMPRESSION_CODEC)
          ? ParquetCodec.fromName(properties.get(COMPRESSION_CODEC)) : ParquetCodec.DEFAULT;
      if (codec.hasLevels()) {
        try {
          codec.checkLevel(Integer.parseInt(level.trim()));
        } catch (IllegalArgumentException e) {
          throw new ValidationException("table property " + COMPRESSION_LEVEL + "=" + level + " does not suit "
              + COMPRESSION_CODEC + "=" + codec.propertyValue() + ": " + e.getMessage());
        }
      }
    }
  }

  private static long parse(String key, String value, long min, long max, String accepted) {
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ValidationException("table property " + key + "='" + value + "' is not " + accepted);
    }
    if (parsed < min || parsed > max) {
      throw new ValidationException("table property " + key + "=" + value + " is not " + accepted);
    }
    return parsed;
  }

  /** How data files of a table with these properties are encoded; unusable values read as defaults. */
  public static ParquetWriteOptions parquetOptions(Map<String, String> properties) {
    ParquetCodec codec = ParquetCodec.DEFAULT;
    String codecName = properties.get(COMPRESSION_CODEC);
    if (codecName != null) {
      try {
        codec = ParquetCodec.fromName(codecName);
      } catch (IllegalArgumentException e) {
        // Another engine's codec DataShard does not write (brotli, lzo): the default.
      }
    }
    Integer level = null;
    Long parsedLevel = lenient(properties, COMPRESSION_LEVEL, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (parsedLevel != null && codec.hasLevels()) {
      try {
        codec.checkLevel(parsedLevel.intValue());
        level = parsedLevel.intValue();
      } catch (IllegalArgumentException e) {
        // A level for another codec: the codec's default.
      }
    }
    return new ParquetWriteOptions(codec, level,
        orDefault(lenient(properties, ROW_GROUP_SIZE_BYTES, 1, Long.MAX_VALUE),
            ParquetWriteOptions.DEFAULT_ROW_GROUP_SIZE_BYTES),
        (int) orDefault(lenient(properties, PAGE_SIZE_BYTES, 1, ParquetWriteOptions.MAX_PAGE_SIZE_BYTES),
            ParquetWriteOptions.DEFAULT_PAGE_SIZE_BYTES),
        (int) orDefault(lenient(properties, PAGE_ROW_LIMIT, 1, Integer.MAX_VALUE),
            ParquetWriteOptions.DEFAULT_PAGE_ROW_LIMIT),
        (int) orDefault(lenient(properties, DICT_SIZE_BYTES, 1, ParquetWriteOptions.MAX_PAGE_SIZE_BYTES),
            ParquetWriteOptions.DEFAULT_DICTIONARY_SIZE_BYTES));
  }

  /** The size at which an append closes a data file and starts the next. */
  public static long targetFileSizeBytes(Map<String, String> properties) {
    return orDefault(lenient(properties, TARGET_FILE_SIZE_BYTES, 1, Long.MAX_VALUE), DEFAULT_TARGET_FILE_SIZE_BYTES);
  }

  /** How many files an append keeps open at once ({@link #MAX_OPEN_FILES}). */
  public static int maxOpenFiles(Map<String, String> properties) {
    return (int) orDefault(lenient(properties, MAX_OPEN_FILES, 1, Integer.MAX_VALUE), DEFAULT_MAX_OPEN_FILES);
  }

  private static Long lenient(Map<String, String> properties, String key, long min, long max) {
    String value = properties.get(key);
    if (value == null) {
      return null;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      return parsed < min || parsed > max ? null : parsed;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static long orDefault(Long value, long defaultValue) {
    return value == null ? defaultValue : value;
  }
}
