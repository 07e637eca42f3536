package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Transaction;
import dev.datashard.arrow.RecordBatches;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every codec DataShard writes ({@code write.parquet.compression-codec}), read by Iceberg's own
 * Parquet reader (parquet-java, Hadoop's codecs) and by DataShard: every type, nulls at every
 * level, several row groups and pages (small sizes), and the footer's codec and counts as parquet-java
 * sees them.
 */
class EveryCodecTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  @ParameterizedTest
  @ValueSource(strings = {"zstd", "snappy", "gzip", "lz4", "lz4_raw", "uncompressed"})
  void icebergAndDataShardReadEveryCodec(String codec) throws IOException {
    dev.datashard.Table table = local.shard().createTable("t_" + codec, AllTypes.SCHEMA, Map.of(
        "write.parquet.compression-codec", codec,
        "write.parquet.row-group-size-bytes", "8192",
        "write.parquet.page-size-bytes", "2048",
        "write.parquet.page-row-limit", "100"));
    try (Transaction tx = table.newTransaction();
        VectorSchemaRoot batch = RecordBatches.fromRecords(local.allocator(), AllTypes.SCHEMA, AllTypes.rows(400, 800))) {
      tx.appendRecords(AllTypes.rows(0, 400));
      tx.append(batch);
      tx.commit();
    }
    List<Map<String, Object>> expected = new ArrayList<>();
    AllTypes.rows(0, 800).forEach(r -> expected.add(Interop.canonicalMap(r)));

    Table iceberg = Interop.icebergTable(table.location());
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), expected);
    Interop.assertSameRows(Interop.datashardRows(table.newScan()), expected);

    try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(file.location()), new Configuration()))) {
          List<BlockMetaData> groups = reader.getFooter().getBlocks();
          assertThat(groups).as("row groups").hasSizeGreaterThan(1);
          for (BlockMetaData group : groups) {
            for (ColumnChunkMetaData column : group.getColumns()) {
              assertThat(column.getCodec()).isEqualTo(CompressionCodecName.fromConf(codec));
            }
          }
        }
        // The counts parquet-java derives from the footer agree with DataShard's manifest.
        Metrics footer = ParquetUtil.fileMetrics(iceberg.io().newInputFile(file.location()), MetricsConfig.getDefault());
        assertThat(footer.recordCount()).isEqualTo(file.recordCount());
        for (org.apache.iceberg.types.Types.NestedField field : iceberg.schema().columns()) {
          if (field.type().isPrimitiveType()) {
            int id = field.fieldId();
            assertThat(footer.valueCounts().get(id)).as(field.name()).isEqualTo(file.valueCounts().get(id));
            assertThat(footer.nullValueCounts().get(id)).as(field.name()).isEqualTo(file.nullValueCounts().get(id));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
