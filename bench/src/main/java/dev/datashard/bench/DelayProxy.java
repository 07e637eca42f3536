package dev.datashard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * A TCP forwarder on loopback that holds every byte going from the client to the server for a
 * fixed time before passing it on (answers pass at once): each request reaches the server
 * {@code delayMillis} late, as over a network with that round trip, without limiting bandwidth.
 */
public final class DelayProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final long delayNanos;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  public DelayProxy(int targetPort, long delayMillis) throws IOException {
    this.targetPort = targetPort;
    this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    daemon(this::accept, "delay-proxy-accept");
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        DelayQueue<Chunk> queue = new DelayQueue<>();
        daemon(() -> readDelayed(client, queue), "delay-proxy-in");
        daemon(() -> writeDelayed(queue, server, client), "delay-proxy-out");
        daemon(() -> copy(server, client), "delay-proxy-back");
      } catch (IOException e) {
        return;
      }
    }
  }

  private record Chunk(long due, byte[] bytes) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(due, ((Chunk) other).due);
    }
  }

  private void readDelayed(Socket client, DelayQueue<Chunk> queue) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = client.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        queue.put(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
      }
    } catch (IOException ignored) {
      // connection gone
    }
    queue.put(new Chunk(System.nanoTime() + delayNanos, null));
  }

  private void writeDelayed(DelayQueue<Chunk> queue, Socket server, Socket client) {
    try (OutputStream out = server.getOutputStream()) {
      while (true) {
        Chunk chunk = queue.take();
        if (chunk.bytes() == null) {
          server.shutdownOutput();
          return;
        }
        out.write(chunk.bytes());
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
      closeQuietly(server);
    }
  }

  private void copy(Socket server, Socket client) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // connection gone
    } finally {
      closeQuietly(client);
      closeQuietly(server);
    }
  }

  private static void daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }
}
