package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.arrow.ArrowSchemas;
import dev.datashard.io.Location;
import dev.datashard.io.parquet.ParquetFiles;
import dev.datashard.io.parquet.SingleBatchReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Files added in place must read the same in DataShard and Iceberg, and count once. */
class AddFilesTest {
  private static final Schema PEOPLE = Schema.fromJson("""
      {"fields": [{"id": 1, "name": "id", "type": "long", "required": true},
                  {"id": 2, "name": "name", "type": "string", "required": false}]}""");

  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();
  private Path dir;
  private Table table;

  @BeforeEach
  void open() {
    dir = warehouse.scratch(); // files written elsewhere, outside the warehouse
    table = warehouse.shard().createTable("people", PEOPLE);
  }

  private Path write(String name, org.apache.arrow.vector.types.pojo.Schema schema) throws IOException {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, warehouse.allocator());
        ArrowReader reader = new SingleBatchReader(warehouse.allocator(), root)) {
      ((BigIntVector) root.getVector("id")).setSafe(0, 7);
      ((VarCharVector) root.getVector("name")).setSafe(0, "ada".getBytes());
      root.setRowCount(1);
      return ParquetFiles.write(warehouse.allocator(), reader, Files.createDirectories(dir.resolve(name))).orElseThrow();
    }
  }

  private static Field column(String name, ArrowType type, boolean nullable, Integer id) {
    Map<String, String> metadata = id == null ? null : Map.of(ParquetFiles.FIELD_ID_KEY, id.toString());
    return new Field(name, new FieldType(nullable, type, null, metadata), null);
  }

  private void assertUnchanged() {
    assertThat(warehouse.shard().loadTable("people").snapshots()).isEmpty();
  }

  @Test
  void aFileWithoutFieldIdsIsRefused() throws IOException {
    Path file = write("no-ids", new org.apache.arrow.vector.types.pojo.Schema(List.of(
        column("id", new ArrowType.Int(64, true), false, null), column("name", ArrowType.Utf8.INSTANCE, true, null))));
    assertThatThrownBy(() -> table.newTransaction().addFiles(List.of(file.toString())))
        .isInstanceOf(ValidationException.class).hasMessageContaining(file.toString())
        .hasMessageContaining("'id' has no Parquet field id");
    assertUnchanged();
  }

  @Test
  void aFileWhoseFieldIdsNameOtherColumnsIsRefused() throws IOException {
    Path file = write("swapped", new org.apache.arrow.vector.types.pojo.Schema(List.of(
        column("id", new ArrowType.Int(64, true), false, 2), column("name", ArrowType.Utf8.INSTANCE, true, 1))));
    assertThatThrownBy(() -> table.newTransaction().addFiles(List.of(file.toString())))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("column 'id' has field id 2 but the table's 'id' is field id 1 (2 is the table's 'name')");
    assertUnchanged();
  }

  @Test
  void theSameFileIsAddedOnlyOnceHoweverItIsSpelled() throws IOException {
    Path file = write("good", ArrowSchemas.toArrow(PEOPLE));
    String canonical = Location.of(file).toString();
    assertThatThrownBy(() -> table.newTransaction().addFiles(List.of(canonical, "file:" + file)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("added twice");
    assertUnchanged();

    try (Transaction tx = table.newTransaction()) {
      tx.addFiles(List.of(file.toString())).commit();
    }
    for (String again : List.of(canonical, file.toString(), "file:" + file)) {
      try (Transaction tx = table.newTransaction()) {
        assertThatThrownBy(() -> tx.addFiles(List.of(again)).commit()).as(again)
            .isInstanceOf(ValidationException.class).hasMessageContaining("already");
      }
    }
    Table reloaded = warehouse.shard().loadTable("people");
    assertThat(reloaded.snapshots()).hasSize(1);
    assertThat(reloaded.newScan().toRecords()).containsExactly(Map.of("id", 7L, "name", "ada"));
    assertThat(file).as("a refused add leaves the file in place").exists();
  }
}
