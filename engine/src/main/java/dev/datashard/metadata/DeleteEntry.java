package dev.datashard.metadata;

import static java.util.Objects.requireNonNull;

/**
 * One line of a delete manifest: {@link ManifestEntry}'s status, snapshot id and sequence numbers
 * (null where inherited from the manifest list) for a {@link DeleteFile}.
 */
public record DeleteEntry(ManifestEntry.Status status, Long snapshotId, Long sequenceNumber,
    Long fileSequenceNumber, DeleteFile file) {

  public DeleteEntry {
    requireNonNull(status, "status");
    requireNonNull(file, "file");
  }

  public boolean isLive() {
    return status != ManifestEntry.Status.DELETED;
  }

  /**
   * The data sequence number that decides which data files the deletes apply to: the entry's, or
   * when null (an added file) the one of {@code manifest}, the manifest listing it.
   */
  public long dataSequenceNumber(ManifestFile manifest) {
    return sequenceNumber != null ? sequenceNumber : manifest.sequenceNumber();
  }
}
