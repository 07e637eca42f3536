package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import dev.datashard.io.local.LocalStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Iceberg's Java library reads a DataShard table on the S3 server through its own S3FileIO. */
class IcebergReadsDataShardOnS3Test {
  static S3ProxyServer server;

  @BeforeAll
  static void start() throws IOException {
    server = S3ProxyServer.start();
    server.createBucket("lake");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static S3FileIO icebergFileIO() {
    return new S3FileIO(() -> S3Client.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(server.endpoint())
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(ApacheHttpClient.builder().expectContinueEnabled(false))
        .build());
  }

  @Test
  void everyTypeEverySnapshotAndPruning() {
    try (RootAllocator allocator = new RootAllocator();
        DataShard shard = DataShard.open(StorageConfig.s3(server.config("lake").prefix("warehouse").build()),
            allocator);
        S3FileIO io = icebergFileIO()) {
      Table table = shard.createTable("all_types", AllTypes.SCHEMA);
      Snapshot first = table.appendRecords(AllTypes.rows(0, 40)).orElseThrow();
      try (var tx = table.newTransaction()) {
        tx.appendRecords(AllTypes.rows(40, 70)).appendRecords(AllTypes.rows(70, 100));
        tx.commit();
      }

      BaseTable iceberg = new BaseTable(new StaticTableOperations(table.metadataFile(), io), "all_types");
      assertThat(iceberg.location()).isEqualTo(table.location());
      Interop.assertSameRows(Interop.icebergRows(iceberg, null), Interop.datashardRows(table.newScan()));
      Interop.assertSameRows(Interop.icebergRows(iceberg, first.snapshotId()),
          Interop.datashardRows(table.newScan().useSnapshot(first.snapshotId())));
      assertThat(Interop.icebergRows(iceberg, null)).hasSize(100);
      assertThat(iceberg.currentSnapshot().summary()).containsEntry("total-records", "100");

      int allFiles = count(iceberg.newScan().planFiles());
      int pruned = count(iceberg.newScan().filter(Expressions.lessThan("id", 10)).planFiles());
      // The first append's file, and one file the transaction's two appends share.
      assertThat(allFiles).isEqualTo(2);
      assertThat(pruned).isEqualTo(1);
    }
  }

  /**
   * Delete files on S3: a table Iceberg wrote equality deletes into, copied to S3 by DataShard,
   * reads there as Iceberg reads it locally, in DataShard (delete files fetched from S3, data files
   * in runs of row groups) and in Iceberg through S3FileIO.
   */
  @Test
  void equalityDeletesApplyOnS3(@TempDir Path warehouse) {
    org.apache.iceberg.Table local = IcebergWrites.create(LocalStorage.locationOf(warehouse.resolve("t")),
        IcebergSchemas.events(), PartitionSpec.unpartitioned(), Map.of(
            TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "1",
            TableProperties.PARQUET_ROW_GROUP_CHECK_MIN_RECORD_COUNT, "10",
            TableProperties.PARQUET_ROW_GROUP_CHECK_MAX_RECORD_COUNT, "10"));
    IcebergWrites.append(local, IcebergSchemas.eventRows(0, 40, "a"), IcebergSchemas.eventRows(40, 60, "b"));
    local.newRowDelta().addDeletes(IcebergWrites.writeEqualityDeletes(local, local.spec(), List.of("value"),
        List.of(Map.of("value", 50), Map.of("value", 250), Map.of("value", 610)))).commit();
    IcebergWrites.append(local, IcebergSchemas.eventRows(60, 70, "a")); // id 61, value 610, is not deleted
    local.newRowDelta().addDeletes(IcebergWrites.writeEqualityDeletes(local, local.spec(), List.of("category"),
        List.of(Map.of("category", "b")))).commit();
    List<Map<String, Object>> expected = Interop.icebergRows(local, null);
    assertThat(expected).hasSize(70 - 2 - 20);

    try (RootAllocator allocator = new RootAllocator();
        DataShard source = DataShard.open(StorageConfig.local(warehouse), allocator);
        DataShard shard = DataShard.open(StorageConfig.s3(server.config("lake").prefix("deletes").build()),
            allocator);
        S3FileIO io = icebergFileIO()) {
      source.copyTable("t", shard, "t");
      Table table = shard.loadTable("t");
      Interop.assertSameRows(Interop.datashardRows(table.newScan().batchSize(6)), expected);
      Interop.assertSameRows(Interop.datashardRows(table.newScan().filter(dev.datashard.Expression.lessThan("id", 25L))),
          expected.stream().filter(r -> (Long) r.get("id") < 25).toList());
      assertThat(table.rowCount()).isEqualTo(expected.size());
      BaseTable iceberg = new BaseTable(new StaticTableOperations(table.metadataFile(), io), "t");
      Interop.assertSameRows(Interop.icebergRows(iceberg, null), expected);
    }
  }

  private static int count(CloseableIterable<FileScanTask> tasks) {
    int n = 0;
    try (tasks) {
      for (FileScanTask ignored : tasks) {
        n++;
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return n;
  }
}
