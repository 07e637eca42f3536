package dev.datashard.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link DataShardThroughput}'s workloads on Apache Iceberg's Java library. Iceberg has no Arrow
 * writer, so its ingest turns each row of the same Arrow batches into a (reused) generic record,
 * as a Java user holding Arrow data would.
 */
@State(Scope.Benchmark)
public class IcebergThroughput extends ThroughputSettings {
  @Param({"10000000"})
  public long rows;

  /** Iceberg's catalog-free configuration: {@link IcebergTables#HADOOP} or {@link IcebergTables#NIO}. */
  @Param({IcebergTables.HADOOP, IcebergTables.NIO})
  public String catalog;

  private BufferAllocator allocator;
  private Path directory;
  private IcebergTables tables;
  private IngestData data;
  private Table scanned;
  private int iteration;
  private Table ingestTable;

  @Setup(Level.Trial)
  public void prepare() {
    allocator = new RootAllocator();
    directory = Scratch.create("iceberg");
    tables = new IcebergTables(catalog);
    data = new IngestData(allocator, rows);
    scanned = tables.create(directory.resolve("trial/scanned").toString());
    IcebergTables.append(scanned, this::rowsOfBatches);
    Notes.record("iceberg.parquet-bytes." + rows, Notes.parquetBytes(directory.resolve("trial")));
  }

  @Setup(Level.Iteration)
  public void newTable() {
    ingestTable = tables.create(directory.resolve("ingest-" + iteration++).toString());
  }

  @TearDown(Level.Trial)
  public void close() {
    data.close();
    allocator.close();
    Scratch.release(directory);
  }

  @Benchmark
  public Table ingest() {
    IcebergTables.append(ingestTable, this::rowsOfBatches);
    return ingestTable;
  }

  @Benchmark
  public long scanGeneric() {
    return IcebergReads.generic(scanned);
  }

  @Benchmark
  public long scanArrow() {
    return IcebergReads.arrow(scanned);
  }

  /** Every row of the Arrow batches as one reused record (Iceberg's writer copies what it keeps). */
  private Iterator<Record> rowsOfBatches() {
    return new Iterator<>() {
      private final Record record = GenericRecord.create(Events.ICEBERG_SCHEMA);
      private int batch;
      private int row;

      @Override
      public boolean hasNext() {
        while (batch < data.batches().size() && row >= data.batches().get(batch).getRowCount()) {
          batch++;
          row = 0;
        }
        return batch < data.batches().size();
      }

      @Override
      public Record next() {
        VectorSchemaRoot root = data.batches().get(batch);
        record.set(0, ((BigIntVector) root.getVector(0)).get(row));
        record.set(1, new String(((VarCharVector) root.getVector(1)).get(row), StandardCharsets.UTF_8));
        record.set(2, ((BigIntVector) root.getVector(2)).get(row));
        row++;
        return record;
      }
    };
  }
}
