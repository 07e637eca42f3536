package dev.datashard.bench;

import com.github.luben.zstd.ZstdCompressCtx;
import dev.datashard.arrow.ArrowSchemas;
import dev.datashard.io.parquet.ArrowParquetWriter;
import dev.datashard.io.parquet.BatchListReader;
import dev.datashard.io.parquet.ParquetFiles;
import dev.datashard.io.parquet.ParquetWriteOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnWriteStoreV1;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The measurement behind the choice of Parquet writer (README, "Why a writer of our own"): the
 * throughput benchmark's 10 million rows, as Arrow batches of 100,000, written to one Parquet file
 * by one of three writers, several times in one JVM; prints wall and process CPU time per run.
 *
 * <ul>
 *   <li>{@code datashard}: {@link ArrowParquetWriter}, zstd level 3;
 *   <li>{@code parquet-java}: parquet-java's column writer ({@code ColumnWriteStoreV1},
 *       {@code ColumnChunkPageWriteStore}, {@code ParquetFileWriter} on an {@code OutputFile}) fed
 *       from the vectors, zstd level 3 through zstd-jni, with no Hadoop class involved;
 *   <li>{@code arrow-dataset}: Arrow C++'s writer through JNI, DataShard's writer before (no codec
 *       option: uncompressed).
 * </ul>
 *
 * <p>Usage: {@code WriterComparison WRITER RUNS DIRECTORY}.
 */
public final class WriterComparison {
  private WriterComparison() {}

  public static void main(String[] args) throws Exception {
    String writer = args[0];
    int runs = Integer.parseInt(args[1]);
    Path directory = Files.createTempDirectory(Files.createDirectories(Path.of(args[2])), "writers-");
    var threads = ManagementFactory.getThreadMXBean();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (BufferAllocator allocator = new RootAllocator(); IngestData data = new IngestData(allocator, 10_000_000)) {
      for (int run = 1; run <= runs; run++) {
        Path file = directory.resolve(writer + "-" + run + ".parquet");
        long wall = System.nanoTime();
        long cpu = os.getProcessCpuTime();
        long bytes = switch (writer) {
          case "datashard" -> datashard(file, data.batches());
          case "parquet-java" -> parquetJava(file, data.batches());
          case "arrow-dataset" -> arrowDataset(allocator, Files.createDirectory(directory.resolve("run-" + run)),
              data.batches());
          default -> throw new IllegalArgumentException("unknown writer " + writer);
        };
        System.out.printf("%s run %d: %.3f s wall, %.3f s process CPU, %.2f MiB, load %s%n", writer, run,
            (System.nanoTime() - wall) / 1e9, (os.getProcessCpuTime() - cpu) / 1e9, bytes / 1048576.0,
            Files.readString(Path.of("/proc/loadavg")).trim());
      }
    }
  }

  private static long datashard(Path file, List<VectorSchemaRoot> batches) throws IOException {
    org.apache.arrow.vector.types.pojo.Schema schema = ArrowSchemas.toArrow(Events.SCHEMA);
    try (ArrowParquetWriter writer = ArrowParquetWriter.create(file, schema, ParquetWriteOptions.DEFAULT)) {
      for (VectorSchemaRoot batch : batches) {
        // The field ids of the table's schema over the batch's vectors, as AppendReader presents them.
        writer.write(new VectorSchemaRoot(schema.getFields(), batch.getFieldVectors(), batch.getRowCount()));
      }
    }
    return Files.size(file);
  }

  private static long arrowDataset(BufferAllocator allocator, Path directory, List<VectorSchemaRoot> batches)
      throws IOException {
    try (ArrowReader reader = new BatchListReader(allocator, batches)) {
      return Files.size(ParquetFiles.write(allocator, reader, directory).orElseThrow());
    }
  }

  private static long parquetJava(Path file, List<VectorSchemaRoot> batches) throws IOException {
    MessageType schema = Types.buildMessage()
        .required(PrimitiveTypeName.INT64).id(1).named("user_id")
        .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).id(2).named("event")
        .required(PrimitiveTypeName.INT64).id(3).named("timestamp")
        .named("table");
    try (ZstdCompressCtx zstd = new ZstdCompressCtx()) {
      zstd.setLevel(3);
      BytesInputCompressor compressor = new BytesInputCompressor() {
        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
          return BytesInput.from(zstd.compress(bytes.toByteArray()));
        }

        @Override
        public CompressionCodecName getCodecName() {
          return CompressionCodecName.ZSTD;
        }

        @Override
        public void release() {}
      };
      ParquetProperties properties = ParquetProperties.builder().withPageSize(1 << 20)
          .withDictionaryPageSize(2 << 20).withPageRowCountLimit(20_000).build();
      ParquetFileWriter out = new ParquetFileWriter(new LocalOutputFile(file), schema, ParquetFileWriter.Mode.CREATE,
          128L << 20, 0, 64, Integer.MAX_VALUE, false);
      out.start();
      ColumnChunkPageWriteStore pages = new ColumnChunkPageWriteStore(compressor, schema,
          new HeapByteBufferAllocator(), 64);
      ColumnWriteStoreV1 store = new ColumnWriteStoreV1(schema, pages, properties);
      ColumnWriter ids = store.getColumnWriter(schema.getColumns().get(0));
      ColumnWriter events = store.getColumnWriter(schema.getColumns().get(1));
      ColumnWriter timestamps = store.getColumnWriter(schema.getColumns().get(2));
      long rows = 0;
      for (VectorSchemaRoot batch : batches) {
        BigIntVector id = (BigIntVector) batch.getVector(0);
        VarCharVector event = (VarCharVector) batch.getVector(1);
        BigIntVector timestamp = (BigIntVector) batch.getVector(2);
        for (int i = 0; i < batch.getRowCount(); i++) {
          ids.write(id.get(i), 0, 0);
          events.write(Binary.fromConstantByteArray(event.get(i)), 0, 0);
          timestamps.write(timestamp.get(i), 0, 0);
          store.endRecord();
        }
        rows += batch.getRowCount();
      }
      out.startBlock(rows);
      store.flush();
      pages.flushToFileWriter(out);
      out.endBlock();
      out.end(Map.of());
    }
    return Files.size(file);
  }

  /** parquet-java's output as a plain local file, without Hadoop's FileSystem. */
  private record LocalOutputFile(Path path) implements OutputFile {
    @Override
    public PositionOutputStream create(long blockSize) throws IOException {
      OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
      return new PositionOutputStream() {
        private long position;

        @Override
        public long getPos() {
          return position;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          position++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          out.write(bytes, offset, length);
          position += length;
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSize) throws IOException {
      return create(blockSize);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }
}
