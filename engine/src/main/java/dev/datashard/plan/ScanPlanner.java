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
    PartitionPruning pruning = new PartitionPruning(metadata, snapshotSchema, filter);
    if (filter instanceof Expression.True) {
      List<FileScanTask> tasks = files(snapshot, snapshotSchema, pruning).stream()
          .map(file -> new FileScanTask(file, RowGroups.ALL)).toList();
      return new ScanPlan(snapshot, projection(snapshotSchema), Optional.empty(), tasks,
          pruning.statistics(tasks.size()));
    }
    BoundFilter bound = Filters.bind(filter, snapshotSchema);
    Function<ParquetFooter, BitSet> rowGroups = RowGroups.matching(bound, snapshotSchema);
    List<FileScanTask> tasks = files(snapshot, snapshotSchema, pruning).stream()
        .map(file -> new FileScanTask(file, rowGroups)).toList();
    return new ScanPlan(snapshot, projection(snapshotSchema), Optional.of(bound), tasks,
        pruning.statistics(tasks.size()));
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
    Schema output = columns == null ? snapshotSchema : snapshotSchema.select(columns);
    List<Field> readFields = new ArrayList<>(output.fields());
    for (String column : Filters.columns(filter)) {
      if (output.field(column).isEmpty()) {
        readFields.add(snapshotSchema.field(column).orElseThrow());
      }
    }
    return new Projection(new Schema(output.schemaId(), readFields), output);
  }

  /** The live data files of the snapshot that the filter does not rule out. */
  public List<DataFile> files() {
    return plan().tasks().stream().map(FileScanTask::file).toList();
  }

  /** Pruned by partition (manifests, then files), then by column bounds. */
  private List<DataFile> files(Optional<Snapshot> snapshot, Schema snapshotSchema, PartitionPruning pruning) {
    BoundFilter bound = Filters.bind(filter, snapshotSchema);
    return snapshot.map(s -> liveFiles(s, pruning)).orElse(List.of()).stream().filter(bound::mightMatch).toList();
  }

  private List<DataFile> liveFiles(Snapshot snapshot, PartitionPruning pruning) {
    // Manifests the partition summaries rule out are never fetched.
    List<ManifestFile> manifests = pruning.manifests(dataManifests(snapshot));
    List<CompletableFuture<byte[]>> reads = manifests.stream().map(m -> operations.readAsync(m.path())).toList();
    List<DataFile> files = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      String path = manifests.get(i).path();
      byte[] content;
      try {
        content = StorageException.join(reads.get(i));
      } catch (StorageException e) {
        throw e.kind() == StorageException.Kind.NOT_FOUND
            ? new MalformedMetadataException(path, "the manifest is missing", e) : e;
      }
      for (ManifestEntry entry : Manifests.readManifest(content, path)) {
        if (entry.isLive() && pruning.mightMatch(manifests.get(i).specId(), entry.file())) {
          files.add(entry.file());
        }
      }
    }
    return files;
  }

  /** The snapshot's manifests, all of data files: a snapshot with delete files is refused. */
  public List<ManifestFile> dataManifests(Snapshot snapshot) {
    List<ManifestFile> manifests = operations.manifests(snapshot);
    for (ManifestFile manifest : manifests) {
      if (manifest.content() == ManifestFile.Content.DELETES) {
        throw new DataShardException("snapshot " + snapshot.snapshotId() + " of "
            + tableLocation + " has delete files (" + manifest.path() + "), which DataShard "
            + "cannot apply yet; reading it would return deleted rows");
      }
    }
    return manifests;
  }
}
