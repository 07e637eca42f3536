package dev.datashard.metadata;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** One line of a manifest list: a manifest and the counts that let readers skip it. */
public record ManifestFile(
    String path,
    long length,
    int specId,
    Content content,
    long sequenceNumber,
    long minSequenceNumber,
    long addedSnapshotId,
    int addedFilesCount,
    int existingFilesCount,
    int deletedFilesCount,
    long addedRowsCount,
    long existingRowsCount,
    long deletedRowsCount,
    List<PartitionSummary> partitions,
    byte[] keyMetadata) {

  public enum Content { DATA, DELETES }

  /** Per partition field: whether nulls or NaNs occur and the value range. */
  public record PartitionSummary(boolean containsNull, Boolean containsNan, byte[] lowerBound,
      byte[] upperBound) {}

  public ManifestFile {
    requireNonNull(path, "path");
    requireNonNull(content, "content");
    partitions = partitions == null ? null : List.copyOf(partitions);
  }

  /**
   * Whether the manifest only records files deleted by the snapshot that wrote it: later
   * snapshots leave it out, as Iceberg does (a manifest without any counts is kept: it may come
   * from a writer that did not count).
   */
  public boolean onlyDeletedFiles() {
    return addedFilesCount == 0 && existingFilesCount == 0 && deletedFilesCount > 0;
  }

  /** Rows in live files of this manifest. */
  public long liveRows() {
    return addedRowsCount + existingRowsCount;
  }
}
