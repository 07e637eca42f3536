package dev.datashard;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/** One committed version of a table's data (Iceberg snapshot). */
public record Snapshot(
    long snapshotId,
    Long parentId,
    long sequenceNumber,
    long timestampMillis,
    String manifestList,
    Map<String, String> summary,
    Integer schemaId) {

  /** Summary key under which DataShard records the id of the commit that made the snapshot. */
  public static final String COMMIT_ID = "datashard.commit-id";

  /**
   * Summary key of an append's idempotency key ({@link Transaction#idempotencyKey}): an append
   * whose key the table already holds commits nothing.
   */
  public static final String IDEMPOTENCY_KEY = "datashard.idempotency-key";

  public Snapshot {
    requireNonNull(manifestList, "manifestList");
    summary = Map.copyOf(requireNonNull(summary, "summary"));
  }

  public Optional<Long> parent() {
    return Optional.ofNullable(parentId);
  }

  /** {@code append}, {@code overwrite}, {@code delete} or {@code replace}. */
  public String operation() {
    return summary.getOrDefault("operation", "append");
  }

  /** Rows in the table as of this snapshot, when the summary records it. */
  public Optional<Long> totalRecords() {
    return Optional.ofNullable(summary.get("total-records")).map(Long::parseLong);
  }
}
