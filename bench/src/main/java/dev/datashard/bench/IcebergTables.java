package dev.datashard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;

/**
 * The peer: Apache Iceberg's Java library as a Java user would drive it without a catalog
 * service, in one of two configurations ({@link #HADOOP}, {@link #NIO}); data written by the
 * generic Parquet appender, committed as a fast append (no manifest merging, like DataShard's
 * appends).
 */
public final class IcebergTables {
  /** {@link HadoopTables} on Hadoop's local file system: Iceberg's documented catalog-free way. */
  public static final String HADOOP = "hadoop";
  /**
   * Iceberg's core with a minimal {@link NioTableOperations} over java.nio: its best catalog-free
   * setup (issue #12), without what Hadoop's file system costs on every create and commit.
   */
  public static final String NIO = "nio";

  /** Same retry budget as DataShard's default, so contention runs fail neither side early. */
  private static final Map<String, String> PROPERTIES = Map.of(TableProperties.COMMIT_NUM_RETRIES, "50");

  private final HadoopTables hadoopTables;

  /** {@code catalog}: {@link #HADOOP} or {@link #NIO}. */
  public IcebergTables(String catalog) {
    if (!catalog.equals(HADOOP) && !catalog.equals(NIO)) {
      throw new IllegalArgumentException("unknown Iceberg catalog: " + catalog + " (hadoop or nio)");
    }
    this.hadoopTables = catalog.equals(HADOOP) ? new HadoopTables(new Configuration()) : null;
  }

  public Table create(String location) {
    if (hadoopTables != null) {
      return hadoopTables.create(Events.ICEBERG_SCHEMA, PartitionSpec.unpartitioned(), PROPERTIES, location);
    }
    NioTableOperations operations = new NioTableOperations(location);
    operations.commit(null, TableMetadata.newTableMetadata(Events.ICEBERG_SCHEMA, PartitionSpec.unpartitioned(),
        SortOrder.unsorted(), location, PROPERTIES));
    return new BaseTable(operations, location);
  }

  public Table load(String location) {
    if (hadoopTables != null) {
      return hadoopTables.load(location);
    }
    NioTableOperations operations = new NioTableOperations(location);
    operations.refresh();
    return new BaseTable(operations, location);
  }

  /** Writes the records into one new data file and commits it as one snapshot. */
  public static void append(Table table, Iterable<Record> records) {
    table.newFastAppend().appendFile(write(table, records)).commit();
  }

  public static DataFile write(Table table, Iterable<Record> records) {
    OutputFile file = table.io().newOutputFile(
        table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet"));
    DataWriter<Record> writer;
    try {
      writer = Parquet.writeData(file)
          .forTable(table)
          .createWriterFunc(GenericParquetWriter::create)
          .withSpec(PartitionSpec.unpartitioned())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (writer) {
      for (Record record : records) {
        writer.write(record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDataFile();
  }
}
