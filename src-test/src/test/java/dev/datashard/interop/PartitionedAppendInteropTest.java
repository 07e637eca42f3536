package dev.datashard.interop;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.Expression;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Partitioned tables DataShard writes, checked with Iceberg's library: the partition tuple of
 * every data file is what Iceberg computes for each of its rows, Iceberg's scans with filters on
 * the partition source columns (which Iceberg prunes with the manifests' tuples and the manifest
 * list's summaries) return DataShard's rows, and after Iceberg appends to the table DataShard
 * reads its rows and appends again.
 */
class PartitionedAppendInteropTest {
  static final Schema SCHEMA = new Schema(
      required(1, "id", Types.LongType.get()),
      optional(2, "ts", Types.TimestampType.withoutZone()),
      optional(3, "user_id", Types.LongType.get()),
      optional(4, "name", Types.StringType.get()),
      optional(5, "region", Types.StringType.get()),
      optional(6, "d", Types.DateType.get()));
  static final String SPEC = "day(ts), bucket(8, user_id), truncate(2, name), region, month(d)";

  @RegisterExtension final LocalShard local = new LocalShard();

  /** Random rows (fixed seed) over a few weeks, months and regions; every column but id sometimes null. */
  static List<Map<String, Object>> rows(long firstId, int count, long seed) {
    Random random = new Random(seed);
    String[] regions = {"eu", "us", "ap-south", ""};
    String[] names = {"alice", "bob", "al", "b", "", "zoë", "日本語"};
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", firstId + i);
      row.put("ts", random.nextInt(10) == 0 ? null
          : LocalDateTime.of(2025, 12, 20, 0, 0).plusMinutes(random.nextInt(60 * 24 * 30)));
      row.put("user_id", random.nextInt(10) == 0 ? null : random.nextLong() % 100_000);
      row.put("name", random.nextInt(10) == 0 ? null : names[random.nextInt(names.length)]);
      row.put("region", random.nextInt(10) == 0 ? null : regions[random.nextInt(regions.length)]);
      row.put("d", random.nextInt(10) == 0 ? null : LocalDate.of(1969, 11, 1).plusDays(random.nextInt(200)));
      rows.add(row);
    }
    return rows;
  }

  @Test
  void icebergReadsPartitionedAppendsAndAppendsToThem() {
    dev.datashard.Table table = local.shard().createTable("events", IcebergSchemas.toDataShard(SCHEMA), SPEC,
        Map.of());
    List<Map<String, Object>> all = new ArrayList<>(rows(0, 600, 15));
    table.appendRecords(all.subList(0, 250));
    table.appendRecords(all.subList(250, 600));

    Table iceberg = Interop.icebergTable(table.location());
    assertThat(iceberg.spec().fields()).extracting(f -> f.name() + " " + f.transform() + " " + f.fieldId())
        .containsExactly("ts_day day 1000", "user_id_bucket bucket[8] 1001", "name_trunc truncate[2] 1002",
            "region identity 1003", "d_month month 1004");
    int files = checkEveryFilesTuple(iceberg);
    assertThat(files).isGreaterThan(100);
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), Interop.datashardRows(table.newScan()));

    // Filters on partition sources: Iceberg prunes by the tuples and summaries DataShard wrote.
    assertSameFiltered(table, iceberg, Expressions.greaterThanOrEqual("ts", "2026-01-05T00:00:00"),
        "ts >= '2026-01-05T00:00:00'", files);
    assertSameFiltered(table, iceberg, Expressions.equal("region", "ap-south"), "region = 'ap-south'", files);
    long someUser = all.stream().map(r -> (Long) r.get("user_id")).filter(u -> u != null).findFirst().orElseThrow();
    assertSameFiltered(table, iceberg, Expressions.equal("user_id", someUser), "user_id = " + someUser, files);
    assertSameFiltered(table, iceberg, Expressions.startsWith("name", "al"), "name starts with 'al'", files);
    assertSameFiltered(table, iceberg, Expressions.lessThan("d", "1970-01-01"), "d < '1970-01-01'", files);
    assertSameFiltered(table, iceberg, Expressions.isNull("ts"), "ts is null", files);

    // Iceberg appends a file per partition of its rows; DataShard reads them and appends again.
    List<Map<String, Object>> byIceberg = rows(10_000, 150, 16);
    appendWithIceberg(iceberg, byIceberg);
    all.addAll(byIceberg);
    table.refresh();
    Interop.assertSameRows(Interop.datashardRows(table.newScan()), sortedCanonical(all));
    List<Map<String, Object>> last = rows(20_000, 100, 17);
    table.appendRecords(last);
    all.addAll(last);
    iceberg.refresh();
    checkEveryFilesTuple(iceberg);
    Interop.assertSameRows(Interop.icebergRows(iceberg, null), sortedCanonical(all));
    Interop.assertSameRows(Interop.datashardRows(table.newScan()), sortedCanonical(all));
  }

  /** Every data file's partition tuple is Iceberg's partition of each of its rows; returns the number of files. */
  static int checkEveryFilesTuple(Table iceberg) {
    PartitionSpec spec = iceberg.spec();
    Comparator<StructLike> tuples = Comparators.forType(spec.partitionType());
    PartitionKey key = new PartitionKey(spec, iceberg.schema());
    InternalRecordWrapper wrapper = new InternalRecordWrapper(iceberg.schema().asStruct());
    int files = 0;
    try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        files++;
        assertThat(file.specId()).isEqualTo(spec.specId());
        try (CloseableIterable<Record> records = Parquet.read(iceberg.io().newInputFile(file.location()))
            .project(iceberg.schema())
            .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(iceberg.schema(), fileSchema))
            .build()) {
          long rows = 0;
          for (Record record : records) {
            key.partition(wrapper.wrap(record));
            assertThat(tuples.compare(key, file.partition()))
                .as("row %s of %s: Iceberg's partition %s, the file's %s", record, file.location(), key,
                    file.partition())
                .isZero();
            rows++;
          }
          assertThat(rows).isEqualTo(file.recordCount());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static void assertSameFiltered(dev.datashard.Table table, Table iceberg,
      org.apache.iceberg.expressions.Expression icebergFilter, String filter, int allFiles) {
    List<Map<String, Object>> expected = Interop.datashardRows(table.newScan().filter(Expression.parse(filter)));
    assertThat(expected).as(filter).isNotEmpty();
    // Iceberg's generic reader applies the filter's residual to every row: both are exact.
    Interop.assertSameRows(Interop.icebergRows(iceberg, null, icebergFilter), expected);
    int planned = 0;
    try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().filter(icebergFilter).planFiles()) {
      for (FileScanTask ignored : tasks) {
        planned++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(planned).as("files Iceberg plans for " + filter).isPositive().isLessThan(allFiles);
  }

  /** One Iceberg append of a data file per partition of {@code rows}, as Iceberg computes it. */
  private static void appendWithIceberg(Table iceberg, List<Map<String, Object>> rows) {
    PartitionKey key = new PartitionKey(iceberg.spec(), iceberg.schema());
    InternalRecordWrapper wrapper = new InternalRecordWrapper(iceberg.schema().asStruct());
    Map<PartitionKey, List<Map<String, Object>>> groups = new LinkedHashMap<>();
    for (Map<String, Object> row : rows) {
      key.partition(wrapper.wrap(IcebergWrites.record(iceberg.schema().asStruct(), row)));
      groups.computeIfAbsent(key.copy(), k -> new ArrayList<>()).add(row);
    }
    org.apache.iceberg.AppendFiles append = iceberg.newAppend();
    groups.values().forEach(group -> append.appendFile(IcebergWrites.writeDataFile(iceberg, group)));
    append.commit();
  }

  private static List<Map<String, Object>> sortedCanonical(List<Map<String, Object>> rows) {
    return Interop.sorted(rows.stream().map(Interop::canonicalMap).toList());
  }
}
