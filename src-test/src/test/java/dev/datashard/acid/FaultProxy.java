package dev.datashard.acid;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP-aware TCP proxy between S3 clients and an S3 server that injects network faults, at
 * configurable rates or on demand. It reads each request and answer whole (S3 requests here are
 * small), so it can break them at precise points:
 *
 * <ul>
 *   <li>latency before a request is passed on;</li>
 *   <li>a dropped connection: the request never reaches the server;</li>
 *   <li>a connection reset in the middle of the request body (the server sees half a request and
 *       applies nothing) or of the answer (the server applied the request, the client gets half
 *       an answer);</li>
 *   <li>a lost answer: the server applied the request, the connection is reset before any of its
 *       answer reaches the client (for commits, the conditional PUT of a metadata version, too, at
 *       its own rate or on demand);</li>
 *   <li>500 InternalError and 503 SlowDown answered by the proxy itself (nothing applied);</li>
 *   <li>an outage: every request answered 503 until {@link #heal()};</li>
 *   <li>a late commit: conditional PUTs of one metadata file are captured (the client sees a reset)
 *       and one of them reaches the server later, as a request stuck in the network would.</li>
 * </ul>
 *
 * Requests pass byte for byte, so their signatures stay valid.
 */
final class FaultProxy implements AutoCloseable {
  enum Fault {
    LATENCY, DROPPED_CONNECTION, RESET_IN_REQUEST_BODY, RESET_IN_ANSWER_BODY, LOST_ANSWER, HTTP_500, HTTP_503_SLOW_DOWN,
    LOST_COMMIT_ANSWER, OUTAGE_503, CAPTURED_COMMIT, LATE_COMMIT_DELIVERED
  }

  /** Probabilities per request (per commit PUT for {@code lostCommitAnswer}) and the latency bound. */
  record Rates(double drop, double resetInRequestBody, double resetInAnswerBody, double lostAnswer, double http500,
      double slowDown503, double lostCommitAnswer, int maxLatencyMillis) {
    static final Rates NONE = new Rates(0, 0, 0, 0, 0, 0, 0, 0);

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "dropped %.0f%%, reset in request body %.0f%%, reset in answer body %.0f%%, "
          + "lost answers %.0f%%, 500 %.0f%%, 503 SlowDown %.0f%% of requests; lost commit answers %.0f%% of commit PUTs; "
          + "latency 0-%d ms", drop * 100, resetInRequestBody * 100, resetInAnswerBody * 100, lostAnswer * 100, http500 * 100,
          slowDown503 * 100, lostCommitAnswer * 100, maxLatencyMillis);
    }
  }

  /** One HTTP message as read: its raw bytes, where its body starts, and the parts the proxy looks at. */
  private record Message(byte[] raw, int bodyStart, String startLine, Map<String, String> headers) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String method() {
      return startLine.substring(0, startLine.indexOf(' '));
    }

    String path() {
      String[] parts = startLine.split(" ");
      String target = parts.length > 1 ? parts[1] : "";
      int query = target.indexOf('?');
      return query < 0 ? target : target.substring(0, query);
    }

    int status() {
      String[] parts = startLine.split(" ");
      return Integer.parseInt(parts[1]);
    }

    /** The conditional PUT of a metadata version: a commit. */
    boolean isCommit() {
      return method().equals("PUT") && header("If-None-Match") != null && path().endsWith(".metadata.json");
    }

    String publishId() {
      return header("x-amz-meta-datashard-publish-id");
    }
  }

  private final ServerSocket listener;
  private final int targetPort;
  private final Random random;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger commits = new AtomicInteger();
  private final AtomicInteger commitAnswersToLose = new AtomicInteger();
  private volatile Rates rates = Rates.NONE;
  private volatile boolean outage;
  private volatile boolean outageAfterLostCommitAnswer;
  private volatile String captureSuffix;
  private final List<Message> captured = new ArrayList<>();
  private String capturedPublishId;
  private final List<Integer> lateCommitStatuses = new ArrayList<>();

  FaultProxy(int targetPort, long seed) throws IOException {
    this.targetPort = targetPort;
    this.random = new Random(seed);
    for (Fault fault : Fault.values()) {
      injected.put(fault, new AtomicInteger());
    }
    this.listener = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  void rates(Rates rates) {
    this.rates = rates;
  }

  /** Passes the next {@code count} commit PUTs to the server but never their answers to the client. */
  void loseNextCommitAnswers(int count) {
    commitAnswersToLose.set(count);
  }

  /** After the next lost commit answer, answers every request 503 until {@link #heal()}. */
  void outageAfterLostCommitAnswer() {
    outageAfterLostCommitAnswer = true;
  }

  void outage() {
    outage = true;
  }

  /** Ends an outage and stops every on-demand fault. */
  void heal() {
    outage = false;
    outageAfterLostCommitAnswer = false;
    commitAnswersToLose.set(0);
  }

  /**
   * Captures the conditional PUTs of the metadata file whose path ends with {@code suffix} (the
   * client sees its connection reset) until a PUT of it from another publish call comes: then one
   * captured PUT reaches the server first, late. {@link #deliverCapturedCommit()} does so on demand.
   */
  void captureCommitsTo(String suffix) {
    captureSuffix = suffix;
  }

  /** Sends one captured commit PUT to the server now; its HTTP status. */
  int deliverCapturedCommit() throws IOException {
    Message late;
    synchronized (captured) {
      captureSuffix = null;
      if (captured.isEmpty()) {
        throw new IllegalStateException("no commit PUT was captured");
      }
      late = captured.remove(0);
      captured.clear();
    }
    try (Socket server = connect()) {
      server.getOutputStream().write(late.raw());
      server.getOutputStream().flush();
      Message answer = read(new BufferedInputStream(server.getInputStream()), late.method());
      int status = answer == null ? -1 : answer.status();
      count(Fault.LATE_COMMIT_DELIVERED);
      synchronized (lateCommitStatuses) {
        lateCommitStatuses.add(status);
      }
      return status;
    }
  }

  List<Integer> lateCommitStatuses() {
    synchronized (lateCommitStatuses) {
      return List.copyOf(lateCommitStatuses);
    }
  }

  int injected(Fault fault) {
    return injected.get(fault).get();
  }

  /** Faults injected so far, by kind (kinds never injected left out). */
  Map<String, Integer> injected() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    injected.forEach((fault, count) -> {
      if (count.get() > 0) {
        counts.put(fault.name().toLowerCase(Locale.ROOT).replace('_', ' '), count.get());
      }
    });
    return counts;
  }

  int totalInjected() {
    return injected.entrySet().stream().filter(e -> e.getKey() != Fault.LATENCY)
        .mapToInt(e -> e.getValue().get()).sum();
  }

  int requests() {
    return requests.get();
  }

  int commitRequests() {
    return commits.get();
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
        sockets.add(client);
        Thread handler = new Thread(() -> handle(client), "fault-proxy-connection");
        handler.setDaemon(true);
        handler.start();
      } catch (IOException e) {
        // closed: the loop ends
      }
    }
  }

  private Socket connect() throws IOException {
    Socket server = new Socket();
    server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
    server.setTcpNoDelay(true);
    sockets.add(server);
    return server;
  }

  private boolean chance(double probability) {
    if (probability <= 0) {
      return false;
    }
    synchronized (random) {
      return random.nextDouble() < probability;
    }
  }

  private void count(Fault fault) {
    injected.get(fault).incrementAndGet();
  }

  private void handle(Socket client) {
    Socket server = null;
    InputStream fromServer = null;
    try {
      client.setTcpNoDelay(true);
      InputStream fromClient = new BufferedInputStream(client.getInputStream());
      OutputStream toClient = client.getOutputStream();
      while (true) {
        Message request = read(fromClient, null);
        if (request == null) {
          return;
        }
        requests.incrementAndGet();
        boolean commit = request.isCommit();
        if (commit) {
          commits.incrementAndGet();
        }
        Rates now = rates;
        if (now.maxLatencyMillis() > 0) {
          int delay;
          synchronized (random) {
            delay = random.nextInt(now.maxLatencyMillis() + 1);
          }
          count(Fault.LATENCY);
          Thread.sleep(delay);
        }
        if (outage) {
          count(Fault.OUTAGE_503);
          toClient.write(error(request, 503, "SlowDown", "Please reduce your request rate."));
          toClient.flush();
          continue;
        }
        if (commit && capture(request)) {
          reset(client);
          return;
        }
        if (chance(now.drop())) {
          count(Fault.DROPPED_CONNECTION);
          reset(client);
          return;
        }
        if (chance(now.http500())) {
          count(Fault.HTTP_500);
          toClient.write(error(request, 500, "InternalError", "We encountered an internal error. Please try again."));
          toClient.flush();
          continue;
        }
        if (chance(now.slowDown503())) {
          count(Fault.HTTP_503_SLOW_DOWN);
          toClient.write(error(request, 503, "SlowDown", "Please reduce your request rate."));
          toClient.flush();
          continue;
        }
        if (server == null || server.isClosed()) {
          server = connect();
          fromServer = new BufferedInputStream(server.getInputStream());
        }
        OutputStream toServer = server.getOutputStream();
        if (chance(now.resetInRequestBody())) {
          count(Fault.RESET_IN_REQUEST_BODY);
          toServer.write(request.raw(), 0, cutPoint(request));
          toServer.flush();
          reset(server);
          reset(client);
          return;
        }
        toServer.write(request.raw());
        toServer.flush();
        Message answer = read(fromServer, request.method());
        if (answer == null) {
          reset(client);
          return;
        }
        if (commit && (commitAnswersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || chance(now.lostCommitAnswer()))) {
          count(Fault.LOST_COMMIT_ANSWER);
          if (outageAfterLostCommitAnswer) {
            outage = true;
          }
          reset(client);
          return;
        }
        if (chance(now.lostAnswer())) {
          count(Fault.LOST_ANSWER);
          reset(client);
          return;
        }
        if (chance(now.resetInAnswerBody())) {
          count(Fault.RESET_IN_ANSWER_BODY);
          toClient.write(answer.raw(), 0, cutPoint(answer));
          toClient.flush();
          reset(client);
          return;
        }
        toClient.write(answer.raw());
        toClient.flush();
        if ("close".equalsIgnoreCase(answer.header("Connection"))) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // a side hung up (or the proxy closes): both connections end below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(client);
      if (server != null) {
        closeQuietly(server);
      }
    }
  }

  /** Whether the commit PUT is captured; delivers a captured one first when another publish call comes. */
  private boolean capture(Message request) throws IOException {
    boolean deliverFirst = false;
    synchronized (captured) {
      String suffix = captureSuffix;
      if (suffix == null || !request.path().endsWith(suffix)) {
        return false;
      }
      if (captured.isEmpty() || java.util.Objects.equals(request.publishId(), capturedPublishId)) {
        capturedPublishId = request.publishId();
        captured.add(request);
        count(Fault.CAPTURED_COMMIT);
        return true;
      }
      deliverFirst = true;
    }
    if (deliverFirst) {
      deliverCapturedCommit();
    }
    return false;
  }

  /** Where to cut a message "mid-body": half its body, or half its head when it has no body. */
  private static int cutPoint(Message message) {
    int body = message.raw().length - message.bodyStart();
    return body > 1 ? message.bodyStart() + body / 2 : Math.max(1, message.bodyStart() / 2);
  }

  private static byte[] error(Message request, int status, String code, String text) {
    String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + text
        + "</Message><Resource>" + request.path() + "</Resource><RequestId>fault-proxy</RequestId></Error>";
    boolean head = request.method().equals("HEAD");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String reason = status == 503 ? "Slow Down" : "Internal Server Error";
    String headers = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nx-amz-request-id: fault-proxy\r\n"
        + "Content-Length: " + (head ? 0 : bytes.length) + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(headers.getBytes(StandardCharsets.US_ASCII));
    if (!head) {
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  /**
   * Reads one HTTP/1.1 message: null at a clean end of stream before it. {@code requestMethod} is
   * null for a request, else the method of the request this answers (HEAD answers have no body).
   */
  private static Message read(InputStream in, String requestMethod) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (raw.size() == 0) {
          return null;
        }
        throw new EOFException("the stream ended inside an HTTP head");
      }
      raw.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    int bodyStart = raw.size();
    String head = raw.toString(StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    Message message = new Message(null, bodyStart, lines[0], headers);
    boolean answer = requestMethod != null;
    int status = answer ? message.status() : 0;
    if (answer && status == 100) {
      return read(in, requestMethod); // an interim answer: the real one follows
    }
    boolean noBody = answer && (requestMethod.equals("HEAD") || status == 204 || status == 304);
    String chunked = message.header("Transfer-Encoding");
    String length = message.header("Content-Length");
    if (noBody) {
      // nothing follows the head
    } else if (chunked != null && chunked.toLowerCase(Locale.ROOT).contains("chunked")) {
      while (true) {
        String sizeLine = readLine(in, raw);
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
          while (!readLine(in, raw).isEmpty()) {
            // trailers
          }
          break;
        }
        raw.write(in.readNBytes(size));
        readLine(in, raw);
      }
    } else if (length != null) {
      long n = Long.parseLong(length);
      byte[] body = in.readNBytes((int) n);
      if (body.length < n) {
        throw new EOFException("the stream ended inside an HTTP body");
      }
      raw.write(body);
    } else if (answer) {
      raw.write(in.readAllBytes()); // delimited by the end of the connection
    }
    return new Message(raw.toByteArray(), bodyStart, message.startLine(), headers);
  }

  private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
    StringBuilder line = new StringBuilder();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the stream ended inside a chunked body");
      }
      raw.write(b);
      if (previous == '\r' && b == '\n') {
        line.setLength(line.length() - 1);
        return line.toString();
      }
      line.append((char) b);
      previous = b;
    }
  }

  /** Closes with a TCP reset, as a crashed peer or middlebox would. */
  private void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // closing anyway
    }
    closeQuietly(socket);
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
