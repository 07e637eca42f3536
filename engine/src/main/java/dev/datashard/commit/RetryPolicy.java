package dev.datashard.commit;

import dev.datashard.metadata.TableProperties;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a commit retries after losing a race: capped exponential backoff
 * with full jitter. Read from Iceberg's table property names ({@link TableProperties}).
 */
public record RetryPolicy(int maxRetries, long minWaitMillis, long maxWaitMillis, long totalTimeoutMillis) {
  public static final String NUM_RETRIES = TableProperties.COMMIT_NUM_RETRIES.key();

  public RetryPolicy {
    if (maxRetries < 0 || minWaitMillis < 0 || maxWaitMillis < minWaitMillis || totalTimeoutMillis < 0) {
      throw new IllegalArgumentException("invalid commit retry settings: " + maxRetries + " retries, "
          + minWaitMillis + "-" + maxWaitMillis + " ms wait, " + totalTimeoutMillis + " ms total");
    }
  }

  /**
   * The policy a table's properties ask for, read leniently so that no stored value can fail the
   * commit that repairs it: an invalid value reads as its default, and a minimum wait above the
   * maximum waits the maximum (Iceberg's backoff, too, caps every wait at the maximum).
   */
  public static RetryPolicy fromProperties(Map<String, String> properties) {
    long maxWait = TableProperties.COMMIT_MAX_WAIT_MS.read(properties);
    return new RetryPolicy(TableProperties.COMMIT_NUM_RETRIES.read(properties),
        Math.min(TableProperties.COMMIT_MIN_WAIT_MS.read(properties), maxWait), maxWait,
        TableProperties.COMMIT_TOTAL_TIMEOUT_MS.read(properties));
  }

  /** Wait before retry {@code attempt} (1-based): random in [0, min(max, min * 2^attempt)]. */
  public long backoffMillis(int attempt) {
    long cap = Math.min(maxWaitMillis, minWaitMillis << Math.min(attempt, 20));
    return ThreadLocalRandom.current().nextLong(Math.max(cap, 1) + 1);
  }
}
