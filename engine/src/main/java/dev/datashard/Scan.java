package dev.datashard;

import dev.datashard.arrow.ArrowValues;
import dev.datashard.expressions.Filters;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.plan.ScanPlan;
import dev.datashard.plan.ScanPlanner;
import dev.datashard.read.PlanReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * A read of one snapshot (the current one unless chosen), optionally of some columns only.
 * {@link #arrowReader()} streams Arrow batches straight from Parquet; the caller closes it. This
 * class only gathers the options: {@link ScanPlanner} plans (snapshot, manifests, files), {@link
 * PlanReader} reads the plan (fetch, decode, filter, project).
 */
public final class Scan {
  /** The default {@link #readAhead(long)}: 256 MiB. */
  public static final long DEFAULT_READ_AHEAD_BYTES = 256L << 20;

  private final Table table;
  private List<String> columns;
  private Long snapshotId;
  private Long asOfMillis;
  private Expression filter = Expression.alwaysTrue();
  private long batchSize = 64 * 1024;
  private long readAheadBytes = DEFAULT_READ_AHEAD_BYTES;
  private BufferAllocator allocator;

  Scan(Table table) {
    this.table = table;
    this.allocator = table.allocator();
  }

  /** Reads only these columns, in this order. */
  public Scan select(String... names) {
    return select(List.of(names));
  }

  public Scan select(List<String> names) {
    checkKnown(schema -> schema.select(names));
    this.columns = List.copyOf(names);
    return this;
  }

  /**
   * Keeps only rows matching {@code filter}; data files whose statistics rule out a match are
   * not read at all. Combines with an earlier filter by AND.
   */
  public Scan filter(Expression filter) {
    Expression combined = this.filter instanceof Expression.True ? filter : Expression.and(this.filter, filter);
    checkKnown(schema -> Filters.bind(combined, schema));
    this.filter = combined;
    return this;
  }

  /**
   * Checks names early: the table's schema must have them, or for time travel (which may be
   * chosen later) an older schema. The snapshot's own schema is checked when the scan runs.
   */
  private void checkKnown(java.util.function.Consumer<Schema> check) {
    try {
      check.accept(table.schema());
    } catch (ValidationException current) {
      for (Schema older : table.metadata().schemas()) {
        try {
          check.accept(older);
          return;
        } catch (ValidationException e) {
          // not in this one either
        }
      }
      throw current;
    }
  }

  public Scan useSnapshot(long id) {
    this.snapshotId = id;
    this.asOfMillis = null;
    return this;
  }

  /** Reads the snapshot that was current at this time. */
  public Scan asOfTime(long timestampMillis) {
    this.asOfMillis = timestampMillis;
    this.snapshotId = null;
    return this;
  }

  public Scan batchSize(long rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("batch size must be positive, not " + rows);
    }
    this.batchSize = rows;
    return this;
  }

  /**
   * How many bytes of data files may be on their way (fetched, not yet decoded) beyond the row
   * groups being decoded: with those, the bound on the local disk and memory a scan uses whatever
   * the table's size. Counted as the needed column chunks of row groups (a file's whole size until
   * its footer is read). At least one row group is always fetched ahead.
   */
  public Scan readAhead(long bytes) {
    if (bytes < 0) {
      throw new ValidationException("read-ahead must not be negative: " + bytes);
    }
    this.readAheadBytes = bytes;
    return this;
  }

  /** Allocates the scan's batches from this allocator instead of the table's. */
  public Scan allocator(BufferAllocator allocator) {
    this.allocator = allocator;
    return this;
  }

  /** Plans against the metadata this table instance knows now. */
  private ScanPlanner planner() {
    return new ScanPlanner(table.metadata(), table.operations(), table.location(), snapshotId, asOfMillis, columns,
        filter);
  }

  /** The snapshot this scan reads, or empty for a table without data. */
  public Optional<Snapshot> snapshot() {
    return planner().snapshot();
  }

  /** The schema of the batches: the table's (for time travel the snapshot's) schema, projected. */
  public Schema schema() {
    return planner().projection().output();
  }

  /** The live data files of the snapshot that the filter does not rule out: the files a scan reads. */
  public List<DataFile> files() {
    return planner().files();
  }

  /**
   * What a read would fetch, planned from metadata alone: the files it opens and, in its
   * statistics, how many manifests and files the partition and column pruning kept.
   */
  public ScanPlan plan() {
    return planner().plan();
  }

  /** Rows in the snapshot: from metadata only, unless a filter or delete files make reading necessary. */
  public long rowCount() {
    return count().rows();
  }

  /** How {@link #count()} counted. */
  public enum CountMethod {
    /** From the snapshot summary or manifests: no data file was read. */
    METADATA,
    /** By reading the filter's columns of the files that may match. */
    READ_FOR_FILTER,
    /** By reading the files, because delete files apply to some of them. */
    READ_FOR_DELETES
  }

  /** A row count and how it was made. */
  public record RowCount(long rows, CountMethod method) {}

  /** {@link #rowCount()}, saying whether it read data files and why. */
  public RowCount count() {
    if (!(filter instanceof Expression.True)) {
      return new RowCount(countMatchingRows(), CountMethod.READ_FOR_FILTER);
    }
    ScanPlanner planner = planner();
    Optional<Snapshot> snapshot = planner.snapshot();
    if (snapshot.isEmpty()) {
      return new RowCount(0, CountMethod.METADATA);
    }
    // total-records counts rows that delete files remove: it is the answer only without any.
    Optional<Long> total = snapshot.get().totalRecords();
    if (total.isPresent() && "0".equals(snapshot.get().summary().get("total-delete-files"))) {
      return new RowCount(total.get(), CountMethod.METADATA);
    }
    if (planner.hasDeletesToApply()) {
      return new RowCount(countMatchingRows(), CountMethod.READ_FOR_DELETES);
    }
    return new RowCount(planner.dataManifests(snapshot.get()).stream().mapToLong(ManifestFile::liveRows).sum(),
        CountMethod.METADATA);
  }

  private long countMatchingRows() {
    long rows = 0;
    Scan counting = new Scan(table);
    counting.filter = filter;
    counting.snapshotId = snapshot().map(Snapshot::snapshotId).orElse(null);
    List<String> filterColumns = List.copyOf(Filters.columns(filter));
    // A scan reads at least one column: without a filter, the first is as good as any.
    counting.columns = filterColumns.isEmpty() ? List.of(schema().fields().get(0).name()) : filterColumns;
    counting.allocator = allocator;
    try (ArrowReader reader = counting.arrowReader()) {
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** Streams the snapshot's rows as Arrow batches; the caller must close the reader. */
  public ArrowReader arrowReader() {
    ScanPlan plan = planner().plan();
    return PlanReader.open(plan, table.operations().storage(), table.location(), allocator, batchSize, readAheadBytes);
  }

  /**
   * Hands the scan to a native consumer through the Arrow C Data Interface: the batches stay in
   * the buffers Parquet was decoded into. The consumer owns the stream and releases it (which
   * closes the scan); see the README for DuckDB.
   */
  public void exportTo(ArrowArrayStream stream) {
    ArrowReader reader = arrowReader();
    try {
      Data.exportArrayStream(allocator, reader, stream);
    } catch (RuntimeException e) {
      try {
        reader.close();
      } catch (IOException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
  }

  /** Every row as a map of column name to Java value (see {@link ArrowValues}); for small results. */
  public List<Map<String, Object>> toRecords() {
    Schema schema = schema();
    List<Map<String, Object>> rows = new ArrayList<>();
    try (ArrowReader reader = arrowReader()) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.getVectorSchemaRoot();
        for (int row = 0; row < batch.getRowCount(); row++) {
          Map<String, Object> record = new LinkedHashMap<>();
          for (int c = 0; c < schema.fields().size(); c++) {
            Field field = schema.fields().get(c);
            record.put(field.name(), ArrowValues.get(batch.getVector(c), row, field.type()));
          }
          rows.add(record);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
