package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.expressions.BoundFilter;
import dev.datashard.expressions.Filters;
import dev.datashard.io.local.LocalStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.InclusiveMetricsEvaluator;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DataShard's filters against Iceberg's, on random data of every primitive type and random filters
 * (fixed seeds), on a table DataShard wrote and one Iceberg wrote with the same rows.
 *
 * <p>Rows: DataShard's scan returns exactly the rows Iceberg's {@code Evaluator} accepts, as
 * {@link IcebergReference} adjusts it. Files: DataShard never prunes a file holding a matching
 * row, and keeps a file Iceberg's {@code InclusiveMetricsEvaluator} prunes only for a reason: the
 * file holds a match, or may hold NaN in a column the filter reads (Iceberg 1.10 prunes files on
 * bounds that leave NaN out, though its Evaluator ranks NaN above every value), or the filter
 * reads the uuid column (Iceberg orders uuids signed; the reference flips them).
 */
class FilterSemanticsDiffTest {
  private static final int FILES = 6;
  private static final int ROWS_PER_FILE = 20;
  private static final int FILTERS = 80;

  @RegisterExtension final LocalShard local = new LocalShard();

  /** A table, and DataShard's and Iceberg's view of its data files, in the order of their rows. */
  private record Written(String name, dev.datashard.Table table, List<dev.datashard.metadata.DataFile> files,
      List<DataFile> icebergFiles) {}

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void filtersAgreeWithIcebergOnRowsAndFiles(long seed) {
    Random random = new Random(seed);
    RandomValues values = new RandomValues(random);
    List<List<Map<String, Object>>> files = new ArrayList<>();
    for (int f = 0; f < FILES; f++) {
      files.add(values.file(f * ROWS_PER_FILE, ROWS_PER_FILE));
    }
    List<Written> tables = List.of(writtenByDataShard(files), writtenByIceberg(files));
    Schema schema = IcebergSchemas.allTypes();
    List<StructLike> rows = files.stream().flatMap(List::stream)
        .map(r -> IcebergReference.row(schema.asStruct(), r)).toList();
    RandomFilters filters = new RandomFilters(random, values);
    for (int n = 0; n < FILTERS; n++) {
      Expression filter = filters.next();
      org.apache.iceberg.expressions.Expression reference = IcebergReference.of(filter);
      NavigableSet<Long> expected = new TreeSet<>();
      Evaluator evaluator = new Evaluator(schema.asStruct(), reference);
      for (int id = 0; id < rows.size(); id++) {
        if (evaluator.eval(rows.get(id))) {
          expected.add((long) id);
        }
      }
      InclusiveMetricsEvaluator metrics = new InclusiveMetricsEvaluator(schema, reference);
      for (Written table : tables) {
        String where = "seed " + seed + ", filter " + n + " on the table " + table.name() + ": "
            + describe(filter) + "\n  as Iceberg's: " + reference;
        Set<Long> actual = new TreeSet<>();
        table.table().newScan().select("id").filter(filter).toRecords().forEach(r -> actual.add((Long) r.get("id")));
        assertThat(actual).as(where).isEqualTo(expected);
        assertPruning(table, filter, expected, metrics, where);
      }
    }
  }

  /** Each file against the rows it holds and Iceberg's verdict, as Scan.files() prunes it. */
  private static void assertPruning(Written table, Expression filter, NavigableSet<Long> matching,
      InclusiveMetricsEvaluator metrics, String where) {
    BoundFilter bound = Filters.bind(filter, table.table().schema());
    for (int f = 0; f < FILES; f++) {
      boolean kept = bound.mightMatch(table.files().get(f));
      long first = (long) f * ROWS_PER_FILE;
      boolean holdsMatch = !matching.subSet(first, first + ROWS_PER_FILE).isEmpty();
      DataFile icebergFile = table.icebergFiles().get(f);
      if (holdsMatch) {
        assertThat(kept).as(where + "\n  file " + f + " holds a match and must be kept").isTrue();
      } else if (kept && !metrics.eval(icebergFile)) {
        assertThat(Filters.columns(filter).contains("u") || mayHoldNaN(filter, icebergFile))
            .as(where + "\n  file " + f + " is pruned by Iceberg, with no reason to keep it").isTrue();
      }
    }
  }

  private Written writtenByDataShard(List<List<Map<String, Object>>> files) {
    dev.datashard.Table table = local.shard().createTable("by_datashard", AllTypes.SCHEMA);
    files.forEach(table::appendRecords);
    return new Written("by_datashard", table, dataShardFiles(table), icebergFiles(table.location()));
  }

  private Written writtenByIceberg(List<List<Map<String, Object>>> files) {
    Table iceberg = IcebergWrites.create(LocalStorage.locationOf(local.warehouse().resolve("by_iceberg")),
        IcebergSchemas.allTypes(), PartitionSpec.unpartitioned());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>>[] batches = files.toArray(List[]::new);
    IcebergWrites.append(iceberg, batches);
    dev.datashard.Table table = local.shard().loadTable("by_iceberg");
    return new Written("by_iceberg", table, dataShardFiles(table), icebergFiles(iceberg.location()));
  }

  private static List<dev.datashard.metadata.DataFile> dataShardFiles(dev.datashard.Table table) {
    dev.datashard.metadata.DataFile[] files = new dev.datashard.metadata.DataFile[FILES];
    table.newScan().files().forEach(f -> files[fileIndex(ByteBuffer.wrap(f.lowerBounds().get(1)))] = f);
    return List.of(files);
  }

  /** Iceberg's data files of the table with their column statistics, in the order of their ids. */
  private static List<DataFile> icebergFiles(String location) {
    DataFile[] files = new DataFile[FILES];
    try (CloseableIterable<FileScanTask> tasks =
        Interop.icebergTable(location).newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        files[fileIndex(task.file().lowerBounds().get(1))] = task.file();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.of(files);
  }

  /** Files hold consecutive ids, so the lower bound of {@code id} (field 1) names the file. */
  private static int fileIndex(ByteBuffer idLowerBound) {
    return (int) (idLowerBound.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong() / ROWS_PER_FILE);
  }

  private static boolean mayHoldNaN(Expression filter, DataFile file) {
    for (String column : Filters.columns(filter)) {
      Types.NestedField field = IcebergSchemas.allTypes().findField(column);
      Long nans = file.nanValueCounts() == null ? null : file.nanValueCounts().get(field.fieldId());
      boolean floating = field.type().typeId() == org.apache.iceberg.types.Type.TypeID.FLOAT
          || field.type().typeId() == org.apache.iceberg.types.Type.TypeID.DOUBLE;
      if (floating && (nans == null || nans > 0)) {
        return true;
      }
    }
    return false;
  }

  /** The filter with readable literals (bytes in hex) for failure messages. */
  private static String describe(Expression e) {
    if (e instanceof Expression.And and) {
      return "(" + describe(and.left()) + " and " + describe(and.right()) + ")";
    }
    if (e instanceof Expression.Or or) {
      return "(" + describe(or.left()) + " or " + describe(or.right()) + ")";
    }
    if (e instanceof Expression.Not not) {
      return "not " + describe(not.child());
    }
    if (e instanceof Expression.Comparison c) {
      return c.column() + " " + c.operator().symbol() + " " + text(c.value());
    }
    if (e instanceof Expression.In in) {
      return in.column() + (in.negated() ? " not in " : " in ")
          + in.values().stream().map(FilterSemanticsDiffTest::text).toList();
    }
    return e.toString();
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes ? "0x" + HexFormat.of().formatHex(bytes) : String.valueOf(value);
  }
}
