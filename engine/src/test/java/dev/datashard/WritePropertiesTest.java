package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.io.parquet.ParquetCodec;
import dev.datashard.io.parquet.ParquetWriteOptions;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.WriteProperties;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Iceberg's write properties: codec and sizes honoured, bad values refused with the table unchanged. */
class WritePropertiesTest {
  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();
  private Table table;

  @BeforeEach
  void createTable() {
    table = warehouse.shard().createTable("ids", LocalWarehouse.IDS);
  }

  static FileMetaData footer(DataFile file) throws IOException {
    byte[] bytes = Files.readAllBytes(Path.of(URI.create(file.location())));
    int length = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return Util.readFileMetaData(new ByteArrayInputStream(bytes, bytes.length - 8 - length, length));
  }

  static CompressionCodec codecOf(DataFile file) throws IOException {
    return footer(file).getRow_groups().get(0).getColumns().get(0).getMeta_data().getCodec();
  }

  @Test
  void dataFilesAreZstdByDefault() throws IOException {
    LocalWarehouse.appendIds(table, 1, 2, 3);
    assertThat(table.newScan().files()).singleElement()
        .satisfies(file -> assertThat(codecOf(file)).isEqualTo(CompressionCodec.ZSTD));
  }

  @ParameterizedTest
  @EnumSource(ParquetCodec.class)
  void everyCodecIsWrittenAndReadBack(ParquetCodec codec) throws IOException {
    table.setProperties(Map.of(WriteProperties.COMPRESSION_CODEC, codec.propertyValue().toUpperCase()));
    long[] ids = LongStream.range(0, 50_000).toArray();
    LocalWarehouse.appendIds(table, ids);
    assertThat(table.newScan().files()).singleElement()
        .satisfies(file -> assertThat(codecOf(file).name()).isEqualTo(codec.name()));
    assertThat(LocalWarehouse.ids(table)).hasSize(50_000).startsWith(0L, 1L).endsWith(49_999L);
  }

  @Test
  void sizesAndLevelsReachTheWriter() throws IOException {
    table.setProperties(Map.of(WriteProperties.COMPRESSION_CODEC, "gzip", WriteProperties.COMPRESSION_LEVEL, "1",
        WriteProperties.ROW_GROUP_SIZE_BYTES, "20000", WriteProperties.PAGE_SIZE_BYTES, "4096",
        WriteProperties.DICT_SIZE_BYTES, "8192"));
    assertThat(WriteProperties.parquetOptions(table.properties())).isEqualTo(new ParquetWriteOptions(
        ParquetCodec.GZIP, 1, 20_000, 4096, ParquetWriteOptions.DEFAULT_PAGE_ROW_LIMIT, 8192));
    LocalWarehouse.appendIds(table, LongStream.range(0, 100_000).toArray());
    FileMetaData footer = footer(table.newScan().files().get(0));
    // 800 kB of longs in row groups of about 20 kB compressed: many row groups, every page at most 4 KiB.
    assertThat(footer.getRow_groups()).hasSizeGreaterThan(3);
    assertThat(footer.getRow_groups().get(0).getColumns().get(0).getMeta_data().getCodec())
        .isEqualTo(CompressionCodec.GZIP);
    assertThat(LocalWarehouse.ids(table)).hasSize(100_000);
  }

  @Test
  void badValuesAreRefusedAndTheTableIsUnchanged() {
    table.setProperties(Map.of(WriteProperties.COMPRESSION_CODEC, "snappy"));
    String metadata = table.metadataFile();
    Map<String, String> properties = table.properties();
    List<Map<String, String>> refused = List.of(
        Map.of(WriteProperties.COMPRESSION_CODEC, "zip"),
        Map.of(WriteProperties.COMPRESSION_CODEC, "brotli"),
        Map.of(WriteProperties.COMPRESSION_CODEC, ""),
        Map.of(WriteProperties.ROW_GROUP_SIZE_BYTES, "0"),
        Map.of(WriteProperties.ROW_GROUP_SIZE_BYTES, "-1"),
        Map.of(WriteProperties.ROW_GROUP_SIZE_BYTES, "128MB"),
        Map.of(WriteProperties.PAGE_SIZE_BYTES, "2147483647"),
        Map.of(WriteProperties.DICT_SIZE_BYTES, "1.5"),
        Map.of(WriteProperties.PAGE_ROW_LIMIT, "0"),
        Map.of(WriteProperties.TARGET_FILE_SIZE_BYTES, "huge"),
        Map.of(WriteProperties.COMPRESSION_LEVEL, "fast"),
        // A level that does not suit the codec, set together or against the codec already set.
        Map.of(WriteProperties.COMPRESSION_CODEC, "gzip", WriteProperties.COMPRESSION_LEVEL, "12"),
        Map.of(WriteProperties.COMPRESSION_CODEC, "zstd", WriteProperties.COMPRESSION_LEVEL, "23"));
    for (Map<String, String> update : refused) {
      assertThatThrownBy(() -> table.setProperties(update)).as(update.toString())
          .isInstanceOf(ValidationException.class).hasMessageContaining("write.");
    }
    assertThat(table.refresh().metadataFile()).isEqualTo(metadata);
    assertThat(table.properties()).isEqualTo(properties);
    // The message says what is accepted.
    assertThatThrownBy(() -> table.setProperties(Map.of(WriteProperties.COMPRESSION_CODEC, "zip")))
        .hasMessageContaining("unknown compression codec 'zip' (supported: zstd, snappy, gzip, lz4, lz4_raw, uncompressed)");
    assertThatThrownBy(() -> table.setProperties(Map.of(WriteProperties.ROW_GROUP_SIZE_BYTES, "0")))
        .hasMessageContaining("write.parquet.row-group-size-bytes=0 is not a positive number of bytes");
    // Other keys are not this class's business.
    table.setProperties(Map.of("owner", "ada"));
    assertThat(table.properties()).containsEntry("owner", "ada");
  }

  @Test
  void aLevelIsCheckedAgainstTheCodecTheTableWouldHave() {
    table.setProperties(Map.of(WriteProperties.COMPRESSION_LEVEL, "15")); // zstd by default: fine
    assertThatThrownBy(() -> table.setProperties(Map.of(WriteProperties.COMPRESSION_CODEC, "gzip")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("does not suit");
    table.setProperties(Map.of(WriteProperties.COMPRESSION_CODEC, "snappy")); // no levels: ignored, as Iceberg does
    assertThat(table.properties()).containsEntry(WriteProperties.COMPRESSION_CODEC, "snappy");
  }

  @Test
  void createRefusesBadProperties() {
    assertThatThrownBy(() -> warehouse.shard().createTable("bad", LocalWarehouse.IDS,
        Map.of(WriteProperties.COMPRESSION_CODEC, "lzma")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("lzma");
    assertThat(warehouse.shard().tableExists("bad")).isFalse();
    Table gzip = warehouse.shard().createTable("gzip", LocalWarehouse.IDS,
        Map.of(WriteProperties.COMPRESSION_CODEC, "gzip"));
    LocalWarehouse.appendIds(gzip, 1);
    assertThat(gzip.newScan().files()).singleElement()
        .satisfies(file -> assertThat(codecOf(file)).isEqualTo(CompressionCodec.GZIP));
  }

  @Test
  void valuesOtherEnginesSetAreReadLeniently() {
    ParquetWriteOptions options = WriteProperties.parquetOptions(Map.of(
        WriteProperties.COMPRESSION_CODEC, "brotli", WriteProperties.COMPRESSION_LEVEL, "99",
        WriteProperties.ROW_GROUP_SIZE_BYTES, "-4", WriteProperties.PAGE_SIZE_BYTES, "x"));
    assertThat(options).isEqualTo(ParquetWriteOptions.DEFAULT);
    assertThat(WriteProperties.parquetOptions(Map.of(WriteProperties.COMPRESSION_CODEC, "GZIP",
        WriteProperties.COMPRESSION_LEVEL, "19")).compressionLevel()).isNull();
    assertThat(WriteProperties.targetFileSizeBytes(Map.of())).isEqualTo(512L * 1024 * 1024);
    assertThat(WriteProperties.targetFileSizeBytes(Map.of(WriteProperties.TARGET_FILE_SIZE_BYTES, "0")))
        .isEqualTo(512L * 1024 * 1024);
    assertThat(WriteProperties.targetFileSizeBytes(Map.of(WriteProperties.TARGET_FILE_SIZE_BYTES, " 1048576 ")))
        .isEqualTo(1 << 20);
  }
}
