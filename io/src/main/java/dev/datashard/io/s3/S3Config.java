package dev.datashard.io.s3;

import static java.util.Objects.requireNonNull;

import dev.datashard.io.StorageConfig;
import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to reach one S3 bucket. Built from the {@code DATASHARD_S3_*} environment
 * variables ({@link #fromEnvironment}) or with {@link #builder}. Without an access key the SDK's
 * default credential chain is used (environment, profile, container or instance role).
 *
 * @param endpoint a custom endpoint (MinIO, S3Proxy, ...): empty means AWS S3 itself; a custom
 *     endpoint switches to path-style addressing
 * @param prefix key prefix for table names, without leading or trailing slash (may be empty)
 * @param useConditionalWrites publish with {@code If-None-Match: *}; false falls back to a check
 *     then a plain PUT, which is unsafe with concurrent writers
 * @param multipartThresholdBytes uploads from this size on are split into parts
 * @param partSizeBytes the size of one part of a multipart transfer (at least 5 MiB)
 * @param maxConcurrency the most requests in flight at once, over all operations
 * @param connectTimeout how long to wait for a TCP connection
 * @param requestTimeout the whole-call limit of a small request (read, write, publish, list, ...)
 * @param transferTimeout the whole-call limit of a file upload or download
 */
public record S3Config(
    Optional<URI> endpoint,
    Optional<String> accessKey,
    Optional<String> secretKey,
    String bucket,
    String region,
    String prefix,
    boolean useConditionalWrites,
    long multipartThresholdBytes,
    long partSizeBytes,
    int maxConcurrency,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration transferTimeout) {

  public static final String ENDPOINT = "DATASHARD_S3_ENDPOINT";
  public static final String ACCESS_KEY = "DATASHARD_S3_ACCESS_KEY";
  public static final String SECRET_KEY = "DATASHARD_S3_SECRET_KEY";
  public static final String BUCKET = "DATASHARD_S3_BUCKET";
  public static final String REGION = "DATASHARD_S3_REGION";
  public static final String PREFIX = "DATASHARD_S3_PREFIX";
  public static final String USE_CONDITIONAL_WRITES = "DATASHARD_S3_USE_CONDITIONAL_WRITES";

  public static final String DEFAULT_REGION = "us-east-1";
  /** S3 refuses parts below 5 MiB (except the last one). */
  public static final long MIN_PART_SIZE = 5L << 20;
  private static final long DEFAULT_PART_SIZE = 8L << 20;

  public S3Config {
    requireNonNull(endpoint, "endpoint");
    requireNonNull(accessKey, "accessKey");
    requireNonNull(secretKey, "secretKey");
    requireNonNull(connectTimeout, "connectTimeout");
    requireNonNull(requestTimeout, "requestTimeout");
    requireNonNull(transferTimeout, "transferTimeout");
    if (bucket == null || bucket.isBlank()) {
      throw misconfigured(BUCKET + " is required when DATASHARD_STORAGE_TYPE=s3");
    }
    bucket = bucket.trim();
    if (bucket.contains("/") || bucket.length() < 3 || bucket.length() > 63) {
      throw misconfigured(BUCKET + "='" + bucket
          + "' is not a bucket name (3 to 63 characters, no '/'; put key prefixes in " + PREFIX + ")");
    }
    region = region == null || region.isBlank() ? DEFAULT_REGION : region.trim();
    prefix = normalizePrefix(prefix);
    endpoint.ifPresent(S3Config::checkEndpoint);
    if (accessKey.isPresent() != secretKey.isPresent()) {
      throw misconfigured(ACCESS_KEY + " and " + SECRET_KEY
          + " must be set together (or both left unset to use the default AWS credential chain)");
    }
    if (partSizeBytes < MIN_PART_SIZE) {
      throw misconfigured("the multipart part size must be at least 5 MiB, was " + partSizeBytes);
    }
    if (multipartThresholdBytes <= 0 || maxConcurrency <= 0) {
      throw misconfigured("the multipart threshold and the concurrency must be positive");
    }
    for (Duration timeout : new Duration[] {connectTimeout, requestTimeout, transferTimeout}) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw misconfigured("S3 timeouts must be positive, was " + timeout);
      }
    }
  }

  public static Builder builder(String bucket) {
    return new Builder(bucket);
  }

  /** Reads the {@code DATASHARD_S3_*} variables; the bucket is required. */
  public static S3Config fromEnvironment(Map<String, String> env) {
    Builder builder = builder(env.get(BUCKET))
        .region(env.get(REGION))
        .prefix(env.get(PREFIX))
        .useConditionalWrites(StorageConfig.parseBoolean(env, USE_CONDITIONAL_WRITES, true));
    String endpoint = blankToNull(env.get(ENDPOINT));
    if (endpoint != null) {
      builder.endpoint(parseEndpoint(endpoint));
    }
    String accessKey = blankToNull(env.get(ACCESS_KEY));
    String secretKey = blankToNull(env.get(SECRET_KEY));
    if (accessKey != null || secretKey != null) {
      builder.credentials(accessKey, secretKey);
    }
    return builder.build();
  }

  /** The location a table name resolves to when it is not an {@code s3://} URI itself. */
  String keyFor(String tableName) {
    return prefix.isEmpty() ? tableName : prefix + "/" + tableName;
  }

  /** "AWS S3" or the custom endpoint: for messages. */
  String endpointDescription() {
    return endpoint.map(uri -> "S3 endpoint " + uri).orElse("AWS S3 (region " + region + ")");
  }

  /** Never shows the secret key. */
  @Override
  public String toString() {
    return "S3Config[endpoint=" + endpoint.map(URI::toString).orElse("AWS")
        + ", bucket=" + bucket
        + ", region=" + region
        + ", prefix=" + prefix
        + ", accessKey=" + accessKey.orElse("<default credential chain>")
        + ", secretKey=" + secretKey.map(secret -> "****").orElse("<unset>")
        + ", useConditionalWrites=" + useConditionalWrites
        + ", multipartThresholdBytes=" + multipartThresholdBytes
        + ", partSizeBytes=" + partSizeBytes
        + ", maxConcurrency=" + maxConcurrency
        + ", connectTimeout=" + connectTimeout
        + ", requestTimeout=" + requestTimeout
        + ", transferTimeout=" + transferTimeout + "]";
  }

  private static String normalizePrefix(String prefix) {
    if (prefix == null) {
      return "";
    }
    String trimmed = prefix.trim();
    int start = 0;
    int end = trimmed.length();
    while (start < end && trimmed.charAt(start) == '/') {
      start++;
    }
    while (end > start && trimmed.charAt(end - 1) == '/') {
      end--;
    }
    String normalized = trimmed.substring(start, end);
    for (String segment : normalized.split("/", -1)) {
      if (segment.equals("..") || (!normalized.isEmpty() && segment.isEmpty())) {
        throw misconfigured(PREFIX + "='" + prefix + "' must not contain '..' or empty segments");
      }
    }
    return normalized;
  }

  private static URI parseEndpoint(String value) {
    try {
      return new URI(value.trim());
    } catch (URISyntaxException e) {
      throw misconfigured(ENDPOINT + "='" + value + "' is not a URL (e.g. http://127.0.0.1:9000)");
    }
  }

  private static void checkEndpoint(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw misconfigured(ENDPOINT + "='" + uri
          + "' must be an http:// or https:// URL with a host (e.g. http://127.0.0.1:9000)");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static StorageException misconfigured(String message) {
    return new StorageException(Kind.MISCONFIGURED, message);
  }

  /** Builds an {@link S3Config}; every setting but the bucket has a default. */
  public static final class Builder {
    private final String bucket;
    private URI endpoint;
    private String accessKey;
    private String secretKey;
    private String region = DEFAULT_REGION;
    private String prefix = "";
    private boolean useConditionalWrites = true;
    private long multipartThresholdBytes = DEFAULT_PART_SIZE;
    private long partSizeBytes = DEFAULT_PART_SIZE;
    private int maxConcurrency = 64;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration transferTimeout = Duration.ofMinutes(30);

    private Builder(String bucket) {
      this.bucket = bucket;
    }

    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    public Builder credentials(String accessKey, String secretKey) {
      this.accessKey = accessKey;
      this.secretKey = secretKey;
      return this;
    }

    public Builder region(String region) {
      this.region = region;
      return this;
    }

    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    public Builder useConditionalWrites(boolean useConditionalWrites) {
      this.useConditionalWrites = useConditionalWrites;
      return this;
    }

    public Builder multipartThresholdBytes(long multipartThresholdBytes) {
      this.multipartThresholdBytes = multipartThresholdBytes;
      return this;
    }

    public Builder partSizeBytes(long partSizeBytes) {
      this.partSizeBytes = partSizeBytes;
      return this;
    }

    public Builder maxConcurrency(int maxConcurrency) {
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    public Builder transferTimeout(Duration transferTimeout) {
      this.transferTimeout = transferTimeout;
      return this;
    }

    public S3Config build() {
      return new S3Config(Optional.ofNullable(endpoint), Optional.ofNullable(accessKey),
          Optional.ofNullable(secretKey), bucket, region, prefix, useConditionalWrites,
          multipartThresholdBytes, partSizeBytes, maxConcurrency, connectTimeout, requestTimeout,
          transferTimeout);
    }
  }
}
