package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.parquet.BatchListReader;
import dev.datashard.metadata.DataFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk ingest of Arrow batches into one new snapshot, and a full scan of the result, on DataShard.
 * On {@code s3} the ingest stages the Parquet file locally and uploads it through the S3 Transfer
 * Manager (multipart) to S3Proxy; the scan downloads it again before reading every value.
 */
@State(Scope.Benchmark)
public class DataShardThroughput extends ThroughputSettings {
  @Param({"local", "s3"})
  public String store;

  @Param({"10000000"})
  public long rows;

  /** {@code write.parquet.compression-codec} of the tables written (Iceberg's default: zstd). */
  @Param({"zstd"})
  public String codec;

  private BufferAllocator allocator;
  private BenchStore tables;
  private DataShard shard;
  private IngestData data;
  private Table scanned;
  private int iteration;
  private Table ingestTable;

  @Setup(Level.Trial)
  public void prepare() {
    allocator = new RootAllocator();
    tables = BenchStore.open(store);
    shard = DataShard.open(tables.config(), allocator);
    data = new IngestData(allocator, rows);
    Notes.record("arrow-bytes." + rows, data.arrowBytes());
    scanned = shard.createTable("trial/scanned", Events.SCHEMA, properties());
    try (ArrowReader batches = new BatchListReader(allocator, data.batches())) {
      scanned.append(batches);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Sizes as the manifest records them: the same on every store.
    long bytes = scanned.newScan().files().stream().mapToLong(DataFile::fileSizeBytes).sum();
    Notes.record("datashard.parquet-bytes." + codec + "." + rows, bytes);
    Notes.record("datashard.data-files." + codec + "." + rows, scanned.newScan().files().size());
    if (codec.equals("zstd")) {
      Notes.record("datashard.parquet-bytes." + rows, bytes);
    }
  }

  private Map<String, String> properties() {
    return Map.of("write.parquet.compression-codec", codec);
  }

  @Setup(Level.Iteration)
  public void newTable() {
    ingestTable = shard.createTable("ingest-" + iteration++, Events.SCHEMA, properties());
  }

  @TearDown(Level.Trial)
  public void close() {
    data.close();
    shard.close();
    tables.close();
    allocator.close();
  }

  @Benchmark
  public Optional<Snapshot> ingest() throws IOException {
    try (ArrowReader batches = new BatchListReader(allocator, data.batches())) {
      return ingestTable.append(batches);
    }
  }

  /** Reads every value; a short count fails the run, so no store can pass by reading less. */
  @Benchmark
  public long scan() throws IOException {
    long sum = 0;
    long read = 0;
    try (ArrowReader reader = scanned.newScan().arrowReader()) {
      while (reader.loadNextBatch()) {
        sum += Touch.batch(reader.getVectorSchemaRoot());
        read += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    if (read != rows) {
      throw new IllegalStateException("the scan read " + read + " of " + rows + " rows");
    }
    return sum;
  }
}
