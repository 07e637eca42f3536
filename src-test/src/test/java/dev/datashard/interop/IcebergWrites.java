package dev.datashard.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.GenericBlobMetadata;
import org.apache.iceberg.GenericStatisticsFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.puffin.Blob;
import org.apache.iceberg.puffin.Puffin;
import org.apache.iceberg.puffin.PuffinWriter;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** Writing with Iceberg's own API: tables, generic Parquet data files, position deletes, statistics. */
final class IcebergWrites {
  private IcebergWrites() {}

  /** A format-version 2 file-system table at {@code location}, as HadoopTables makes them. */
  static Table create(String location, Schema schema, PartitionSpec spec) {
    return create(location, schema, spec, Map.of());
  }

  /** {@link #create(String, Schema, PartitionSpec)} with more table properties. */
  static Table create(String location, Schema schema, PartitionSpec spec, Map<String, String> more) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(TableProperties.FORMAT_VERSION, "2");
    properties.putAll(more);
    return Interop.tables().create(schema, spec, properties, location);
  }

  /** One Parquet data file of {@code rows} (Java values as {@link AllTypes} makes them), not committed. */
  static DataFile writeDataFile(Table table, List<Map<String, Object>> rows) {
    List<Record> records = rows.stream().map(r -> record(table.schema().asStruct(), r)).toList();
    StructLike partition = null;
    if (table.spec().isPartitioned()) {
      PartitionKey key = new PartitionKey(table.spec(), table.schema());
      key.partition(new InternalRecordWrapper(table.schema().asStruct()).wrap(records.get(0)));
      partition = key;
    }
    String name = UUID.randomUUID() + ".parquet";
    String location = partition == null ? table.locationProvider().newDataLocation(name)
        : table.locationProvider().newDataLocation(table.spec(), partition, name);
    EncryptedOutputFile out = EncryptedFiles.plainAsEncryptedOutput(table.io().newOutputFile(location));
    // The table's write properties (codec, row-group size) apply, as in Iceberg's own writers.
    DataWriter<Record> writer = new GenericAppenderFactory(table.schema(), table.spec()).setAll(table.properties())
        .newDataWriter(out, FileFormat.PARQUET, partition);
    try (writer) {
      records.forEach(writer::write);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDataFile();
  }

  /** Appends one data file per batch of rows as one Iceberg snapshot. */
  @SafeVarargs
  static void append(Table table, List<Map<String, Object>>... batches) {
    org.apache.iceberg.AppendFiles append = table.newAppend();
    for (List<Map<String, Object>> batch : batches) {
      append.appendFile(writeDataFile(table, batch));
    }
    append.commit();
  }

  /** A position delete file removing rows {@code positions} of the data file at {@code dataFile}. */
  static DeleteFile writePositionDeletes(Table table, DataFile dataFile, long... positions) {
    return writePositionDeletes(table, dataFile, dataFile.location(), positions);
  }

  /**
   * A position delete file removing rows {@code positions} of {@code dataFile}, naming it
   * {@code spelledPath} (another spelling of its location, as some writers use), in its partition.
   */
  static DeleteFile writePositionDeletes(Table table, DataFile dataFile, String spelledPath, long... positions) {
    EncryptedOutputFile out = deleteOutput(table);
    PositionDeleteWriter<Record> writer = new GenericAppenderFactory(table.schema(), table.specs().get(dataFile.specId()))
        .newPosDeleteWriter(out, FileFormat.PARQUET, dataFile.partition());
    try (writer) {
      for (long position : positions) {
        writer.write(PositionDelete.<Record>create().set(spelledPath, position));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDeleteFile();
  }

  /**
   * One unpartitioned position delete file removing {@code (path, position)} pairs of several data
   * files, written in the order given (as a writer that does not sort would).
   */
  static DeleteFile writePositionDeletes(Table table, List<Map.Entry<String, Long>> deletes) {
    EncryptedOutputFile out = deleteOutput(table);
    PositionDeleteWriter<Record> writer = new GenericAppenderFactory(table.schema(), table.spec())
        .newPosDeleteWriter(out, FileFormat.PARQUET, null);
    try (writer) {
      for (Map.Entry<String, Long> delete : deletes) {
        writer.write(PositionDelete.<Record>create().set(delete.getKey(), delete.getValue()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDeleteFile();
  }

  /**
   * An equality delete file on {@code columns} removing every row equal to one of {@code rows}
   * there (missing keys are nulls), in {@code spec}: the partition of {@code rows}' first row, or
   * none (a global delete) when {@code spec} is unpartitioned.
   */
  static DeleteFile writeEqualityDeletes(Table table, PartitionSpec spec, List<String> columns,
      List<Map<String, Object>> rows) {
    Schema deleteSchema = table.schema().select(columns);
    int[] fieldIds = deleteSchema.columns().stream().mapToInt(Types.NestedField::fieldId).toArray();
    StructLike partition = null;
    if (spec.isPartitioned()) {
      PartitionKey key = new PartitionKey(spec, table.schema());
      key.partition(new InternalRecordWrapper(table.schema().asStruct())
          .wrap(record(table.schema().asStruct(), rows.get(0))));
      partition = key;
    }
    EqualityDeleteWriter<Record> writer = new GenericAppenderFactory(table.schema(), spec, fieldIds, deleteSchema, null)
        .newEqDeleteWriter(deleteOutput(table), FileFormat.PARQUET, partition);
    try (writer) {
      rows.forEach(row -> writer.write(record(deleteSchema.asStruct(), row)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDeleteFile();
  }

  private static EncryptedOutputFile deleteOutput(Table table) {
    String location = table.locationProvider().newDataLocation("deletes-" + UUID.randomUUID() + ".parquet");
    return EncryptedFiles.plainAsEncryptedOutput(table.io().newOutputFile(location));
  }

  /**
   * A Puffin statistics file for the current snapshot, registered in the table's metadata as
   * engines that compute column statistics do (one made-up blob; nobody interprets it here).
   */
  static StatisticsFile writeStatistics(Table table) {
    Snapshot snapshot = table.currentSnapshot();
    String location = ((HasTableOperations) table).operations()
        .metadataFileLocation(snapshot.snapshotId() + "-" + UUID.randomUUID() + ".stats");
    PuffinWriter writer = Puffin.write(table.io().newOutputFile(location)).createdBy("datashard tests").build();
    try (writer) {
      writer.add(new Blob("datashard-test-blob", List.of(1), snapshot.snapshotId(), snapshot.sequenceNumber(),
          ByteBuffer.wrap(new byte[] {1, 2, 3})));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StatisticsFile statistics = new GenericStatisticsFile(snapshot.snapshotId(), location, writer.fileSize(),
        writer.footerSize(), GenericBlobMetadata.from(writer.writtenBlobsMetadata()));
    table.updateStatistics().setStatistics(statistics).commit();
    return statistics;
  }

  /** A generic record of {@code struct} from a map of Java values (binary as byte[]). */
  static Record record(Types.StructType struct, Map<String, ?> values) {
    GenericRecord record = GenericRecord.create(struct);
    for (Types.NestedField field : struct.fields()) {
      record.setField(field.name(), value(field.type(), values.get(field.name())));
    }
    return record;
  }

  @SuppressWarnings("unchecked")
  private static Object value(Type type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type.typeId()) {
      case BINARY -> ByteBuffer.wrap((byte[]) value);
      case STRUCT -> record(type.asStructType(), (Map<String, ?>) value);
      case LIST -> {
        List<Object> list = new ArrayList<>();
        ((List<?>) value).forEach(v -> list.add(value(type.asListType().elementType(), v)));
        yield list;
      }
      case MAP -> {
        Map<Object, Object> map = new LinkedHashMap<>();
        ((Map<?, ?>) value).forEach((k, v) -> map.put(value(type.asMapType().keyType(), k),
            value(type.asMapType().valueType(), v)));
        yield map;
      }
      default -> value;
    };
  }
}
