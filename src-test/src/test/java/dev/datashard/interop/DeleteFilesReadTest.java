package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.Expression;
import dev.datashard.cli.Main;
import dev.datashard.io.local.LocalStorage;
import dev.datashard.io.parquet.ParquetFooter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Position deletes where reading them goes wrong easily: row positions past skipped row groups, spellings of paths. */
class DeleteFilesReadTest {
  @RegisterExtension final LocalShard local = new LocalShard();

  /** A table of one 50-row data file in row groups of ten rows, ids 0 to 49, with rows {@code deleted} deleted by position. */
  private Table tableWithPositionDeletes(DataFile[] written, long... deleted) {
    Table iceberg = IcebergWrites.create(LocalStorage.locationOf(local.warehouse().resolve("t")),
        IcebergSchemas.events(), PartitionSpec.unpartitioned(), Map.of(
            TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "1",
            TableProperties.PARQUET_ROW_GROUP_CHECK_MIN_RECORD_COUNT, "10",
            TableProperties.PARQUET_ROW_GROUP_CHECK_MAX_RECORD_COUNT, "10"));
    DataFile data = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(0, 50, "a"));
    iceberg.newAppend().appendFile(data).commit();
    iceberg.newRowDelta().addDeletes(IcebergWrites.writePositionDeletes(iceberg, data, deleted)).commit();
    written[0] = data;
    return iceberg;
  }

  private static List<Long> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> (Long) r.get("id")).sorted().toList();
  }

  private static List<Long> idsExcept(long from, long to, long... deleted) {
    return LongStream.range(from, to).filter(id -> LongStream.of(deleted).noneMatch(d -> d == id)).boxed().toList();
  }

  @Test
  void positionsCountFromTheFileStartWhateverRowGroupsAndBatchesAreRead() {
    long[] deleted = {3, 15, 22, 38, 49};
    DataFile[] data = new DataFile[1];
    Table iceberg = tableWithPositionDeletes(data, deleted);
    ParquetFooter footer = ParquetFooter.read(local.shard().storage(), data[0].location(), data[0].fileSizeInBytes()).join();
    assertThat(footer.rowGroupCount()).isEqualTo(5);

    dev.datashard.Table table = local.shard().loadTable("t");
    assertThat(ids(table.newScan().batchSize(4).toRecords())).isEqualTo(idsExcept(0, 50, deleted));
    // Row groups 0 and 1 are skipped: the first row read is at position 20.
    assertThat(ids(table.newScan().filter(Expression.greaterThanOrEqual("id", 20L)).batchSize(3).toRecords()))
        .isEqualTo(idsExcept(20, 50, deleted));
    // Two runs of one file, the middle row groups skipped.
    Expression ends = Expression.or(Expression.lessThan("id", 12L), Expression.greaterThanOrEqual("id", 35L));
    List<Long> expected = Interop.icebergRows(iceberg, null, Expressions.or(Expressions.lessThan("id", 12L),
        Expressions.greaterThanOrEqual("id", 35L))).stream().map(r -> (Long) r.get("id")).toList();
    assertThat(ids(table.newScan().filter(ends).batchSize(7).toRecords())).isEqualTo(expected)
        .doesNotContain(3L, 38L, 49L).contains(0L, 11L, 35L, 48L);
    assertThat(table.newScan().filter(ends).rowCount()).isEqualTo(expected.size());
  }

  /**
   * One file, two spellings: the data file is {@code file:/...} in the manifest, the position
   * delete names it {@code /...} (writers differ). DataShard compares locations, not text, and
   * applies it. (Iceberg's generic reader compares the text and would not.)
   */
  @Test
  void positionDeletesMatchTheirDataFileWhateverTheSpelling() {
    Table iceberg = IcebergWrites.create(LocalStorage.locationOf(local.warehouse().resolve("t")),
        IcebergSchemas.events(), PartitionSpec.unpartitioned());
    DataFile data = IcebergWrites.writeDataFile(iceberg, IcebergSchemas.eventRows(0, 10, "a"));
    assertThat(data.location()).startsWith("file:/");
    iceberg.newAppend().appendFile(data).commit();
    String plain = data.location().substring("file:".length());
    iceberg.newRowDelta().addDeletes(IcebergWrites.writePositionDeletes(iceberg, data, plain, 2, 7)).commit();

    dev.datashard.Table table = local.shard().loadTable("t");
    assertThat(ids(table.newScan().toRecords())).isEqualTo(idsExcept(0, 10, 2, 7));
    assertThat(table.rowCount()).isEqualTo(8);
  }

  @Test
  void theCountCommandSaysWhenDeletesMadeItRead() {
    long[] deleted = {3, 15};
    Table iceberg = tableWithPositionDeletes(new DataFile[1], deleted);
    String table = local.warehouse().resolve("t").toString();
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    assertThat(Main.run(new String[] {"count", table}, new PrintWriter(out, true), new PrintWriter(err, true))).isZero();
    assertThat(out.toString().strip()).isEqualTo("48");
    assertThat(err.toString()).contains("counted by reading", "delete files");

    long beforeDeletes = iceberg.currentSnapshot().parentId();
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    assertThat(Main.run(new String[] {"count", table, "--snapshot", Long.toString(beforeDeletes)},
        new PrintWriter(out, true), new PrintWriter(err, true))).isZero();
    assertThat(out.toString().strip()).isEqualTo("50");
    assertThat(err.toString()).isEmpty();
  }
}
