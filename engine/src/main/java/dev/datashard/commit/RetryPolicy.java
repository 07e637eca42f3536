package dev.datashard.commit;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a commit retries after losing a race: capped exponential backoff
 * with full jitter. Read from Iceberg's table property names; DataShard's defaults expect many
 * concurrent writers (more retries, shorter first wait than Iceberg's).
 */
public record RetryPolicy(int maxRetries, long minWaitMillis, long maxWaitMillis, long totalTimeoutMillis) {
  public static final String NUM_RETRIES = "commit.retry.num-retries";
  public static final String MIN_WAIT_MS = "commit.retry.min-wait-ms";
  public static final String MAX_WAIT_MS = "commit.retry.max-wait-ms";
  public static final String TOTAL_TIMEOUT_MS = "commit.retry.total-timeout-ms";

  public static final RetryPolicy DEFAULT = new RetryPolicy(50, 10, 2_000, 600_000);

  public RetryPolicy {
    if (maxRetries < 0 || minWaitMillis < 0 || maxWaitMillis < minWaitMillis || totalTimeoutMillis < 0) {
      throw new IllegalArgumentException("invalid commit retry settings: " + maxRetries + " retries, "
          + minWaitMillis + "-" + maxWaitMillis + " ms wait, " + totalTimeoutMillis + " ms total");
    }
  }

  public static RetryPolicy fromProperties(Map<String, String> properties) {
    return new RetryPolicy(
        intProperty(properties, NUM_RETRIES, DEFAULT.maxRetries),
        intProperty(properties, MIN_WAIT_MS, (int) DEFAULT.minWaitMillis),
        intProperty(properties, MAX_WAIT_MS, (int) DEFAULT.maxWaitMillis),
        intProperty(properties, TOTAL_TIMEOUT_MS, (int) DEFAULT.totalTimeoutMillis));
  }

  private static int intProperty(Map<String, String> properties, String key, int defaultValue) {
    String value = properties.get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("table property " + key + "='" + value + "' is not a whole number", e);
    }
  }

  /** Wait before retry {@code attempt} (1-based): random in [0, min(max, min * 2^attempt)]. */
  public long backoffMillis(int attempt) {
    long cap = Math.min(maxWaitMillis, minWaitMillis << Math.min(attempt, 20));
    return ThreadLocalRandom.current().nextLong(Math.max(cap, 1) + 1);
  }
}
