package dev.datashard.io.s3.testing;

import dev.datashard.io.s3.S3Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * A real S3 server for tests: S3Proxy 4.1.0 over a fresh temporary directory, in its own JVM
 * (its fat jar bundles another AWS SDK), bound to 127.0.0.1 on a free port. The jar comes from
 * Maven: system property {@code s3proxy.jar} (set by io's surefire configuration), else the local
 * Maven repository.
 *
 * <pre>{@code
 * try (S3ProxyServer server = S3ProxyServer.start()) {
 *   server.createBucket("tables");
 *   try (S3Storage storage = new S3Storage(server.config("tables").build())) { ... }
 * }
 * }</pre>
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "datashard-test-access";
  public static final String SECRET_KEY = "datashard-test-secret-Wq8fZ";
  private static final String VERSION = "4.1.0";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path directory;
  private final Path log;
  private final int port;

  private S3ProxyServer(Process process, Path directory, Path log, int port) {
    this.process = process;
    this.directory = directory;
    this.log = log;
    this.port = port;
  }

  /** Starts a server and waits until it accepts connections. */
  public static S3ProxyServer start() throws IOException {
    Path jar = findJar();
    Path directory = Files.createTempDirectory("datashard-s3proxy-");
    Path data = Files.createDirectory(directory.resolve("data"));
    Path conf = directory.resolve("s3proxy.conf");
    Path log = directory.resolve("s3proxy.log");
    int port = freePort();
    // The settings S3-SERVER.md lists: the filesystem store (the in-memory one runs out of heap)
    // and ignore-unknown-headers (else CompleteMultipartUpload fails on x-amz-mp-object-size).
    Files.writeString(conf, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "s3proxy.ignore-unknown-headers=true",
        "jclouds.provider=filesystem",
        "jclouds.identity=ignored",
        "jclouds.credential=ignored",
        "jclouds.filesystem.basedir=" + data,
        ""));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(List.of(java.toString(), "-Xmx512m", "-jar",
            jar.toString(), "--properties", conf.toString()))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    S3ProxyServer server = new S3ProxyServer(process, directory, log, port);
    try {
      server.awaitReady();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** Settings for a storage on this server with the right keys; adjust further as needed. */
  public S3Config.Builder config(String bucket) {
    return S3Config.builder(bucket).endpoint(endpoint()).credentials(ACCESS_KEY, SECRET_KEY);
  }

  public void createBucket(String bucket) {
    try (S3AsyncClient client = S3AsyncClient.crtBuilder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint())
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build()) {
      client.createBucket(create -> create.bucket(bucket)).join();
    }
  }

  /** What the server printed so far. */
  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Stops the server process (by its own handle) and removes its files. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    deleteRecursively(directory);
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("S3Proxy exited with code " + process.exitValue()
            + " before it listened on port " + port + "; its output:\n" + output());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(Duration.ofMillis(100));
      }
    }
    throw new IOException("S3Proxy did not listen on port " + port + " within " + STARTUP_TIMEOUT
        + "; its output:\n" + output());
  }

  private static Path findJar() {
    String configured = System.getProperty("s3proxy.jar");
    if (configured != null && Files.isRegularFile(Path.of(configured))) {
      return Path.of(configured);
    }
    String repository = System.getProperty("maven.repo.local",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    Path fromRepository = Path.of(repository, "org", "gaul", "s3proxy", VERSION,
        "s3proxy-" + VERSION + "-jar-with-dependencies.jar");
    if (Files.isRegularFile(fromRepository)) {
      return fromRepository;
    }
    throw new IllegalStateException("S3Proxy jar not found at -Ds3proxy.jar=" + configured
        + " nor at " + fromRepository + "; run the io module's Maven build (it copies "
        + "org.gaul:s3proxy:" + VERSION + ":jar-with-dependencies to io/target/s3proxy/)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for S3Proxy", e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove S3Proxy's files in " + root, e);
    }
  }
}
