package dev.datashard.plan;

import dev.datashard.DataShardException;
import dev.datashard.Expression;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Snapshot;
import dev.datashard.commit.TableOperations;
import dev.datashard.expressions.BoundFilter;
import dev.datashard.expressions.Filters;
import dev.datashard.io.StorageException;
import dev.datashard.io.parquet.ParquetFooter;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.MalformedMetadataException;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Plans a scan of one version of a table's metadata: chooses the snapshot, reads its manifest
 * list and the manifests its partition summaries do not rule out, prunes data files by their
 * partition tuples and the manifests' column statistics, and resolves the columns.
 * Reads metadata only, never a data file.
 */
public final class ScanPlanner {
  private final TableMetadata metadata;
  private final TableOperations operations;
  private final String tableLocation;
  private final Long snapshotId;
  private final Long asOfMillis;
  private final List<String> columns;
  private final Expression filter;

  /**
   * @param snapshotId the snapshot to read, or null
   * @param asOfMillis read the snapshot current at this time, or null; both null: the current one
   * @param columns the columns to hand out, in order, or null for all
   */
  public ScanPlanner(TableMetadata metadata, TableOperations operations, String tableLocation, Long snapshotId,
      Long asOfMillis, List<String> columns, Expression filter) {
    this.metadata = metadata;
    this.operations = operations;
    this.tableLocation = tableLocation;
    this.snapshotId = snapshotId;
    this.asOfMillis = asOfMillis;
    this.columns = columns;
    this.filter = filter;
  }

  /** The whole plan: what {@link dev.datashard.read.PlanReader} reads. */
  public ScanPlan plan() {
    Optional<Snapshot> snapshot = snapshot();
    Schema snapshotSchema = schemaOf(snapshot);
    DeleteIndex deletes = snapshot.map(this::deleteIndex).orElse(DeleteIndex.EMPTY);
    PartitionPruning pruning = new PartitionPruning(metadata, snapshotSchema, filter);
    if (filter instanceof Expression.True) {
      List<FileScanTask> tasks = liveFiles(snapshot, snapshotSchema, pruning).stream()
          .map(file -> file.task(RowGroups.ALL, deletes)).toList();
      return new ScanPlan(snapshot, projection(snapshotSchema, tasks), Optional.empty(), tasks,
          pruning.statistics(tasks.size()));
    }
    BoundFilter bound = Filters.bind(filter, snapshotSchema);
    Function<ParquetFooter, BitSet> rowGroups = RowGroups.matching(bound, snapshotSchema);
    List<FileScanTask> tasks = liveFiles(snapshot, snapshotSchema, pruning).stream()
        .map(file -> file.task(rowGroups, deletes)).toList();
    return new ScanPlan(snapshot, projection(snapshotSchema, tasks), Optional.of(bound), tasks,
        pruning.statistics(tasks.size()));
  }

  /** Whether any delete file applies to a file the scan reads: then only reading can count its rows. */
  public boolean hasDeletesToApply() {
    Optional<Snapshot> snapshot = snapshot();
    DeleteIndex deletes = snapshot.map(this::deleteIndex).orElse(DeleteIndex.EMPTY);
    Schema snapshotSchema = schemaOf(snapshot);
    return !deletes.isEmpty() && liveFiles(snapshot, snapshotSchema, new PartitionPruning(metadata, snapshotSchema,
        filter)).stream().anyMatch(file -> !file.task(RowGroups.ALL, deletes).deletes().isEmpty());
  }

  /** The snapshot the scan reads, or empty for a table without data. */
  public Optional<Snapshot> snapshot() {
    if (snapshotId != null) {
      return Optional.of(metadata.snapshot(snapshotId).orElseThrow(() -> new DataShardException(
          "table " + tableLocation + " has no snapshot " + snapshotId)));
    }
    if (asOfMillis != null) {
      return Optional.of(metadata.snapshotLogEntryAsOf(asOfMillis)
          .flatMap(entry -> metadata.snapshot(entry.snapshotId())).orElseThrow(this::noSnapshotAsOf));
    }
    return metadata.currentSnapshot();
  }

  /** Why the snapshot log cannot tell which snapshot was current at {@code asOfMillis}. */
  private DataShardException noSnapshotAsOf() {
    String cannot = "cannot read " + tableLocation + " as of " + Instant.ofEpochMilli(asOfMillis) + ": ";
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

  /** The schema of the rows: the table's, or for time travel the snapshot's (as Iceberg reads). */
  private Schema snapshotSchema() {
    return schemaOf(snapshot());
  }

  private Schema schemaOf(Optional<Snapshot> snapshot) {
    if (snapshotId == null && asOfMillis == null) {
      return metadata.schema();
    }
    return snapshot.flatMap(s -> Optional.ofNullable(s.schemaId())).flatMap(metadata::schema)
        .orElse(metadata.schema());
  }

  /** The columns of the scan: where a column of the output, the filter or a file is resolved. */
  public Projection projection() {
    return projection(snapshotSchema());
  }

  private Projection projection(Schema snapshotSchema) {
    return projection(snapshotSchema, List.of());
  }

  /** The output columns, then those only the filter reads, then those only the tasks' equality deletes compare. */
  private Projection projection(Schema snapshotSchema, List<FileScanTask> tasks) {
    Schema output = columns == null ? snapshotSchema : snapshotSchema.select(columns);
    List<Field> readFields = new ArrayList<>(output.fields());
    for (String column : Filters.columns(filter)) {
      if (output.field(column).isEmpty()) {
        readFields.add(snapshotSchema.field(column).orElseThrow());
      }
    }
    int filtered = readFields.size();
    EqualityColumns.add(readFields, tasks, snapshotSchema, metadata.schemas());
    return new Projection(new Schema(output.schemaId(), readFields), output, filtered);
  }

  /** The live data files of the snapshot that the filter does not rule out. */
  public List<DataFile> files() {
    return plan().tasks().stream().map(FileScanTask::file).toList();
  }

  /** A live data file with what deciding its delete files needs: its spec and data sequence number. */
  private record LiveFile(DataFile file, int specId, long dataSequenceNumber) {
    FileScanTask task(Function<ParquetFooter, BitSet> rowGroups, DeleteIndex deletes) {
      return new FileScanTask(file, rowGroups, deletes.forDataFile(file, specId, dataSequenceNumber));
    }
  }

  /** The live data files of the snapshot: pruned by partition (manifests, then files), then by column bounds. */
  private List<LiveFile> liveFiles(Optional<Snapshot> snapshot, Schema snapshotSchema, PartitionPruning pruning) {
    BoundFilter bound = Filters.bind(filter, snapshotSchema);
    return snapshot.map(s -> liveFiles(s, pruning)).orElse(List.of()).stream()
        .filter(f -> bound.mightMatch(f.file())).toList();
  }

  private List<LiveFile> liveFiles(Snapshot snapshot, PartitionPruning pruning) {
    // Manifests the partition summaries rule out are never fetched.
    List<ManifestFile> manifests = pruning.manifests(dataManifests(snapshot));
    List<CompletableFuture<byte[]>> reads = manifests.stream().map(m -> operations.readAsync(m.path())).toList();
    List<LiveFile> files = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      ManifestFile manifest = manifests.get(i);
      for (ManifestEntry entry : Manifests.readManifest(content(manifest, reads.get(i)), manifest.path())) {
        if (entry.isLive() && pruning.mightMatch(manifest.specId(), entry.file())) {
          files.add(new LiveFile(entry.file(), manifest.specId(), entry.dataSequenceNumber(manifest)));
        }
      }
    }
    return files;
  }

  private static byte[] content(ManifestFile manifest, CompletableFuture<byte[]> read) {
    try {
      return StorageException.join(read);
    } catch (StorageException e) {
      throw e.kind() == StorageException.Kind.NOT_FOUND
          ? new MalformedMetadataException(manifest.path(), "the manifest is missing", e) : e;
    }
  }

  /** The live delete files of the snapshot, indexed for {@link DeleteIndex#forDataFile}. */
  private DeleteIndex deleteIndex(Snapshot snapshot) {
    List<ManifestFile> manifests = deleteManifests(snapshot);
    if (manifests.isEmpty()) {
      return DeleteIndex.EMPTY;
    }
    List<CompletableFuture<byte[]>> reads = manifests.stream().map(m -> operations.readAsync(m.path())).toList();
    DeleteIndex.Builder index = new DeleteIndex.Builder(specId -> !metadata.spec(specId).isPartitioned());
    for (int i = 0; i < manifests.size(); i++) {
      ManifestFile manifest = manifests.get(i);
      index.add(manifest, Manifests.readDeleteManifest(content(manifest, reads.get(i)), manifest.path()));
    }
    return index.build();
  }

  /** The snapshot's manifests of data files. */
  public List<ManifestFile> dataManifests(Snapshot snapshot) {
    return operations.manifests(snapshot).stream().filter(m -> m.content() == ManifestFile.Content.DATA).toList();
  }

  /** The snapshot's manifests of delete files. */
  public List<ManifestFile> deleteManifests(Snapshot snapshot) {
    return operations.manifests(snapshot).stream().filter(m -> m.content() == ManifestFile.Content.DELETES).toList();
  }
}
