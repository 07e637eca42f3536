package dev.datashard.io.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetFilesTest {
  private final BufferAllocator allocator = new RootAllocator();
  @TempDir Path dir;

  @AfterEach
  void checkLeaks() {
    allocator.close();
  }

  private static Field field(String name, int id, ArrowType type, boolean nullable) {
    return new Field(name, new FieldType(nullable, type, null,
        Map.of(ParquetFiles.FIELD_ID_KEY, Integer.toString(id))), null);
  }

  @Test
  void writesFieldIdsAndReadsBackProjectedColumns() throws Exception {
    Schema schema = new Schema(List.of(
        field("id", 1, new ArrowType.Int(64, true), false),
        field("name", 2, ArrowType.Utf8.INSTANCE, true)));
    Path out = Files.createDirectory(dir.resolve("out"));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      BigIntVector ids = (BigIntVector) root.getVector("id");
      VarCharVector names = (VarCharVector) root.getVector("name");
      for (int i = 0; i < 3; i++) {
        ids.setSafe(i, i * 10L);
        names.setSafe(i, ("n" + i).getBytes());
      }
      root.setRowCount(3);
      try (ArrowReader reader = new SingleBatchReader(allocator, root)) {
        Optional<Path> file = ParquetFiles.write(allocator, reader, out);
        assertThat(file).isPresent();
        Schema stored = ParquetFiles.schemaOf(allocator, file.get());
        assertThat(stored.getFields().get(0).getMetadata()).containsEntry(ParquetFiles.FIELD_ID_KEY, "1");
        assertThat(stored.getFields().get(1).getMetadata()).containsEntry(ParquetFiles.FIELD_ID_KEY, "2");
        long sum = 0;
        try (ArrowReader scan = ParquetFiles.scan(allocator, List.of(file.get()), schema,
            Optional.of(List.of("id")), 1024)) {
          while (scan.loadNextBatch()) {
            VectorSchemaRoot batch = scan.getVectorSchemaRoot();
            assertThat(batch.getSchema().getFields()).hasSize(1);
            BigIntVector read = (BigIntVector) batch.getVector(0);
            for (int i = 0; i < batch.getRowCount(); i++) {
              sum += read.get(i);
            }
          }
        }
        assertThat(sum).isEqualTo(30);
      }
    }
  }

  @Test
  void writesTimeOfDayAsNotAdjustedToUtc() throws Exception {
    Schema schema = new Schema(List.of(
        field("t", 1, new ArrowType.Time(TimeUnit.MICROSECOND, 64), true),
        field("ts", 2, new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), true)));
    Path out = Files.createDirectory(dir.resolve("out"));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      ((TimeMicroVector) root.getVector("t")).setSafe(0, 86_399_999_999L);
      ((TimeStampMicroTZVector) root.getVector("ts")).setSafe(0, 1L);
      root.setRowCount(1);
      Path file;
      try (ArrowReader reader = new SingleBatchReader(allocator, root)) {
        file = ParquetFiles.write(allocator, reader, out).orElseThrow();
      }
      byte[] bytes = Files.readAllBytes(file);
      int footerLength = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      FileMetaData footer = Util.readFileMetaData(
          new ByteArrayInputStream(bytes, bytes.length - 8 - footerLength, footerLength));
      SchemaElement time = footer.getSchema().get(1);
      assertThat(time.getLogicalType().getTIME().isIsAdjustedToUTC()).isFalse();
      assertThat(footer.getSchema().get(2).getLogicalType().getTIMESTAMP().isIsAdjustedToUTC()).isTrue();
      try (ArrowReader scan = ParquetFiles.scan(allocator, List.of(file), schema, Optional.empty(), 1024)) {
        assertThat(scan.loadNextBatch()).isTrue();
        assertThat(((TimeMicroVector) scan.getVectorSchemaRoot().getVector("t")).get(0)).isEqualTo(86_399_999_999L);
      }
    }
  }
}
