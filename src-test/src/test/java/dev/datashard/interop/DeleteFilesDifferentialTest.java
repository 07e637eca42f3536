package dev.datashard.interop;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.Scan;
import dev.datashard.io.local.LocalStorage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Iceberg's library writes a table's history of appends, position deletes and equality deletes
 * (random, from a seed); DataShard must read every snapshot of it as Iceberg's generic reader does,
 * with and without filters and projections. The history starts with the cases the rules turn on:
 * files of an unpartitioned spec and of a partitioned one, a global equality delete (unpartitioned
 * spec) and partition-scoped ones, an equality delete followed by an append of rows it would match
 * (it must not apply: sequence numbers), a position delete committed with the rows it deletes and an
 * equality delete committed with rows it matches (the one applies to them, the other not), null
 * keys, an equality column renamed after deletes on it, data files recorded under plain paths.
 */
class DeleteFilesDifferentialTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  private static final Schema SCHEMA = new Schema(
      required(1, "id", Types.LongType.get()),
      optional(2, "category", Types.StringType.get()),
      optional(3, "value", Types.IntegerType.get()),
      optional(4, "key", Types.StringType.get()));
  private static final List<String> CATEGORIES = List.of("a", "b", "c");

  /** Iceberg's side of the history: the table and what is live in it. */
  private static final class History {
    final Table table;
    final Random random;
    final List<DataFile> files = new ArrayList<>();
    final List<Long> snapshots = new ArrayList<>();
    String valueColumn = "value";
    long nextId;

    History(Table table, Random random) {
      this.table = table;
      this.random = random;
    }

    Map<String, Object> row(String category) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", nextId++);
      row.put("category", category);
      row.put(valueColumn, random.nextInt(5) == 0 ? null : random.nextInt(5));
      row.put("key", random.nextInt(4) == 0 ? null : List.of("x", "y", "z").get(random.nextInt(3)));
      return row;
    }

    /** A data file of one category (the partitioned spec needs that), sometimes recorded under a plain path. */
    DataFile dataFile(String category, int rows) {
      List<Map<String, Object>> batch = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        batch.add(row(category));
      }
      DataFile file = IcebergWrites.writeDataFile(table, batch);
      if (random.nextInt(3) == 0 && file.location().startsWith("file:")) {
        file = DataFiles.builder(table.spec()).copy(file).withPath(file.location().substring("file:".length())).build();
      }
      return file;
    }

    String category() {
      return random.nextInt(8) == 0 ? null : CATEGORIES.get(random.nextInt(CATEGORIES.size()));
    }

    void append(int files) {
      org.apache.iceberg.AppendFiles append = table.newAppend();
      for (int f = 0; f < files; f++) {
        DataFile file = dataFile(category(), 5 + random.nextInt(40));
        append.appendFile(file);
        this.files.add(file);
      }
      commit(append::commit);
    }

    /** Deletes some rows of {@code file} by position, with {@code also} in the same commit. */
    void deletePositions(DataFile file, Function<RowDelta, RowDelta> also) {
      int count = 1 + random.nextInt(3);
      long[] positions = random.longs(count, 0, file.recordCount()).distinct().sorted().toArray();
      commit(() -> also.apply(table.newRowDelta()).addDeletes(IcebergWrites.writePositionDeletes(table, file, positions)).commit());
    }

    void deletePositions() {
      deletePositions(files.get(random.nextInt(files.size())), delta -> delta);
    }

    void appendAndDeleteSome() {
      DataFile file = dataFile(category(), 10 + random.nextInt(10));
      files.add(file);
      deletePositions(file, delta -> delta.addRows(file));
    }

    /**
     * Appends a file and, in the same commit, an equality delete of keys of some of its rows (as
     * Flink's upserts do): it applies to older files only, so the new rows stay.
     */
    void appendAndDeleteEqual() {
      String category = category();
      DataFile file = dataFile(category, 10 + random.nextInt(10));
      files.add(file);
      List<Map<String, Object>> keys = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        Map<String, Object> key = new HashMap<>();
        key.put("key", List.of("x", "y", "z").get(random.nextInt(3)));
        key.put("category", category);
        keys.add(key);
      }
      commit(() -> table.newRowDelta().addRows(file)
          .addDeletes(IcebergWrites.writeEqualityDeletes(table, table.spec(), List.of("key"), keys)).commit());
    }

    /** An equality delete of 1-3 random keys on random columns; global when {@code spec} is unpartitioned. */
    void deleteEqual(PartitionSpec spec) {
      List<List<String>> choices = List.of(List.of(valueColumn), List.of("key"), List.of("key", valueColumn));
      List<String> columns = choices.get(random.nextInt(choices.size()));
      String category = category();
      List<Map<String, Object>> keys = new ArrayList<>();
      for (int k = 0, n = 1 + random.nextInt(3); k < n; k++) {
        Map<String, Object> key = new HashMap<>(row(category));
        key.keySet().retainAll(columns);
        key.put("category", category); // the partition of a partition-scoped delete
        keys.add(key);
      }
      commit(() -> table.newRowDelta().addDeletes(IcebergWrites.writeEqualityDeletes(table, spec, columns, keys)).commit());
    }

    void commit(Runnable commit) {
      commit.run();
      snapshots.add(table.currentSnapshot().snapshotId());
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void everySnapshotReadsAsIcebergReadsIt(long seed) {
    Map<String, String> properties = new LinkedHashMap<>();
    // Row groups of ten rows: positions must carry across row groups, batches and skipped row groups.
    properties.put(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "1");
    properties.put(TableProperties.PARQUET_ROW_GROUP_CHECK_MIN_RECORD_COUNT, "10");
    properties.put(TableProperties.PARQUET_ROW_GROUP_CHECK_MAX_RECORD_COUNT, "10");
    Table iceberg = IcebergWrites.create(LocalStorage.locationOf(local.warehouse().resolve("t")), SCHEMA,
        PartitionSpec.unpartitioned(), properties);
    History history = new History(iceberg, new Random(seed));
    PartitionSpec unpartitioned = iceberg.spec();

    history.append(2);
    iceberg.updateSpec().addField("category").commit();
    history.append(2);
    history.deleteEqual(unpartitioned);
    history.append(1); // rows the equality delete before it would match stay
    history.deleteEqual(iceberg.spec());
    history.deletePositions();
    history.appendAndDeleteSome();
    history.appendAndDeleteEqual();
    iceberg.updateSchema().renameColumn("value", "amount").commit();
    history.valueColumn = "amount";
    history.deleteEqual(iceberg.spec());
    history.deleteEqual(unpartitioned);
    for (int step = 0; step < 8; step++) {
      switch (history.random.nextInt(6)) {
        case 0 -> history.append(1 + history.random.nextInt(2));
        case 1 -> history.deletePositions();
        case 2 -> history.appendAndDeleteSome();
        case 3 -> history.appendAndDeleteEqual();
        case 4 -> history.deleteEqual(iceberg.spec());
        default -> history.deleteEqual(unpartitioned);
      }
    }

    dev.datashard.Table table = local.shard().loadTable("t");
    for (long snapshot : history.snapshots) {
      Interop.assertSameRows(Interop.datashardRows(table.newScan().useSnapshot(snapshot)),
          Interop.icebergRows(iceberg, snapshot));
    }
    List<Map<String, Object>> expected = Interop.icebergRows(iceberg, null);
    assertThat(expected.size()).isLessThan(history.files.stream().mapToInt(f -> (int) f.recordCount()).sum());
    Interop.assertSameRows(Interop.datashardRows(table.newScan().batchSize(7)), expected);
    assertThat(table.newScan().count()).isEqualTo(new Scan.RowCount(expected.size(), Scan.CountMethod.READ_FOR_DELETES));

    long third = history.nextId / 3;
    assertSameFiltered(table, iceberg, dev.datashard.Expression.between("id", third, 2 * third),
        Expressions.and(Expressions.greaterThanOrEqual("id", third), Expressions.lessThanOrEqual("id", 2 * third)));
    assertSameFiltered(table, iceberg, dev.datashard.Expression.equal("category", "b"), Expressions.equal("category", "b"));
    assertSameFiltered(table, iceberg, dev.datashard.Expression.isNull("key"), Expressions.isNull("key"));
    assertSameFiltered(table, iceberg, dev.datashard.Expression.equal("amount", 2), Expressions.equal("amount", 2));

    // Projections without the equality columns: they are read to apply the deletes, then dropped.
    List<Map<String, Object>> ids = Interop.datashardRows(table.newScan().select("id"));
    Interop.assertSameRows(ids, expected.stream().map(r -> Map.of("id", r.get("id"))).toList());
    List<Map<String, Object>> categories = Interop.datashardRows(table.newScan().select("category", "id")
        .filter(dev.datashard.Expression.lessThan("id", third)));
    Interop.assertSameRows(categories, expected.stream().filter(r -> (Long) r.get("id") < third)
        .map(r -> {
          Map<String, Object> projected = new LinkedHashMap<>();
          projected.put("category", r.get("category"));
          projected.put("id", r.get("id"));
          return projected;
        }).toList());
  }

  private static void assertSameFiltered(dev.datashard.Table table, Table iceberg, dev.datashard.Expression filter,
      org.apache.iceberg.expressions.Expression icebergFilter) {
    List<Map<String, Object>> expected = Interop.icebergRows(iceberg, null, icebergFilter);
    Interop.assertSameRows(Interop.datashardRows(table.newScan().filter(filter).batchSize(5)), expected);
    assertThat(table.newScan().filter(filter).rowCount()).as("count where " + filter).isEqualTo(expected.size());
  }
}
