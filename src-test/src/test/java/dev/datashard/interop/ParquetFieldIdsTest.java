package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.io.local.LocalStorage;
import dev.datashard.io.parquet.ParquetFiles;
import dev.datashard.io.parquet.SingleBatchReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Parquet field ids: DataShard writes them on every column and reads files that lack them. */
class ParquetFieldIdsTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  static MessageType footerSchema(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      return reader.getFooter().getFileMetaData().getSchema();
    }
  }

  private static List<Path> dataFiles(Path table) throws IOException {
    try (Stream<Path> files = Files.walk(table.resolve("data"))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    }
  }

  /**
   * Every column, nested ones and list elements and map keys and values included, has the id,
   * repetition, physical and logical type of the Parquet schema Iceberg derives from the table
   * schema (decimals as int32, int64 or fixed_len_byte_array by precision, as the spec says).
   */
  @Test
  void dataShardFilesHaveTheParquetSchemaIcebergExpects() throws IOException {
    dev.datashard.Table table = local.shard().createTable("all_types", AllTypes.SCHEMA);
    table.appendRecords(AllTypes.rows(0, 10));
    MessageType expected = ParquetSchemaUtil.convert(IcebergSchemas.allTypes(), "table");
    for (Path file : dataFiles(local.warehouse().resolve("all_types"))) {
      MessageType actual = footerSchema(file);
      assertThat(ParquetSchemaUtil.hasIds(actual)).isTrue();
      List<String> differences = new ArrayList<>();
      compare(expected, actual, "", differences);
      assertThat(differences).as("differences from Iceberg's Parquet schema in " + file).isEmpty();
    }
  }

  private static void compare(Type expected, Type actual, String path, List<String> differences) {
    String where = path.isEmpty() ? "<root>" : path;
    if (!path.isEmpty() && !expected.getName().equals(actual.getName())) {
      differences.add(where + ": named " + actual.getName() + ", not " + expected.getName());
    }
    if (expected.getRepetition() != actual.getRepetition() && !path.isEmpty()) {
      differences.add(where + ": " + actual.getRepetition() + ", not " + expected.getRepetition());
    }
    if (!Objects.equals(expected.getId(), actual.getId())) {
      differences.add(where + ": field id " + actual.getId() + ", not " + expected.getId());
    }
    if (expected.isPrimitive() != actual.isPrimitive()) {
      differences.add(where + ": " + actual + ", not " + expected);
      return;
    }
    if (expected.isPrimitive()) {
      PrimitiveType e = expected.asPrimitiveType();
      PrimitiveType a = actual.asPrimitiveType();
      if (e.getPrimitiveTypeName() != a.getPrimitiveTypeName() || e.getTypeLength() != a.getTypeLength()
          || !Objects.equals(e.getLogicalTypeAnnotation(), a.getLogicalTypeAnnotation())) {
        differences.add(where + ": " + a + ", not " + e);
      }
      return;
    }
    GroupType e = expected.asGroupType();
    GroupType a = actual.asGroupType();
    if (!Objects.equals(e.getLogicalTypeAnnotation(), a.getLogicalTypeAnnotation())) {
      differences.add(where + ": annotated " + a.getLogicalTypeAnnotation() + ", not " + e.getLogicalTypeAnnotation());
    }
    if (e.getFieldCount() != a.getFieldCount()) {
      differences.add(where + ": " + a.getFieldCount() + " fields, not " + e.getFieldCount());
      return;
    }
    for (int i = 0; i < e.getFieldCount(); i++) {
      compare(e.getType(i), a.getType(i), path.isEmpty() ? e.getType(i).getName()
          : path + "." + e.getType(i).getName(), differences);
    }
  }

  /**
   * A file written without field ids (plain Arrow: other column order, an extra column) added to an
   * Iceberg table with Iceberg's appendFile: DataShard reads it by column name, and Iceberg through
   * the table's name mapping, also after DataShard appended to the table.
   */
  @Test
  void filesWithoutFieldIdsAreReadByName() throws IOException {
    Path tableDir = local.warehouse().resolve("no_ids");
    Table iceberg = IcebergWrites.create(LocalStorage.locationOf(tableDir), IcebergSchemas.events(),
        PartitionSpec.unpartitioned());
    iceberg.updateProperties().set(TableProperties.DEFAULT_NAME_MAPPING,
        NameMappingParser.toJson(MappingUtil.create(iceberg.schema()))).commit();
    IcebergWrites.append(iceberg, IcebergSchemas.eventRows(0, 3, "with-ids"));

    Path file = writeWithoutIds(Files.createDirectories(tableDir.resolve("data/plain")), 3, 5);
    assertThat(ParquetSchemaUtil.hasIds(footerSchema(file))).isFalse();
    iceberg.newAppend().appendFile(DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath(LocalStorage.locationOf(file)).withFileSizeInBytes(Files.size(file))
        .withRecordCount(5).withFormat(FileFormat.PARQUET).build()).commit();

    dev.datashard.Table table = local.shard().loadTable("no_ids");
    List<Map<String, Object>> expected = new ArrayList<>(IcebergSchemas.eventRows(0, 3, "with-ids"));
    expected.addAll(IcebergSchemas.eventRows(3, 8, "no-ids"));
    assertThat(sorted(table.newScan().toRecords())).isEqualTo(expected);
    // Iceberg's Parquet reader, given the table's name mapping, reads the file the same way.
    // (IcebergGenerics does not apply the mapping: it gives files without ids positional ids.)
    assertThat(readWithNameMapping(iceberg, file)).isEqualTo(expected.subList(3, 8));

    table.appendRecords(IcebergSchemas.eventRows(8, 10, "datashard"));
    expected.addAll(IcebergSchemas.eventRows(8, 10, "datashard"));
    iceberg.refresh();
    assertThat(iceberg.properties()).containsKey(TableProperties.DEFAULT_NAME_MAPPING);
    assertThat(Interop.icebergRows(iceberg, null))
        .filteredOn(r -> List.of("with-ids", "datashard").contains(r.get("category")))
        .hasSize(5).isSubsetOf(expected);
    assertThat(sorted(table.newScan().toRecords())).isEqualTo(expected);
  }

  private static List<Map<String, Object>> readWithNameMapping(Table iceberg, Path file) throws IOException {
    org.apache.iceberg.Schema schema = iceberg.schema();
    List<Map<String, Object>> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = Parquet.read(iceberg.io().newInputFile(LocalStorage.locationOf(file)))
        .project(schema)
        .withNameMapping(NameMappingParser.fromJson(iceberg.properties().get(TableProperties.DEFAULT_NAME_MAPPING)))
        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
        .build()) {
      records.forEach(r -> rows.add(Interop.canonicalRecord(r)));
    }
    return sorted(rows);
  }

  private static List<Map<String, Object>> sorted(List<Map<String, Object>> rows) {
    return rows.stream().sorted(Comparator.comparing(r -> (Long) r.get("id"))).toList();
  }

  /** Rows {@code from} to {@code from + count} of the events table in a file with no field ids. */
  private Path writeWithoutIds(Path directory, int from, int count) {
    org.apache.arrow.vector.types.pojo.Schema schema = new org.apache.arrow.vector.types.pojo.Schema(List.of(
        Field.nullable("value", new ArrowType.Int(32, true)),
        Field.nullable("extra", ArrowType.Utf8.INSTANCE),
        Field.notNullable("id", new ArrowType.Int(64, true)),
        Field.nullable("category", ArrowType.Utf8.INSTANCE)));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, local.allocator())) {
      for (int i = 0; i < count; i++) {
        long id = from + i;
        ((IntVector) root.getVector("value")).setSafe(i, (int) id * 10);
        ((VarCharVector) root.getVector("extra")).setSafe(i, "not in the table".getBytes());
        ((BigIntVector) root.getVector("id")).setSafe(i, id);
        ((VarCharVector) root.getVector("category")).setSafe(i, "no-ids".getBytes());
      }
      root.setRowCount(count);
      try (ArrowReader reader = new SingleBatchReader(local.allocator(), root)) {
        return ParquetFiles.write(local.allocator(), reader, directory).orElseThrow();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
