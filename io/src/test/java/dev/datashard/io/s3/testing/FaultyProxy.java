package dev.datashard.io.s3.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of an S3 server that breaks things on request: it can cut connections at
 * the moment the server answers (the server has applied the request, the client never hears of
 * it), or answer 200 instead of every 412 (a store that ignores {@code If-None-Match}). Requests
 * pass unchanged, so their signatures stay valid.
 */
public final class FaultyProxy implements AutoCloseable {
  private static final String STATUS_412 = "HTTP/1.1 412 ";
  private static final byte[] FAKE_SUCCESS = ("HTTP/1.1 200 OK\r\nETag: \"ignored\"\r\n"
      + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket listener;
  private final int targetPort;
  private final AtomicInteger answersToDrop = new AtomicInteger();
  private final AtomicInteger droppedAnswers = new AtomicInteger();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean ignoreConditions;

  public FaultyProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "faulty-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Cuts the connection instead of passing on each of the next {@code count} answers. */
  public void dropAnswers(int count) {
    answersToDrop.set(count);
  }

  /** How many answers were cut so far. */
  public int droppedAnswers() {
    return droppedAnswers.get();
  }

  /** Answers 200 OK instead of 412 Precondition Failed, as a store ignoring conditions would. */
  public void ignoreConditions(boolean ignore) {
    ignoreConditions = ignore;
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        sockets.add(client);
        sockets.add(server);
        pump(client, server, false);
        pump(server, client, true);
      } catch (IOException e) {
        if (!listener.isClosed()) {
          throw new IllegalStateException("faulty proxy cannot accept", e);
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean answers) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          if (answers && answersToDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            droppedAnswers.incrementAndGet();
            break;
          }
          if (answers && ignoreConditions && isPreconditionFailed(buffer, read)) {
            // Answer as a store that ignored the condition: a bare success, then hang up so
            // that the rest of the real answer (its error body) never reaches the client.
            out.write(FAKE_SUCCESS);
            out.flush();
            break;
          }
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException closed) {
        // either side hung up: close both below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "faulty-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static boolean isPreconditionFailed(byte[] buffer, int length) {
    return new String(buffer, 0, length, StandardCharsets.ISO_8859_1).startsWith(STATUS_412);
  }

  private void closeQuietly(Socket socket) {
    sockets.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
