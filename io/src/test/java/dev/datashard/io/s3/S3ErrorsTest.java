package dev.datashard.io.s3;

import static dev.datashard.io.s3.RetrierTest.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The translations that a local S3Proxy cannot provoke. */
class S3ErrorsTest {
  private static final String LOCATION = "s3://tables/t/v1.json";
  private final S3Config keys = S3Config.builder("tables")
      .endpoint(URI.create("https://s3.example.com")).credentials("key", "secret-xyz").build();
  private final S3Config chain = S3Config.builder("tables").build();

  private StorageException translate(Throwable failure, S3Config config) {
    return S3Errors.translate(failure, "read", LOCATION, config);
  }

  @Test
  void accessDeniedNamesTheCredentialSource() {
    StorageException withKeys = translate(status(403, "AccessDenied"), keys);
    assertThat(withKeys.kind()).isEqualTo(Kind.ACCESS_DENIED);
    assertThat(withKeys.getMessage()).contains(LOCATION).contains("DATASHARD_S3_ACCESS_KEY")
        .contains("bucket 'tables'").doesNotContain("secret-xyz");
    assertThat(translate(status(403, "AccessDenied"), chain).getMessage())
        .contains("default AWS credential chain");
  }

  @Test
  void wrongRegionAndSkewAreMisconfigurations() {
    StorageException region = translate(status(400, "AuthorizationHeaderMalformed"), chain);
    assertThat(region.kind()).isEqualTo(Kind.MISCONFIGURED);
    assertThat(region.getMessage()).contains("DATASHARD_S3_REGION").contains("us-east-1");
    assertThat(translate(status(403, "RequestTimeTooSkewed"), chain).kind())
        .isEqualTo(Kind.MISCONFIGURED);
  }

  @Test
  void persistentServerErrorsAreTransient() {
    StorageException e = translate(status(503, "SlowDown"), keys);
    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.getMessage()).contains("503 SlowDown").contains(LOCATION);
    assertThat(S3Errors.isTransient(status(500, "InternalError"))).isTrue();
    assertThat(S3Errors.isTransient(status(400, "RequestTimeout"))).isTrue();
    assertThat(S3Errors.isTransient(status(404, "NoSuchKey"))).isFalse();
    assertThat(S3Errors.isTransient(status(501, "NotImplemented"))).isFalse();
  }

  @Test
  void lostConnectionsAreRetriedButRefusedOnesAreNot() {
    assertThat(S3Errors.isTransient(SdkClientException.create(
        "Failed to send the request: socket is closed. (SDK Attempt Count: 1)"))).isTrue();
    assertThat(S3Errors.isTransient(ApiCallTimeoutException.create(1000))).isTrue();
    SdkClientException refused = SdkClientException.create(
        "Failed to send the request: socket connection refused. (SDK Attempt Count: 1)");
    assertThat(S3Errors.isTransient(refused)).isFalse();
    StorageException e = translate(refused, keys);
    assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
    assertThat(e.getMessage()).contains("https://s3.example.com").contains("DATASHARD_S3_ENDPOINT")
        .doesNotContain("SDK Attempt Count");
  }

  @Test
  void throttlingTheCrtReportsWithoutAStatusIsTransient() {
    // What a 503 SlowDown becomes once the CRT's own retry is spent (seen through a fault proxy).
    SdkClientException throttled = SdkClientException.create(
        "Failed to send the request: Response code indicates throttling (SDK Attempt Count: 1)");
    assertThat(S3Errors.isTransient(throttled)).isTrue();
    assertThat(S3Errors.isRefusal(throttled)).isFalse();
    StorageException e = translate(throttled, keys);
    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.getMessage()).contains(LOCATION).contains("throttling").doesNotContain("SDK Attempt Count");
    assertThat(S3Errors.isTransient(SdkClientException.create(
        "Failed to send the request: Response code indicates internal server error"))).isTrue();
  }

  @Test
  void timeoutsAndMissingCredentialsNameWhatToCheck() {
    assertThat(translate(ApiCallTimeoutException.create(1000), keys).kind())
        .isEqualTo(Kind.UNREACHABLE);
    StorageException none = translate(SdkClientException.create(
        "Unable to load credentials from any of the providers in the chain"), chain);
    assertThat(none.kind()).isEqualTo(Kind.BAD_CREDENTIALS);
    assertThat(none.getMessage()).contains("DATASHARD_S3_ACCESS_KEY")
        .contains("DATASHARD_S3_SECRET_KEY");
  }

  @Test
  void onlyDefiniteRefusalsCountAsNotApplied() {
    assertThat(S3Errors.isRefusal(status(403, "AccessDenied"))).isTrue();
    assertThat(S3Errors.isRefusal(status(409, "ConditionalRequestConflict"))).isFalse();
    assertThat(S3Errors.isRefusal(status(500, "InternalError"))).isFalse();
    assertThat(S3Errors.isRefusal(SdkClientException.create("socket is closed."))).isFalse();
  }
}
