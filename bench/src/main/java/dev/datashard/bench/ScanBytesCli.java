package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.s3.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Issue #13's CLI check: fills the five-column table on S3Proxy ({@code FILES ROWS_PER_FILE
 * BATCHES_PER_FILE}, as {@link ScanBytes}), then runs {@code bin/datashard scan TABLE --columns
 * user_id --limit 10} in its own process with {@code DATASHARD_STORAGE_TYPE=s3} and the {@code
 * DATASHARD_S3_*} variables, its endpoint a counting TCP forwarder: GET requests (request lines
 * seen from the client) and bytes answered (HTTP headers included).
 *
 * <p>Usage: {@code ScanBytesCli REPO_ROOT [FILES [ROWS_PER_FILE [BATCHES_PER_FILE]]]}.
 */
public final class ScanBytesCli {
  private ScanBytesCli() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int rowsPerFile = args.length > 2 ? Integer.parseInt(args[2]) : 15_000;
    int batchesPerFile = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    try (S3ProxyServer server = S3ProxyServer.start(); BufferAllocator allocator = new RootAllocator()) {
      server.createBucket("bench");
      try (DataShard shard = DataShard.open(StorageConfig.s3(server.config("bench").build()), allocator)) {
        ScanBytes.fill(shard, allocator, "wide", files, rowsPerFile, batchesPerFile);
      }
      try (Counter counter = new Counter(server.port())) {
        ProcessBuilder cli = new ProcessBuilder(List.of(root.resolve("bin/datashard").toString(), "scan", "wide",
            "--columns", "user_id", "--limit", "10")).redirectErrorStream(true);
        Map<String, String> env = cli.environment();
        env.put("DATASHARD_STORAGE_TYPE", "s3");
        env.put("DATASHARD_S3_BUCKET", "bench");
        env.put("DATASHARD_S3_ENDPOINT", "http://127.0.0.1:" + counter.port());
        env.put("DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
        env.put("DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY);
        env.put("DATASHARD_S3_REGION", "us-east-1");
        long start = System.nanoTime();
        Process process = cli.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.print(output);
        System.out.printf("RESULT CLI scan wide --columns user_id --limit 10: exit %d, %.2f s wall (JVM start "
                + "included), %d output lines; %d connections, %d GET requests, %d bytes answered (headers included); "
                + "load %s%n", exit, seconds, output.lines().count(), counter.connections.get(), counter.gets.get(),
            counter.answered.get(), ScanBytes.load());
      }
    }
  }

  /** A loopback TCP forwarder counting request lines starting with GET and the bytes answered. */
  static final class Counter implements AutoCloseable {
    final ServerSocket listener;
    final int target;
    final AtomicLong connections = new AtomicLong();
    final AtomicLong gets = new AtomicLong();
    final AtomicLong answered = new AtomicLong();

    Counter(int target) throws IOException {
      this.target = target;
      this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      daemon(this::accept);
    }

    int port() {
      return listener.getLocalPort();
    }

    private void accept() {
      while (!listener.isClosed()) {
        try {
          Socket client = listener.accept();
          Socket server = new Socket();
          server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
          connections.incrementAndGet();
          daemon(() -> copy(client, server, true));
          daemon(() -> copy(server, client, false));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void copy(Socket from, Socket to, boolean requests) {
      byte[] buffer = new byte[64 * 1024];
      // A scan sends no request bodies: every "GET " after a line break (or at the start) is a request line.
      byte[] last = {'\n'};
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (requests) {
            String text = new String(last, StandardCharsets.ISO_8859_1) + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            int at = -1;
            while ((at = text.indexOf("\nGET ", at + 1)) >= 0) {
              gets.incrementAndGet();
            }
            last = text.substring(Math.max(0, text.length() - 4)).getBytes(StandardCharsets.ISO_8859_1);
          } else {
            answered.addAndGet(n);
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // connection gone
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // closed
        }
      }
    }

    private static void daemon(Runnable task) {
      Thread thread = new Thread(task, "counting-proxy");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
