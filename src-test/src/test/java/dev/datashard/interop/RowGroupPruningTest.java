package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.io.ForwardingStorage;
import dev.datashard.io.local.LocalStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row groups whose footer statistics rule out a filter are never fetched, and the rows a
 * filtered scan returns equal Iceberg's for the same filter, on a file of many row groups that
 * Iceberg's writer made.
 */
class RowGroupPruningTest {
  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "name", Types.StringType.get()),
      Types.NestedField.optional(3, "score", Types.DoubleType.get()));
  private static final int ROWS = 80_000;

  @TempDir Path dir;

  /** Counts the bytes read by range, the path that reads only a file's chosen row groups. */
  static final class CountingStorage extends ForwardingStorage {
    final AtomicLong bytes = new AtomicLong();

    CountingStorage(Path root) {
      super(new LocalStorage(root, false));
    }

    @Override
    public CompletableFuture<byte[]> readRangeAsync(String location, long offset, int length) {
      return super.readRangeAsync(location, offset, length).thenApply(read -> {
        bytes.addAndGet(read.length);
        return read;
      });
    }
  }

  /** Names that do not compress away: the file must be larger than one GET reads whole (1 MiB). */
  private static String name(int i) {
    java.util.Random random = new java.util.Random(i);
    return "name-" + i + "-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
  }

  @Test
  void onlyRowGroupsThatMayMatchAreFetchedAndRowsEqualIcebergs() {
    String location = LocalStorage.locationOf(dir.resolve("many-groups"));
    Table iceberg = IcebergWrites.create(location, SCHEMA, PartitionSpec.unpartitioned());
    iceberg.updateProperties().set(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "16384").commit();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", (long) i);
      row.put("name", i % 10 == 0 ? null : name(i));
      row.put("score", i % 97 == 0 ? Double.NaN : i / 3.0);
      rows.add(row);
    }
    IcebergWrites.append(iceberg, rows);
    long fileSize = iceberg.currentSnapshot().addedDataFiles(iceberg.io()).iterator().next().fileSizeInBytes();

    CountingStorage storage = new CountingStorage(dir);
    try (RootAllocator allocator = new RootAllocator(); DataShard shard = DataShard.open(storage, allocator)) {
      dev.datashard.Table table = shard.loadTable(location);
      storage.bytes.set(0);
      List<Map<String, Object>> found = table.newScan().filter(Expression.parse("id = 12345")).toRecords();
      assertThat(found).singleElement().satisfies(row -> assertThat(row.get("name")).isEqualTo(name(12345)));
      System.out.printf("row-group pruning: id = 12345 read %d of %d bytes%n", storage.bytes.get(), fileSize);
      assertThat(storage.bytes.get()).isLessThan(fileSize / 4);

      Map<String, org.apache.iceberg.expressions.Expression> filters = Map.of(
          "id >= 79990 or id < 3", Expressions.or(Expressions.greaterThanOrEqual("id", 79990L), Expressions.lessThan("id", 3L)),
          "score > 13000.0", Expressions.greaterThan("score", 13000.0),
          "name = '" + name(777) + "'", Expressions.equal("name", name(777)),
          "name is null and id < 100", Expressions.and(Expressions.isNull("name"), Expressions.lessThan("id", 100L)),
          "id between 20000 and 20010", Expressions.and(Expressions.greaterThanOrEqual("id", 20000L),
              Expressions.lessThanOrEqual("id", 20010L)));
      for (Map.Entry<String, org.apache.iceberg.expressions.Expression> filter : filters.entrySet()) {
        List<Map<String, Object>> expected = Interop.icebergRows(iceberg, null, filter.getValue());
        assertThat(Interop.datashardRows(table.newScan().filter(Expression.parse(filter.getKey()))))
            .as(filter.getKey()).isEqualTo(expected).isNotEmpty();
      }
    }
  }
}
