package dev.datashard.io.s3;

import dev.datashard.io.StorageException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Retries transient S3 failures with exponential backoff and jitter. Below it the CRT retries each
 * request once more at once (it cannot be told to never retry), which absorbs stale pooled
 * connections; this layer adds the patient backoff that throttling and outages need.
 */
final class Retrier {
  /** 5 retries, waits from 0.1 s doubling up to 5 s: the policy of the Python DataShard. */
  static final Retrier DEFAULT = new Retrier(5, Duration.ofMillis(100), Duration.ofSeconds(5));

  private final int maxRetries;
  private final Duration baseDelay;
  private final Duration maxDelay;

  Retrier(int maxRetries, Duration baseDelay, Duration maxDelay) {
    this.maxRetries = maxRetries;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  /**
   * The wait before retry number {@code retry} (0-based): {@code min(base * 2^retry, max)}, of
   * which a random half is dropped so that writers that failed together do not retry together.
   */
  Duration delay(int retry) {
    long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(retry, 20));
    long half = ceiling / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
  }

  /** Runs {@code attempt} until it succeeds, fails permanently or runs out of retries. */
  <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> attempt) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(attempt, 0, result);
    return result;
  }

  private <T> void attempt(Supplier<CompletableFuture<T>> attempt, int retry,
      CompletableFuture<T> result) {
    CompletableFuture<T> future;
    try {
      future = attempt.get();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete((value, error) -> {
      if (error == null) {
        result.complete(value);
        return;
      }
      Throwable cause = StorageException.unwrap(error);
      try {
        if (retry < maxRetries && S3Errors.isTransient(cause)) {
          CompletableFuture.delayedExecutor(delay(retry).toMillis(), TimeUnit.MILLISECONDS)
              .execute(() -> attempt(attempt, retry + 1, result));
          return;
        }
      } catch (RuntimeException | Error bug) {
        cause.addSuppressed(bug); // never leave the caller waiting on a future nobody completes
      }
      result.completeExceptionally(cause);
    });
  }
}
