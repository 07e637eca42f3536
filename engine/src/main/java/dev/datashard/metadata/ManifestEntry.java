package dev.datashard.metadata;

import static java.util.Objects.requireNonNull;

/**
 * One line of a manifest. Null snapshot and sequence numbers are inherited from the manifest's
 * entry in the manifest list, as the v2 spec prescribes for added files.
 */
public record ManifestEntry(Status status, Long snapshotId, Long sequenceNumber,
    Long fileSequenceNumber, DataFile file) {

  /** In the spec's order: the ordinal is the status code. */
  public enum Status {
    EXISTING, ADDED, DELETED;

    static Status of(int code) {
      return switch (code) {
        case 0 -> EXISTING;
        case 1 -> ADDED;
        case 2 -> DELETED;
        default -> throw new IllegalArgumentException("unknown manifest entry status " + code);
      };
    }
  }

  public ManifestEntry {
    requireNonNull(status, "status");
    requireNonNull(file, "file");
  }

  public boolean isLive() {
    return status != Status.DELETED;
  }

  /** The entry's data sequence number, or when null (an added file) that of {@code manifest}, listing it. */
  public long dataSequenceNumber(ManifestFile manifest) {
    return sequenceNumber != null ? sequenceNumber : manifest.sequenceNumber();
  }
}
