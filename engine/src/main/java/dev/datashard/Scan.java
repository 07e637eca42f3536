package dev.datashard;

import dev.datashard.arrow.ArrowSchemas;
import dev.datashard.arrow.ArrowValues;
import dev.datashard.commit.TableOperations;
import dev.datashard.expressions.BoundFilter;
import dev.datashard.expressions.FilteringReader;
import dev.datashard.expressions.Filters;
import dev.datashard.io.StorageException;
import dev.datashard.io.parquet.ParquetFooter;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.read.RowGroups;
import dev.datashard.read.StreamingReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * A read of one snapshot (the current one unless chosen), optionally of some columns only.
 * {@link #arrowReader()} streams Arrow batches straight from Parquet; the caller closes it.
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
   * How many bytes of data files may be on their way (fetched, not yet decoded) beyond the file
   * being read: with the file being decoded, the bound on the local disk and memory a scan uses
   * whatever the table's size. At least one file is always fetched ahead.
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

  /** The snapshot this scan reads, or empty for a table without data. */
  public Optional<Snapshot> snapshot() {
    TableMetadata metadata = table.metadata();
    if (snapshotId != null) {
      return Optional.of(metadata.snapshot(snapshotId).orElseThrow(() -> new DataShardException(
          "table " + table.location() + " has no snapshot " + snapshotId)));
    }
    if (asOfMillis != null) {
      return Optional.of(table.snapshotAsOf(asOfMillis).orElseThrow(() -> noSnapshotAsOf(metadata)));
    }
    return metadata.currentSnapshot();
  }

  /** Why the snapshot log cannot tell which snapshot was current at {@code asOfMillis}. */
  private DataShardException noSnapshotAsOf(TableMetadata metadata) {
    String cannot = "cannot read " + table.location() + " as of " + Instant.ofEpochMilli(asOfMillis) + ": ";
    Optional<TableMetadata.LogEntry> entry = metadata.snapshotLogEntryAsOf(asOfMillis);
    if (entry.isPresent()) {
      return new DataShardException(cannot + "snapshot " + entry.get().snapshotId()
          + ", current then, is no longer in the table");
    }
    if (metadata.snapshotLog().isEmpty()) {
      return new DataShardException(cannot + "its snapshot log is empty");
    }
    // Expiry cuts the log before the last expired entry, so an earlier time may well have had a
    // snapshot; answering with another one would show a state the table was not in.
    return new DataShardException(cannot + "its snapshot log begins at "
        + Instant.ofEpochMilli(metadata.snapshotLog().get(0).timestampMillis())
        + "; before that the table had no snapshot or that history has been expired");
  }

  /** The schema of the batches: the table's (for time travel the snapshot's) schema, projected. */
  public Schema schema() {
    Schema schema = snapshotSchema();
    return columns == null ? schema : schema.select(columns);
  }

  /** The table's schema, or for time travel the schema the snapshot was written with (as Iceberg reads). */
  private Schema snapshotSchema() {
    if (snapshotId == null && asOfMillis == null) {
      return table.schema();
    }
    return snapshot().flatMap(s -> Optional.ofNullable(s.schemaId()))
        .flatMap(id -> table.metadata().schema(id)).orElse(table.schema());
  }

  /** The live data files of the snapshot that the filter does not rule out: the files a scan reads. */
  public List<DataFile> files() {
    Schema schema = snapshotSchema();
    BoundFilter bound = Filters.bind(filter, schema);
    return allFiles().stream().filter(bound::mightMatch).toList();
  }

  private List<DataFile> allFiles() {
    Optional<Snapshot> snapshot = snapshot();
    if (snapshot.isEmpty()) {
      return List.of();
    }
    TableOperations ops = table.operations();
    List<ManifestFile> manifests = ops.manifests(snapshot.get());
    refuseDeletes(snapshot.get(), manifests);
    List<CompletableFuture<byte[]>> reads = manifests.stream().map(m -> ops.readAsync(m.path())).toList();
    List<DataFile> files = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      String path = manifests.get(i).path();
      byte[] content;
      try {
        content = StorageException.join(reads.get(i));
      } catch (StorageException e) {
        throw e.kind() == StorageException.Kind.NOT_FOUND
            ? new dev.datashard.metadata.MalformedMetadataException(path, "the manifest is missing", e) : e;
      }
      for (ManifestEntry entry : Manifests.readManifest(content, path)) {
        if (entry.isLive()) {
          files.add(entry.file());
        }
      }
    }
    return files;
  }

  /** Rows in the snapshot: from metadata only, unless a filter makes reading necessary. */
  public long rowCount() {
    if (!(filter instanceof Expression.True)) {
      return countMatchingRows();
    }
    Optional<Snapshot> snapshot = snapshot();
    if (snapshot.isEmpty()) {
      return 0;
    }
    // total-records counts rows that delete files remove: it is the answer only without any.
    Optional<Long> total = snapshot.get().totalRecords();
    if (total.isPresent() && "0".equals(snapshot.get().summary().get("total-delete-files"))) {
      return total.get();
    }
    List<ManifestFile> manifests = table.operations().manifests(snapshot.get());
    refuseDeletes(snapshot.get(), manifests);
    return manifests.stream().mapToLong(ManifestFile::liveRows).sum();
  }

  private void refuseDeletes(Snapshot snapshot, List<ManifestFile> manifests) {
    for (ManifestFile manifest : manifests) {
      if (manifest.content() == ManifestFile.Content.DELETES) {
        throw new DataShardException("snapshot " + snapshot.snapshotId() + " of "
            + table.location() + " has delete files (" + manifest.path() + "), which DataShard "
            + "cannot apply yet; reading it would return deleted rows");
      }
    }
  }

  private long countMatchingRows() {
    long rows = 0;
    Scan counting = new Scan(table);
    counting.filter = filter;
    counting.snapshotId = snapshot().map(Snapshot::snapshotId).orElse(null);
    counting.columns = List.copyOf(Filters.columns(filter));
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
    Schema schema = schema();
    List<DataFile> files = files();
    if (files.isEmpty()) {
      return new EmptyReader(allocator, ArrowSchemas.toArrow(schema));
    }
    if (filter instanceof Expression.True) {
      return read(files, schema, RowGroups.ALL);
    }
    // Read the filter's columns too, filter, then hand out only the selected ones.
    List<Field> readFields = new ArrayList<>(schema.fields());
    for (String column : Filters.columns(filter)) {
      if (schema.field(column).isEmpty()) {
        readFields.add(snapshotSchema().field(column).orElseThrow());
      }
    }
    Schema readSchema = new Schema(schema.schemaId(), readFields);
    BoundFilter bound = Filters.bind(filter, snapshotSchema());
    ArrowReader source = read(files, readSchema, RowGroups.matching(bound, snapshotSchema()));
    return new FilteringReader(allocator, source, bound, readSchema, schema.fields().size());
  }

  /** Reading, once planning chose the files: {@code rowGroups} chooses within each from its footer. */
  private ArrowReader read(List<DataFile> files, Schema schema, Function<ParquetFooter, BitSet> rowGroups) {
    Set<Integer> fieldIds = new HashSet<>();
    schema.fields().forEach(field -> fieldIds.add(field.id()));
    return new StreamingReader(allocator, table.operations().storage(), table.location(), files, fieldIds,
        rowGroups, ArrowSchemas.toArrow(schema), batchSize, readAheadBytes);
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

  /** A scan of nothing: the schema and no batches. */
  private static final class EmptyReader extends ArrowReader {
    private final org.apache.arrow.vector.types.pojo.Schema schema;

    EmptyReader(BufferAllocator allocator, org.apache.arrow.vector.types.pojo.Schema schema) {
      super(allocator);
      this.schema = schema;
    }

    @Override
    public boolean loadNextBatch() {
      return false;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {}

    @Override
    protected org.apache.arrow.vector.types.pojo.Schema readSchema() {
      return schema;
    }
  }
}
