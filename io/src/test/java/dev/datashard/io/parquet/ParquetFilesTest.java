package dev.datashard.io.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
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

  /** Serves one root once. */
  static final class SingleBatchReader extends ArrowReader {
    private final VectorSchemaRoot root;
    private boolean served;

    SingleBatchReader(BufferAllocator allocator, VectorSchemaRoot root) {
      super(allocator);
      this.root = root;
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() {
      return root;
    }

    @Override
    public boolean loadNextBatch() {
      if (served) {
        return false;
      }
      served = true;
      return true;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    public void close() {}

    @Override
    protected void closeReadSource() {}

    @Override
    protected Schema readSchema() {
      return root.getSchema();
    }
  }
}
