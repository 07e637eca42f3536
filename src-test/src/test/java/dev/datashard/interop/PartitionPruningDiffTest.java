package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.Expression;
import dev.datashard.plan.PlanStatistics;
import dev.datashard.plan.ScanPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DataShard's partition pruning against Iceberg's library, for every transform over int, long,
 * date, timestamp, timestamptz, string, decimal and binary columns: random rows (fixed seed,
 * {@link RandomValues}' edge cases) appended a few times to a table per spec, then random filters
 * on the spec's source columns. For each filter, every data file holding a row Iceberg's
 * {@code Evaluator} accepts is in DataShard's plan (pruning never drops a match), and the rows
 * DataShard returns are the rows Iceberg's generic reader returns; over all filters the pruning
 * skips manifests and files (it is no no-op). Every file's partition tuple is also Iceberg's
 * partition of each of its rows.
 */
class PartitionPruningDiffTest {
  private static final List<String> SPECS = List.of(
      "bucket(8, i), day(tstz), truncate(2, s)",
      "truncate(1000, l), month(date), bin",
      "hour(ts), truncate(100, dec9), bucket(4, bin)",
      "year(tstz), truncate(3, bin), bucket(5, dec18), date",
      "i, truncate(10, dec38), bucket(16, s), day(ts)",
      "tstz, bucket(3, l), year(date), truncate(4, i)",
      "month(ts), s, bucket(6, date), bucket(7, tstz), dec9");
  private static final int APPENDS = 5;
  private static final int ROWS_PER_APPEND = 24;
  private static final int FILTERS = 16;

  @RegisterExtension final LocalShard local = new LocalShard();

  @Test
  void pruningKeepsEveryMatchingFileAndRowsAreIcebergs() {
    Schema schema = IcebergSchemas.allTypes();
    for (int s = 0; s < SPECS.size(); s++) {
      String spec = SPECS.get(s);
      Random random = new Random(1500 + s);
      RandomValues values = new RandomValues(random);
      dev.datashard.Table table = local.shard().createTable("t" + s, AllTypes.SCHEMA, spec, Map.of());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int a = 0; a < APPENDS; a++) {
        List<Map<String, Object>> batch = values.file(a * ROWS_PER_APPEND, ROWS_PER_APPEND);
        table.appendRecords(batch);
        rows.addAll(batch);
      }
      Table iceberg = Interop.icebergTable(table.location());
      PartitionedAppendInteropTest.checkEveryFilesTuple(iceberg);
      Map<String, Set<Long>> idsByFile = idsByFile(iceberg);
      List<StructLike> icebergRows = rows.stream().map(r -> IcebergReference.row(schema.asStruct(), r)).toList();
      List<String> sources = table.partitionSpec().fields().stream()
          .map(field -> table.partitionSpec().sourceField(field).name()).distinct().toList();
      RandomFilters filters = new RandomFilters(random, values, sources);

      int skippedManifests = 0;
      int skippedFiles = 0;
      int dataShardFiles = 0;
      int icebergFiles = 0;
      for (int n = 0; n < FILTERS; n++) {
        Expression filter = filters.next();
        org.apache.iceberg.expressions.Expression reference = IcebergReference.of(filter);
        String where = spec + ", filter " + n + ": " + filter + "\n  as Iceberg's: " + reference;
        Set<Long> expected = new TreeSet<>();
        Evaluator evaluator = new Evaluator(schema.asStruct(), reference);
        for (int id = 0; id < icebergRows.size(); id++) {
          if (evaluator.eval(icebergRows.get(id))) {
            expected.add((long) id);
          }
        }

        ScanPlan plan = table.newScan().filter(filter).plan();
        Set<String> planned = new HashSet<>();
        plan.tasks().forEach(task -> planned.add(task.file().location()));
        for (Map.Entry<String, Set<Long>> file : idsByFile.entrySet()) {
          if (file.getValue().stream().anyMatch(expected::contains)) {
            assertThat(planned).as(where + "\n  holds a match: " + file.getKey()).contains(file.getKey());
          }
        }
        List<Map<String, Object>> found = Interop.datashardRows(table.newScan().filter(filter));
        Set<Long> actual = new TreeSet<>();
        found.forEach(r -> actual.add(((Number) r.get("id")).longValue()));
        assertThat(actual).as(where).isEqualTo(expected);
        if (n % 3 == 0 && icebergReaderTakes(filter)) {
          // Iceberg's generic reader, over the files Iceberg plans: the same rows, every column
          // (every third filter: it reads slowly).
          Interop.assertSameRows(found, Interop.icebergRows(iceberg, null, reference));
        }

        PlanStatistics counts = plan.statistics();
        skippedManifests += counts.manifests() - counts.manifestsRead();
        skippedFiles += idsByFile.size() - counts.partitionMatches();
        dataShardFiles += counts.files();
        icebergFiles += icebergPlanned(iceberg, reference);
      }
      System.out.printf("partition pruning, %s: %d files; over %d filters %d manifests and %d files skipped by "
          + "partition; files planned: DataShard %d, Iceberg %d%n", spec, idsByFile.size(), FILTERS,
          skippedManifests, skippedFiles, dataShardFiles, icebergFiles);
      assertThat(skippedFiles).as(spec + ": files skipped by partition").isPositive();
      assertThat(skippedManifests).as(spec + ": manifests skipped by their summaries").isPositive();
    }
  }

  /**
   * Whether Iceberg's generic reader can be asked: not about uuids (Iceberg orders them signed and
   * the reference flips them), nor with starts with (Iceberg 1.10's reader throws a
   * NullPointerException for it on a null string, its guard notwithstanding). The Evaluator still
   * judges those filters' rows above.
   */
  private static boolean icebergReaderTakes(Expression filter) {
    return !dev.datashard.expressions.Filters.columns(filter).contains("u") && !hasStartsWith(filter);
  }

  private static boolean hasStartsWith(Expression e) {
    if (e instanceof Expression.And and) {
      return hasStartsWith(and.left()) || hasStartsWith(and.right());
    }
    if (e instanceof Expression.Or or) {
      return hasStartsWith(or.left()) || hasStartsWith(or.right());
    }
    return e instanceof Expression.Not not ? hasStartsWith(not.child()) : e instanceof Expression.StartsWith;
  }

  /** The ids each data file holds, read with Iceberg's Parquet reader. */
  private static Map<String, Set<Long>> idsByFile(Table iceberg) {
    Map<String, Set<Long>> ids = new HashMap<>();
    Schema idOnly = iceberg.schema().select("id");
    try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        Set<Long> fileIds = new HashSet<>();
        try (CloseableIterable<Record> records = Parquet.read(iceberg.io().newInputFile(task.file().location()))
            .project(idOnly).createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(idOnly, fileSchema))
            .build()) {
          records.forEach(record -> fileIds.add((Long) record.getField("id")));
        }
        ids.put(task.file().location(), fileIds);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  private static int icebergPlanned(Table iceberg, org.apache.iceberg.expressions.Expression filter) {
    int planned = 0;
    try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().filter(filter).planFiles()) {
      for (FileScanTask ignored : tasks) {
        planned++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return planned;
  }
}
