package dev.datashard.io.s3;

import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Sorts SDK failures: whether a retry may help and whether the failed request may have been
 * applied, and which {@link StorageException} (naming the setting to check) the user sees.
 */
final class S3Errors {

  /** Error codes worth a retry although their status is a 4xx (or a 5xx from some stores). */
  private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "ServiceUnavailable",
      "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests",
      "RequestTimeout", "ConditionalRequestConflict", "OperationAborted", "InternalError");
  private static final Set<String> BAD_CREDENTIALS = Set.of("InvalidAccessKeyId",
      "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired",
      "InvalidSecurity");
  private static final Set<String> WRONG_REGION = Set.of("AuthorizationHeaderMalformed",
      "PermanentRedirect", "IllegalLocationConstraintException");

  /** CRT messages for connections that never opened: the request was not sent. */
  private static final List<String> NOT_CONNECTED = List.of("connection refused",
      "dns resolution", "no address was found", "failure when query to dns", "no route to host",
      "network is down");
  /**
   * CRT messages for answers it sorted itself after its own retry: a 503 SlowDown reaches the
   * SDK as a client exception "Response code indicates throttling", without the status.
   */
  private static final List<String> SERVER_BUSY = List.of("response code indicates throttling",
      "response code indicates internal server error");
  /** CRT messages for a connection lost during the exchange or a failure to get one. */
  private static final List<String> CONNECTION_LOST = List.of("closed", "reset", "broken pipe",
      "timed out", "temporary failure in name resolution", "failed to acquire a connection");

  private S3Errors() {}

  /** Whether trying again may succeed: throttling, 5xx, a lost connection or a timeout. */
  static boolean isTransient(Throwable failure) {
    SdkServiceException service = find(failure, SdkServiceException.class);
    if (service != null) {
      int status = service.statusCode();
      return status == 429 || (status >= 500 && status != 501)
          || TRANSIENT_CODES.contains(code(service));
    }
    if (find(failure, ApiCallTimeoutException.class) != null) {
      return true;
    }
    String message = clientMessage(failure).toLowerCase(Locale.ROOT);
    if (containsAny(message, SERVER_BUSY)) {
      return true;
    }
    return !containsAny(message, NOT_CONNECTED)
        && (containsAny(message, CONNECTION_LOST) || find(failure, IOException.class) != null);
  }

  /**
   * Whether the server answered with a definite refusal (a 4xx other than throttling), so that a
   * write it answered this way was not applied.
   */
  static boolean isRefusal(Throwable failure) {
    SdkServiceException service = find(failure, SdkServiceException.class);
    return service != null && service.statusCode() >= 400 && service.statusCode() < 500
        && !isTransient(service);
  }

  /** The answer to a conditional write whose condition did not hold: the object exists. */
  static boolean isPreconditionFailed(Throwable failure) {
    SdkServiceException service = find(failure, SdkServiceException.class);
    return service != null && service.statusCode() == 412;
  }

  static boolean isNotFound(Throwable failure) {
    SdkServiceException service = find(failure, SdkServiceException.class);
    return service != null && service.statusCode() == 404 && !"NoSuchBucket".equals(code(service));
  }

  /** A 403 without an error code: HEAD answers carry no body, so the cause is unknown. */
  static boolean isUnexplainedForbidden(Throwable failure) {
    SdkServiceException service = find(failure, SdkServiceException.class);
    return service != null && service.statusCode() == 403 && code(service).isEmpty();
  }

  /**
   * The storage error for a failed {@code action} ("read", "publish", ...) on {@code location}.
   * Messages name the object, the cause and the setting to check; they never contain the secret.
   */
  static StorageException translate(Throwable failure, String action, String location,
      S3Config config) {
    Throwable cause = StorageException.unwrap(failure);
    if (cause instanceof StorageException storage) {
      return storage;
    }
    SdkServiceException service = find(cause, SdkServiceException.class);
    if (service != null) {
      return fromService(service, action, location, config);
    }
    String message = clientMessage(cause);
    String lower = message.toLowerCase(Locale.ROOT);
    if (find(cause, ApiCallTimeoutException.class) != null) {
      return new StorageException(Kind.UNREACHABLE, "no answer from " + config.endpointDescription()
          + " in time to " + action + " " + location + " (" + message
          + "); check " + S3Config.ENDPOINT + " and the network", cause);
    }
    if (containsAny(lower, SERVER_BUSY)) {
      return new StorageException(Kind.TRANSIENT, "S3 kept failing to " + action + " " + location
          + " (" + message + ") after retries", cause);
    }
    if (containsAny(lower, NOT_CONNECTED) || containsAny(lower, CONNECTION_LOST)) {
      return new StorageException(Kind.UNREACHABLE, "cannot reach " + config.endpointDescription()
          + " to " + action + " " + location + ": " + message
          + " (check " + S3Config.ENDPOINT + ")", cause);
    }
    if (lower.contains("unable to load credentials")) {
      return new StorageException(Kind.BAD_CREDENTIALS, "no S3 credentials found to " + action
          + " " + location + ": set " + S3Config.ACCESS_KEY + " and " + S3Config.SECRET_KEY
          + ", or configure the default AWS credential chain (profile, environment, role)", cause);
    }
    if (cause instanceof IllegalArgumentException && lower.contains("bucket")) {
      return new StorageException(Kind.MISCONFIGURED, "cannot " + action + " " + location + ": "
          + message + " (check " + S3Config.BUCKET + ")", cause);
    }
    return new StorageException(Kind.IO, "cannot " + action + " " + location + ": " + message,
        cause);
  }

  private static StorageException fromService(SdkServiceException service, String action,
      String location, S3Config config) {
    int status = service.statusCode();
    String code = code(service);
    String what = "HTTP " + status + (code.isEmpty() ? "" : " " + code);
    String bucket = bucketOf(location, config);
    if ("NoSuchBucket".equals(code)) {
      return new StorageException(Kind.NO_SUCH_BUCKET, "bucket '" + bucket
          + "' does not exist at " + config.endpointDescription() + " (check " + S3Config.BUCKET
          + ")", service);
    }
    if (status == 404) {
      return new StorageException(Kind.NOT_FOUND, "object not found: " + location, service);
    }
    if ("InvalidAccessKeyId".equals(code)) {
      return new StorageException(Kind.BAD_CREDENTIALS, config.endpointDescription()
          + " does not know the access key (" + what + " on " + action + " " + location
          + "); check " + credentialSource(config, S3Config.ACCESS_KEY), service);
    }
    if ("SignatureDoesNotMatch".equals(code)) {
      return new StorageException(Kind.BAD_CREDENTIALS, config.endpointDescription()
          + " rejected the request signature: the secret key does not match the access key ("
          + what + " on " + action + " " + location + "); check "
          + credentialSource(config, S3Config.SECRET_KEY), service);
    }
    if (BAD_CREDENTIALS.contains(code) || status == 401) {
      return new StorageException(Kind.BAD_CREDENTIALS, config.endpointDescription()
          + " rejected the credentials (" + what + " on " + action + " " + location + "); check "
          + credentialSource(config, S3Config.ACCESS_KEY + " and " + S3Config.SECRET_KEY),
          service);
    }
    if (WRONG_REGION.contains(code) || status == 301) {
      return new StorageException(Kind.MISCONFIGURED, "bucket '" + bucket
          + "' is not in region '" + config.region() + "' (" + what + " on " + action + " "
          + location + "); check " + S3Config.REGION, service);
    }
    if ("RequestTimeTooSkewed".equals(code)) {
      return new StorageException(Kind.MISCONFIGURED, "this machine's clock differs too much from "
          + config.endpointDescription() + "'s (" + what + "); synchronize the clock", service);
    }
    if (status == 403) {
      return new StorageException(Kind.ACCESS_DENIED, "access denied: cannot " + action + " "
          + location + " (" + what + "); check that the credentials ("
          + credentialSource(config, S3Config.ACCESS_KEY) + ") may use bucket '" + bucket + "'",
          service);
    }
    if (status == 501) {
      return new StorageException(Kind.UNSUPPORTED, config.endpointDescription()
          + " does not implement what '" + action + "' needs (" + what + ")", service);
    }
    if (isTransient(service)) {
      return new StorageException(Kind.TRANSIENT, "S3 kept failing to " + action + " " + location
          + " (" + what + ") after retries", service);
    }
    return new StorageException(Kind.IO, "cannot " + action + " " + location + " (" + what + ": "
        + clientMessage(service) + ")", service);
  }

  private static String credentialSource(S3Config config, String variables) {
    return config.accessKey().isPresent()
        ? variables
        : "the default AWS credential chain, used because " + S3Config.ACCESS_KEY + " is unset";
  }

  private static String bucketOf(String location, S3Config config) {
    try {
      return S3Location.parse(location).bucket();
    } catch (StorageException notAnS3Location) {
      return config.bucket();
    }
  }

  /** The store's error code, or "" when the answer had none (HEAD answers carry no body). */
  private static String code(SdkServiceException service) {
    if (service instanceof AwsServiceException aws && aws.awsErrorDetails() != null
        && aws.awsErrorDetails().errorCode() != null) {
      return aws.awsErrorDetails().errorCode();
    }
    return "";
  }

  /** The SDK's message without its retry bookkeeping suffix. */
  private static String clientMessage(Throwable failure) {
    SdkClientException client = find(failure, SdkClientException.class);
    Throwable source = client != null ? client : failure;
    String message = source.getMessage() == null ? source.getClass().getSimpleName()
        : source.getMessage();
    int suffix = message.indexOf(" (SDK Attempt Count");
    return suffix < 0 ? message : message.substring(0, suffix);
  }

  private static boolean containsAny(String text, List<String> needles) {
    return needles.stream().anyMatch(text::contains);
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
