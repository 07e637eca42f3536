package dev.datashard.io.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.datashard.io.AmbiguousWriteException;
import dev.datashard.io.LocalFile;
import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import dev.datashard.io.StoredObject;
import dev.datashard.io.s3.testing.FaultyProxy;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** S3Storage against a real S3 server (S3Proxy in its own process). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3StorageTest {
  private static final String BUCKET = "tables";
  private static final Retrier FAST_RETRIES =
      new Retrier(5, Duration.ofMillis(10), Duration.ofMillis(40));
  private static final AtomicInteger TABLES = new AtomicInteger();

  private static S3ProxyServer server;
  private static S3Storage storage;

  @BeforeAll
  static void startServer() throws IOException {
    server = S3ProxyServer.start();
    server.createBucket(BUCKET);
    storage = new S3Storage(server.config(BUCKET).prefix("/warehouse/").build());
  }

  @AfterAll
  static void stopServer() {
    if (storage != null) {
      storage.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A location no other test uses. */
  private static String freshTable() {
    return storage.tableLocation("t" + TABLES.incrementAndGet());
  }

  @Test
  void tableNamesResolveBelowThePrefix() {
    assertThat(storage.tableLocation("db/events")).isEqualTo("s3://tables/warehouse/db/events");
    assertThat(storage.tableLocation("db/events/")).isEqualTo("s3://tables/warehouse/db/events");
    assertThat(storage.tableLocation("s3://other/x/y")).isEqualTo("s3://other/x/y");
    for (String bad : List.of("../escape", "a/../b", "/absolute", "s3://tables/a/../b", "s3:///k",
        "s3://tables", "file:///tmp/x", " ")) {
      assertThatThrownBy(() -> storage.tableLocation(bad))
          .as(bad)
          .isInstanceOfSatisfying(StorageException.class,
              e -> assertThat(e.kind()).isEqualTo(Kind.MISCONFIGURED));
    }
  }

  @Test
  void writesReadsListsAndDeletes() {
    String table = freshTable();
    storage.write(table + "/metadata/v1.json", "one".getBytes(UTF_8));
    storage.writeAsync(table + "/data/a.parquet", new byte[] {1, 2, 3}).join();
    storage.write(table + "-other/x", new byte[] {9});

    assertThat(new String(storage.read(table + "/metadata/v1.json"), UTF_8)).isEqualTo("one");
    assertThat(storage.readAsync(table + "/data/a.parquet").join()).containsExactly(1, 2, 3);
    assertThat(storage.exists(table + "/data/a.parquet")).isTrue();
    assertThat(storage.list(table + "/"))
        .extracting(StoredObject::location, StoredObject::size)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(table + "/metadata/v1.json", 3L),
            org.assertj.core.groups.Tuple.tuple(table + "/data/a.parquet", 3L));
    assertThat(storage.list(table)).hasSize(3); // a plain string prefix: "-other" matches too

    storage.delete(table + "/data/a.parquet");
    storage.delete(table + "/data/never-there");
    assertThat(storage.exists(table + "/data/a.parquet")).isFalse();
    assertThat(storage.readIfExists(table + "/data/a.parquet")).isEmpty();
  }

  @Test
  void hadoopSpellingsOfS3LocationsReachTheSameObjects() {
    String table = freshTable(); // s3://bucket/key
    String key = table.substring("s3://".length());
    storage.write("s3a://" + key + "/data/a.parquet", new byte[] {1, 2});
    assertThat(storage.read(table + "/data/a.parquet")).containsExactly(1, 2);
    assertThat(storage.read("s3n://" + key + "/data/a.parquet")).containsExactly(1, 2);
    assertThat(storage.publish("s3a://" + key + "/metadata/v1.metadata.json", new byte[] {3})).isTrue();
    assertThat(storage.publish(table + "/metadata/v1.metadata.json", new byte[] {4})).isFalse();
    assertThat(storage.list("s3a://" + key + "/")).extracting(StoredObject::location)
        .containsExactlyInAnyOrder(table + "/data/a.parquet", table + "/metadata/v1.metadata.json");
    assertThat(storage.tableLocation("s3a://" + key)).isEqualTo(table);
    storage.delete("s3n://" + key + "/data/a.parquet");
    assertThat(storage.exists(table + "/data/a.parquet")).isFalse();
  }

  @Test
  void listFollowsContinuationPages() {
    String table = freshTable();
    // S3Proxy pages at 1000 keys like S3; write enough to need a second page.
    List<java.util.concurrent.CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 1005; i++) {
      writes.add(storage.writeAsync(table + "/k" + i, new byte[0]));
    }
    writes.forEach(java.util.concurrent.CompletableFuture::join);
    storage.requestCounts().reset();

    assertThat(storage.list(table + "/")).hasSize(1005);
    assertThat(storage.requestCounts().snapshot()).isEqualTo(Map.of("ListObjectsV2", 2L));
  }

  @Test
  void readingAMissingObjectIsNotFound() {
    String location = freshTable() + "/missing.json";
    StorageException e = catchThrowableOfType(StorageException.class, () -> storage.read(location));
    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains(location);
    assertThatThrownBy(() -> storage.fetch(location).join()).hasRootCauseInstanceOf(
        software.amazon.awssdk.services.s3.model.NoSuchKeyException.class);
    assertThat(catchThrowableOfType(StorageException.class,
        () -> StorageException.join(storage.fetch(location))).kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void exactlyOneOfEightRacingPublishersWins() throws Exception {
    String location = freshTable() + "/metadata/v1.metadata.json";
    storage.verifyConditionalWrites();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        byte[] body = ("writer " + i).getBytes(UTF_8);
        Callable<Boolean> publish = () -> {
          start.await();
          return storage.publish(location, body);
        };
        results.add(pool.submit(publish));
      }
      start.countDown();
      List<Integer> winners = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        if (results.get(i).get()) {
          winners.add(i);
        }
      }
      assertThat(winners).hasSize(1);
      assertThat(new String(storage.read(location), UTF_8)).isEqualTo("writer " + winners.get(0));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void publishCountsOnePutWhenItWinsAndAHeadMoreWhenItLoses() {
    String location = freshTable() + "/v1.json";
    storage.verifyConditionalWrites();
    storage.requestCounts().reset();
    assertThat(storage.publish(location, "mine".getBytes(UTF_8))).isTrue();
    assertThat(storage.requestCounts().snapshot()).isEqualTo(Map.of("PutObject", 1L));

    storage.requestCounts().reset();
    assertThat(storage.publish(location, "theirs".getBytes(UTF_8))).isFalse();
    assertThat(storage.requestCounts().snapshot())
        .isEqualTo(Map.of("PutObject", 1L, "HeadObject", 1L));
    assertThat(storage.read(location)).isEqualTo("mine".getBytes(UTF_8));
  }

  @Test
  void putsAndFetchesASmallFileAndRemovesTheStagedCopy() throws IOException {
    String location = freshTable() + "/data/small.parquet";
    Path staging = storage.stagingDirectory(location);
    Path staged = Files.write(staging.resolve("small.parquet"), "columns".getBytes(UTF_8));
    storage.requestCounts().reset();

    storage.putFile(staged, location).join();

    assertThat(staging).doesNotExist();
    try (LocalFile copy = storage.fetch(location).join()) {
      assertThat(Files.readString(copy.path())).isEqualTo("columns");
      assertThat(copy.path().getFileName().toString()).endsWith("small.parquet");
      staged = copy.path();
    }
    assertThat(staged).doesNotExist();
    assertThat(storage.requestCounts().snapshot())
        .isEqualTo(Map.of("PutObject", 1L, "GetObject", 1L));
  }

  @Test
  void uploadsAndDownloadsAboveTheMultipartThreshold() throws IOException {
    S3Config multipart = server.config(BUCKET)
        .partSizeBytes(S3Config.MIN_PART_SIZE).multipartThresholdBytes(S3Config.MIN_PART_SIZE)
        .build();
    try (S3Storage parts = new S3Storage(multipart)) {
      String location = parts.tableLocation("big") + "/data/12MiB.bin";
      byte[] data = new byte[12 << 20];
      new Random(42).nextBytes(data);
      Path staged = Files.write(parts.stagingDirectory(location).resolve("12MiB.bin"), data);

      parts.putFile(staged, location).join();

      assertThat(staged).doesNotExist();
      assertThat(parts.list(location)).singleElement()
          .extracting(StoredObject::size).isEqualTo((long) data.length);
      try (LocalFile copy = parts.fetch(location).join()) {
        assertThat(Files.readAllBytes(copy.path())).isEqualTo(data);
      }
      // The CRT splits the transfers into parts below the SDK: one SDK request each.
      assertThat(parts.requestCounts().snapshot())
          .isEqualTo(Map.of("PutObject", 1L, "ListObjectsV2", 1L, "GetObject", 1L));
    }
  }

  @Test
  void closeWaitsForRunningUploads() throws IOException {
    S3Storage closing = new S3Storage(server.config(BUCKET).build());
    String location = closing.tableLocation("closing") + "/data/4MiB.bin";
    Path staged = Files.write(closing.stagingDirectory(location).resolve("4MiB.bin"),
        new byte[4 << 20]);
    java.util.concurrent.CompletableFuture<Void> upload = closing.putFile(staged, location);

    closing.close();

    assertThat(upload).isCompleted();
    assertThat(storage.exists(location)).isTrue();
  }

  @Test
  void aMissingBucketIsNamedWithItsSetting() {
    try (S3Storage missing = new S3Storage(server.config("no-such-bucket").build())) {
      String location = missing.tableLocation("t") + "/v1.json";
      List<StorageException> errors = List.of(
          catchThrowableOfType(StorageException.class, () -> missing.read(location)),
          catchThrowableOfType(StorageException.class, () -> missing.write(location, new byte[1])),
          catchThrowableOfType(StorageException.class, () -> missing.list(location)),
          catchThrowableOfType(StorageException.class,
              () -> missing.publish(location, new byte[1])));
      assertThat(errors).allSatisfy(e -> {
        assertThat(e.kind()).isEqualTo(Kind.NO_SUCH_BUCKET);
        assertThat(e.getMessage())
            .contains("bucket 'no-such-bucket' does not exist")
            .contains("DATASHARD_S3_BUCKET");
      });
    }
  }

  @Test
  void aWrongSecretKeyIsBadCredentialsNamingTheSecretSetting() {
    String wrongSecret = "not-the-secret-7Yq";
    S3Config config = server.config(BUCKET).credentials(S3ProxyServer.ACCESS_KEY, wrongSecret)
        .build();
    try (S3Storage wrong = new S3Storage(config)) {
      String location = wrong.tableLocation("t") + "/v1.json";
      for (StorageException e : List.of(
          catchThrowableOfType(StorageException.class, () -> wrong.read(location)),
          catchThrowableOfType(StorageException.class, () -> wrong.exists(location)),
          catchThrowableOfType(StorageException.class, () -> wrong.write(location, new byte[1])))) {
        assertThat(e.kind()).isEqualTo(Kind.BAD_CREDENTIALS);
        assertThat(e.getMessage()).contains("DATASHARD_S3_SECRET_KEY")
            .doesNotContain(wrongSecret).doesNotContain(S3ProxyServer.SECRET_KEY);
      }
      assertThat(config.toString()).doesNotContain(wrongSecret);
      assertThat(wrong.toString()).doesNotContain(wrongSecret);
    }
  }

  @Test
  void anUnknownAccessKeyIsBadCredentialsNamingTheAccessKeySetting() {
    try (S3Storage wrong = new S3Storage(server.config(BUCKET)
        .credentials("unknown-access-key", S3ProxyServer.SECRET_KEY).build())) {
      StorageException e = catchThrowableOfType(StorageException.class,
          () -> wrong.read(wrong.tableLocation("t") + "/v1.json"));
      assertThat(e.kind()).isEqualTo(Kind.BAD_CREDENTIALS);
      assertThat(e.getMessage()).contains("DATASHARD_S3_ACCESS_KEY")
          .doesNotContain(S3ProxyServer.SECRET_KEY);
    }
  }

  @Test
  void aClosedPortIsUnreachableNamingTheEndpointSetting() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    S3Config config = server.config(BUCKET).endpoint(URI.create("http://127.0.0.1:" + closedPort))
        .build();
    try (S3Storage unreachable = new S3Storage(config)) {
      String location = unreachable.tableLocation("t") + "/v1.json";
      long start = System.nanoTime();
      for (StorageException e : List.of(
          catchThrowableOfType(StorageException.class, () -> unreachable.read(location)),
          catchThrowableOfType(StorageException.class,
              () -> unreachable.publish(location, new byte[1])))) {
        assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(e.getMessage()).contains("DATASHARD_S3_ENDPOINT").contains("connection refused")
            .doesNotContain(S3ProxyServer.SECRET_KEY);
      }
      // Refused connections are a configuration error: no backoff.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aLostAnswerToAnAppliedPublishStillReportsTheWin() throws IOException {
    try (FaultyProxy proxy = new FaultyProxy(server.port());
        S3Storage storage = new S3Storage(
            server.config(BUCKET).endpoint(proxy.endpoint()).build(), FAST_RETRIES)) {
      String location = storage.tableLocation("lost-answer") + "-" + TABLES.incrementAndGet();
      storage.verifyConditionalWrites();
      proxy.dropAnswers(1);

      assertThat(storage.publish(location, "mine".getBytes(UTF_8))).isTrue();

      assertThat(proxy.droppedAnswers()).isEqualTo(1);
      assertThat(storage.read(location)).isEqualTo("mine".getBytes(UTF_8));
    }
  }

  @Test
  void aPublishWhoseAnswersStayLostIsAmbiguous() throws IOException {
    try (FaultyProxy proxy = new FaultyProxy(server.port());
        S3Storage storage = new S3Storage(
            server.config(BUCKET).endpoint(proxy.endpoint()).build(), FAST_RETRIES)) {
      String location = storage.tableLocation("lost-answers") + "-" + TABLES.incrementAndGet();
      storage.verifyConditionalWrites();
      proxy.dropAnswers(Integer.MAX_VALUE);

      assertThatThrownBy(() -> storage.publish(location, "mine".getBytes(UTF_8)))
          .isInstanceOf(AmbiguousWriteException.class)
          .hasMessageContaining(location);

      proxy.dropAnswers(0);
      assertThat(storage.read(location)).isEqualTo("mine".getBytes(UTF_8));
    }
  }

  @Test
  void readsRetryAfterALostAnswer() throws IOException {
    try (FaultyProxy proxy = new FaultyProxy(server.port());
        S3Storage storage = new S3Storage(
            server.config(BUCKET).endpoint(proxy.endpoint()).build(), FAST_RETRIES)) {
      String location = storage.tableLocation("retried-read") + "-" + TABLES.incrementAndGet();
      storage.write(location, "x".getBytes(UTF_8));
      proxy.dropAnswers(3);

      assertThat(storage.read(location)).isEqualTo("x".getBytes(UTF_8));
      assertThat(proxy.droppedAnswers()).isEqualTo(3);
    }
  }

  @Test
  void aStoreThatIgnoresIfNoneMatchIsRefusedUnlessConditionalWritesAreOff() throws IOException {
    try (FaultyProxy proxy = new FaultyProxy(server.port())) {
      proxy.ignoreConditions(true);
      String prefix = "ignoring-" + TABLES.incrementAndGet();
      S3Config.Builder config = server.config(BUCKET).endpoint(proxy.endpoint()).prefix(prefix);
      try (S3Storage ignoring = new S3Storage(config.build())) {
        String location = ignoring.tableLocation("t") + "/v1.json";
        for (int attempt = 0; attempt < 2; attempt++) { // the verdict is cached
          StorageException e = catchThrowableOfType(StorageException.class,
              () -> ignoring.publish(location, new byte[1]));
          assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED);
          assertThat(e.getMessage()).contains("If-None-Match")
              .contains("DATASHARD_S3_USE_CONDITIONAL_WRITES=false");
        }
        assertThat(ignoring.list("s3://" + BUCKET + "/" + prefix + "/")).isEmpty(); // probe removed
        assertThat(ignoring.requestCounts().snapshot().get("PutObject")).isEqualTo(2L);
      }
      try (S3Storage unconditional = new S3Storage(config.useConditionalWrites(false).build())) {
        String location = unconditional.tableLocation("t") + "/v1.json";
        assertThat(unconditional.publish(location, "first".getBytes(UTF_8))).isTrue();
        assertThat(unconditional.publish(location, "second".getBytes(UTF_8))).isFalse();
        assertThat(unconditional.read(location)).isEqualTo("first".getBytes(UTF_8));
      }
    }
  }
}
