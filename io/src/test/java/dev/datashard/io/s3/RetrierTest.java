package dev.datashard.io.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class RetrierTest {
  private final Retrier fast = new Retrier(5, Duration.ofMillis(1), Duration.ofMillis(4));

  @Test
  void backsOffExponentiallyWithJitterUpToTheCap() {
    Retrier policy = Retrier.DEFAULT;
    for (int i = 0; i < 200; i++) {
      assertThat(policy.delay(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(policy.delay(3)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
      assertThat(policy.delay(10)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
      assertThat(policy.delay(100)).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }
  }

  @Test
  void retriesTransientFailuresFiveTimes() {
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<String> result = fast.run(() -> {
      attempts.incrementAndGet();
      return CompletableFuture.failedFuture(status(503, "SlowDown"));
    });
    assertThatThrownBy(result::join).hasCauseInstanceOf(S3Exception.class);
    assertThat(attempts).hasValue(6);
  }

  @Test
  void succeedsAfterATransientFailure() {
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<String> result = fast.run(() -> attempts.incrementAndGet() == 1
        ? CompletableFuture.failedFuture(SdkClientException.create(
            "Failed to send the request: The connection has closed or is closing."))
        : CompletableFuture.completedFuture("done"));
    assertThat(result.join()).isEqualTo("done");
    assertThat(attempts).hasValue(2);
  }

  @Test
  void failsFastOnPermanentFailures() {
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<String> result = fast.run(() -> {
      attempts.incrementAndGet();
      return CompletableFuture.failedFuture(status(403, "AccessDenied"));
    });
    assertThatThrownBy(result::join).hasCauseInstanceOf(S3Exception.class);
    assertThat(attempts).hasValue(1);
  }

  static S3Exception status(int status, String code) {
    return (S3Exception) S3Exception.builder().statusCode(status)
        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
            .errorCode(code).errorMessage(code).build())
        .build();
  }
}
