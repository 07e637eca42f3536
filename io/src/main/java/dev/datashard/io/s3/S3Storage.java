package dev.datashard.io.s3;

import dev.datashard.io.AmbiguousWriteException;
import dev.datashard.io.LocalFile;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import dev.datashard.io.StoredObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3CrtAsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Tables in an S3 bucket (AWS S3 or a compatible store such as MinIO or S3Proxy), through one
 * CRT-based async client and one Transfer Manager on it.
 *
 * <p>Commits rely on {@code If-None-Match: *} ({@link #publish}). Each publish carries a random id
 * in its user metadata: when the store answers 412 or the answer is lost, reading that id back
 * tells whether the object is this call's own write (the CRT retries a request once internally,
 * so a 412 alone may be the echo of this call's first, applied, attempt).
 */
public final class S3Storage implements Storage {
  private static final Logger LOG = LoggerFactory.getLogger(S3Storage.class);
  /** User metadata key ({@code x-amz-meta-datashard-publish-id}) naming the publish call. */
  static final String PUBLISH_ID = "datashard-publish-id";
  private static final String PROBE_PREFIX = ".datashard-probe-";
  private static final String STAGING_PREFIX = "datashard-staging-";

  private final S3Config config;
  private final Retrier retrier;
  private final AwsCredentialsProvider credentials;
  private final S3AsyncClient client;
  private final S3TransferManager transfers;
  private final RequestCounter requests = new RequestCounter();
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private final Object probeLock = new Object();
  private volatile boolean conditionalWritesVerified;
  private StorageException conditionalWritesRefusal;

  public S3Storage(S3Config config) {
    this(config, Retrier.DEFAULT);
  }

  S3Storage(S3Config config, Retrier retrier) {
    this.config = config;
    this.retrier = retrier;
    config.endpoint().ifPresent(S3Storage::warnIfPlainHttpOverNetwork);
    if (!config.useConditionalWrites()) {
      LOG.warn("{}=false: commits check then write, which is unsafe if two writers commit to "
          + "the same table at once", S3Config.USE_CONDITIONAL_WRITES);
    }
    this.credentials = config.accessKey().isPresent()
        ? StaticCredentialsProvider.create(
            AwsBasicCredentials.create(config.accessKey().get(), config.secretKey().orElseThrow()))
        : DefaultCredentialsProvider.builder().build();
    S3CrtAsyncClientBuilder builder = S3AsyncClient.crtBuilder()
        .region(Region.of(config.region()))
        .credentialsProvider(credentials)
        // Compatible stores reject or mishandle the SDK's default flexible checksums.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .thresholdInBytes(config.multipartThresholdBytes())
        .minimumPartSizeInBytes(config.partSizeBytes())
        .maxConcurrency(config.maxConcurrency())
        // The CRT treats 0 as "its default" (5); one quick retry, then Retrier backs off.
        .retryConfiguration(retry -> retry.numRetries(1))
        .httpConfiguration(http -> http.connectionTimeout(config.connectTimeout()));
    config.endpoint().ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
    this.client = builder.build();
    this.transfers = S3TransferManager.builder().s3Client(client).build();
  }

  public S3Config config() {
    return config;
  }

  /** The S3 requests this storage sent so far, per SDK operation; for tests and benchmarks. */
  public RequestCounter requestCounts() {
    return requests;
  }

  @Override
  public String tableLocation(String tableName) {
    if (tableName == null || tableName.isBlank()) {
      throw new StorageException(Kind.MISCONFIGURED, "a table name must not be empty");
    }
    String name = tableName.trim();
    if (S3Location.isLocation(name)) {
      S3Location location = S3Location.parse(stripTrailingSlashes(name));
      if (location.key().isEmpty()) {
        throw new StorageException(Kind.MISCONFIGURED,
            "table location '" + tableName + "' must name a key below the bucket");
      }
      S3Location.checkKeySegments(location.key(), "table location");
      return location.toString();
    }
    if (name.contains("://")) {
      throw new StorageException(Kind.MISCONFIGURED, "table location '" + tableName
          + "' is not on S3 (expected a name or s3://bucket/key; DATASHARD_STORAGE_TYPE=s3)");
    }
    S3Location.checkKeySegments(name, "table name");
    String key = stripTrailingSlashes(name);
    if (key.isEmpty()) {
      throw new StorageException(Kind.MISCONFIGURED, "a table name must not be empty");
    }
    return new S3Location(config.bucket(), config.keyFor(key)).toString();
  }

  @Override
  public CompletableFuture<byte[]> readAsync(String location) {
    return call("read", location, target -> client.getObject(
            get -> get.bucket(target.bucket()).key(target.key()).overrideConfiguration(small()),
            AsyncResponseTransformer.toBytes())
        .thenApply(ResponseBytes::asByteArrayUnsafe));
  }

  @Override
  public CompletableFuture<byte[]> readRangeAsync(String location, long offset, int length) {
    if (length == 0) {
      return CompletableFuture.completedFuture(new byte[0]);
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    return call("read", location, target -> client.getObject(
            get -> get.bucket(target.bucket()).key(target.key()).range(range).overrideConfiguration(transfer()),
            AsyncResponseTransformer.toBytes())
        .thenApply(ResponseBytes::asByteArrayUnsafe));
  }

  @Override
  public CompletableFuture<Void> writeAsync(String location, byte[] data) {
    return call("write", location, target -> client.putObject(
            put -> put.bucket(target.bucket()).key(target.key()).overrideConfiguration(small()),
            AsyncRequestBody.fromBytes(data))
        .thenApply(response -> null));
  }

  /**
   * {@inheritDoc}
   *
   * <p>With conditional writes off ({@code DATASHARD_S3_USE_CONDITIONAL_WRITES=false}) this is a
   * HEAD then a plain PUT: two racing writers can both get {@code true} and the last one wins.
   */
  @Override
  public boolean publish(String location, byte[] data) {
    S3Location target = S3Location.parse(location);
    if (!config.useConditionalWrites()) {
      if (exists(location)) {
        return false;
      }
      write(location, data);
      return true;
    }
    verifyConditionalWrites();
    String publishId = UUID.randomUUID().toString();
    try {
      StorageException.join(retrier.run(() -> putIfAbsent(target, data, publishId)));
      return true;
    } catch (RuntimeException failure) {
      if (S3Errors.isPreconditionFailed(failure)) {
        return publishedBy(target, publishId, failure)
            .orElseThrow(() -> new AmbiguousWriteException(location, failure));
      }
      if (S3Errors.isRefusal(failure)) {
        throw S3Errors.translate(failure, "publish", location, config);
      }
      // The answer was lost (or every attempt failed): only the object itself can tell.
      return publishedBy(target, publishId, failure)
          .orElseThrow(() -> new AmbiguousWriteException(location, failure));
    }
  }

  /**
   * Checks once per storage that the store honours {@code If-None-Match: *}: a second conditional
   * PUT of a probe object must be refused. Stores that ignore the header would let two commits
   * overwrite each other, so they are refused unless conditional writes are switched off.
   * {@link #publish} calls this before its first write.
   */
  public void verifyConditionalWrites() {
    if (conditionalWritesVerified) {
      return;
    }
    synchronized (probeLock) {
      if (conditionalWritesRefusal != null) {
        throw conditionalWritesRefusal;
      }
      if (conditionalWritesVerified) {
        return;
      }
      S3Location probe = new S3Location(config.bucket(),
          config.keyFor(PROBE_PREFIX + UUID.randomUUID()));
      byte[] body = "conditional write probe".getBytes(StandardCharsets.UTF_8);
      probePut(probe, body); // nothing to clean up when this fails
      try {
        if (probePut(probe, body)) {
          conditionalWritesRefusal = new StorageException(Kind.UNSUPPORTED,
              config.endpointDescription() + " ignores If-None-Match: a second conditional PUT of "
              + probe + " succeeded, so concurrent commits could overwrite each other. Use a store "
              + "with conditional writes (AWS S3, MinIO, S3Proxy) or, with a single writer only, "
              + "set " + S3Config.USE_CONDITIONAL_WRITES + "=false");
          throw conditionalWritesRefusal;
        }
        conditionalWritesVerified = true;
      } finally {
        deleteQuietly(probe);
      }
    }
  }

  @Override
  public CompletableFuture<Void> putFile(Path stagedFile, String location) {
    return call("upload", location, target -> transfers.uploadFile(upload -> upload
                .source(stagedFile)
                .putObjectRequest(put -> put.bucket(target.bucket()).key(target.key())
                    .overrideConfiguration(transfer())))
            .completionFuture()
            .thenApply(done -> (Void) null))
        .whenComplete((done, error) -> removeStaged(stagedFile));
  }

  @Override
  public CompletableFuture<LocalFile> fetch(String location) {
    Path copy;
    try {
      copy = Files.createTempFile("datashard-fetch-", "-" + baseName(location));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new StorageException(Kind.IO,
          "cannot create a temporary file to fetch " + location + ": " + e.getMessage(), e));
    }
    return call("fetch", location, target -> transfers.downloadFile(download -> download
                .destination(copy)
                .getObjectRequest(get -> get.bucket(target.bucket()).key(target.key())
                    .overrideConfiguration(transfer())))
            .completionFuture()
            .thenApply(done -> LocalFile.temporaryCopy(copy)))
        .whenComplete((file, error) -> {
          if (error != null) {
            removePartialDownload(copy);
          }
        });
  }

  /** A fresh local temporary directory; {@link #putFile} removes it with its last file. */
  @Override
  public Path stagingDirectory(String targetLocation) {
    try {
      return Files.createTempDirectory(STAGING_PREFIX);
    } catch (IOException e) {
      throw new StorageException(Kind.IO, "cannot create a local staging directory for "
          + targetLocation + ": " + e.getMessage(), e);
    }
  }

  /** Objects whose key starts with the prefix's key, as a plain string prefix (not a folder). */
  @Override
  public List<StoredObject> list(String prefix) {
    S3Location base = S3Location.parse(prefix);
    List<StoredObject> objects = new ArrayList<>();
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page = StorageException.join(call("list", prefix,
          target -> client.listObjectsV2(list -> list.bucket(target.bucket()).prefix(target.key())
              .continuationToken(continuation).overrideConfiguration(small()))));
      for (S3Object object : page.contents()) {
        objects.add(new StoredObject(new S3Location(base.bucket(), object.key()).toString(),
            object.size(), object.lastModified().toEpochMilli()));
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return objects;
  }

  @Override
  public boolean exists(String location) {
    S3Location target = S3Location.parse(location);
    try {
      StorageException.join(retrier.run(() -> head(target)));
      return true;
    } catch (RuntimeException failure) {
      if (S3Errors.isNotFound(failure)) {
        return false;
      }
      if (S3Errors.isUnexplainedForbidden(failure)) {
        throw explainForbidden(target, failure);
      }
      throw S3Errors.translate(failure, "check", location, config);
    }
  }

  @Override
  public void delete(String location) {
    StorageException.join(call("delete", location, target -> client.deleteObject(
            delete -> delete.bucket(target.bucket()).key(target.key())
                .overrideConfiguration(small()))
        .thenApply(response -> null)));
  }

  /** Waits for the requests still running (their callers see how they end), then closes. */
  @Override
  public void close() {
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .handle((done, failure) -> null)
        .join();
    transfers.close();
    client.close();
    if (credentials instanceof SdkAutoCloseable closeable) {
      closeable.close();
    }
  }

  @Override
  public String toString() {
    return "S3Storage[" + config + "]";
  }

  /** Runs one request with retries and turns its failure into a {@link StorageException}. */
  private <T> CompletableFuture<T> call(String action, String location,
      Function<S3Location, CompletableFuture<T>> request) {
    S3Location target;
    try {
      target = S3Location.parse(location);
    } catch (StorageException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<T> result = retrier.run(() -> request.apply(target))
        .handle((value, error) -> {
          if (error != null) {
            throw S3Errors.translate(error, action, location, config);
          }
          return value;
        });
    pending.add(result);
    result.whenComplete((value, error) -> pending.remove(result));
    return result;
  }

  private CompletableFuture<Void> putIfAbsent(S3Location target, byte[] data, String publishId) {
    return client.putObject(put -> put.bucket(target.bucket()).key(target.key())
                .ifNoneMatch("*")
                .metadata(Map.of(PUBLISH_ID, publishId))
                .overrideConfiguration(small()),
            AsyncRequestBody.fromBytes(data))
        .thenApply(response -> null);
  }

  /**
   * Whether the object at {@code target} is the write of publish call {@code publishId}: empty
   * when that cannot be told (no object yet, or it cannot be read).
   */
  private Optional<Boolean> publishedBy(S3Location target, String publishId, Throwable failure) {
    try {
      HeadObjectResponse head = StorageException.join(retrier.run(() -> head(target)));
      return Optional.of(publishId.equals(head.metadata().get(PUBLISH_ID)));
    } catch (RuntimeException unreadable) {
      failure.addSuppressed(unreadable);
      return Optional.empty();
    }
  }

  /** One conditional PUT of the probe: true when the store took it. */
  private boolean probePut(S3Location probe, byte[] body) {
    try {
      StorageException.join(retrier.run(() -> putIfAbsent(probe, body, "probe")));
      return true;
    } catch (RuntimeException failure) {
      if (S3Errors.isPreconditionFailed(failure)) {
        return false;
      }
      StorageException error = S3Errors.translate(failure, "probe conditional writes at",
          probe.toString(), config);
      if (error.kind() == Kind.UNSUPPORTED) {
        conditionalWritesRefusal = new StorageException(Kind.UNSUPPORTED,
            config.endpointDescription() + " refuses If-None-Match on PUT (" + error.getMessage()
            + "); with a single writer only, set " + S3Config.USE_CONDITIONAL_WRITES + "=false",
            failure);
        throw conditionalWritesRefusal;
      }
      throw error;
    }
  }

  private CompletableFuture<HeadObjectResponse> head(S3Location target) {
    return client.headObject(head -> head.bucket(target.bucket()).key(target.key())
        .overrideConfiguration(small()));
  }

  /**
   * HEAD answers carry no body, so a 403 does not say whether the keys are wrong or merely not
   * allowed: a one-byte GET of the same object gets the store's error code.
   */
  private StorageException explainForbidden(S3Location target, Throwable headFailure) {
    try {
      StorageException.join(client.getObject(
          get -> get.bucket(target.bucket()).key(target.key()).range("bytes=0-0")
              .overrideConfiguration(small()),
          AsyncResponseTransformer.toBytes()));
    } catch (RuntimeException getFailure) {
      return S3Errors.translate(getFailure, "check", target.toString(), config);
    }
    return S3Errors.translate(headFailure, "check", target.toString(), config);
  }

  private void deleteQuietly(S3Location target) {
    try {
      delete(target.toString());
    } catch (StorageException e) {
      LOG.warn("could not remove the conditional-write probe {}: {}", target, e.getMessage());
    }
  }

  /** Request settings of small requests: tagged for the interceptor, bounded in time. */
  private Consumer<AwsRequestOverrideConfiguration.Builder> small() {
    return tagged(config.requestTimeout());
  }

  private Consumer<AwsRequestOverrideConfiguration.Builder> transfer() {
    return tagged(config.transferTimeout());
  }

  private Consumer<AwsRequestOverrideConfiguration.Builder> tagged(Duration timeout) {
    return override -> override.putExecutionAttribute(DataShardS3Interceptor.COUNTER, requests)
        .apiCallTimeout(timeout);
  }

  private static void removeStaged(Path stagedFile) {
    try {
      Files.deleteIfExists(stagedFile);
      Path directory = stagedFile.getParent();
      if (directory != null && directory.getFileName().toString().startsWith(STAGING_PREFIX)) {
        Files.deleteIfExists(directory);
      }
    } catch (DirectoryNotEmptyException stillInUse) {
      // other files staged in the same directory are still uploading; the last one removes it
    } catch (IOException e) {
      LOG.warn("could not remove the staged file {}: {}", stagedFile, e.getMessage());
    }
  }

  private static void removePartialDownload(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("could not remove the partial download {}: {}", file, e.getMessage());
    }
  }

  private static String baseName(String location) {
    String name = location.substring(location.lastIndexOf('/') + 1);
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String stripTrailingSlashes(String name) {
    int end = name.length();
    while (end > 0 && name.charAt(end - 1) == '/') {
      end--;
    }
    return name.substring(0, end);
  }

  private static void warnIfPlainHttpOverNetwork(URI endpoint) {
    if (isPlainHttpOverNetwork(endpoint)) {
      LOG.warn("{}={} uses plain http to a host that is not this machine: requests, data and "
          + "signatures travel unencrypted; use https", S3Config.ENDPOINT, endpoint);
    }
  }

  static boolean isPlainHttpOverNetwork(URI endpoint) {
    return "http".equalsIgnoreCase(endpoint.getScheme()) && !isLoopback(endpoint.getHost());
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false; // a name: never resolve it here just to word a warning
    }
    try {
      return InetAddress.getByName(bare).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
