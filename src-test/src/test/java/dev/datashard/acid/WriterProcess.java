package dev.datashard.acid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The test's handle on one {@link AcidWriter} process: starts it in its own JVM, follows its
 * reports and sends it commands. Every process started is killed by {@link #close()}.
 */
final class WriterProcess implements AutoCloseable {
  /** A commit the writer reported as returned: it must be in the table from now on. */
  record Ack(String writer, long seq, long snapshotId, int attempts, long micros, long atNanos) {}

  /** A commit that threw: the exception's simple class name and message. */
  record Failure(String writer, long seq, String type, String message) {}

  /** The writer stopped at an armed step of commit {@code seq}. */
  record Pause(long seq, String phase, long atNanos) {}

  private final String writer;
  private final Process process;
  private final Path stderr;
  private final Path tmp;
  private final OutputStream stdin;
  private final List<Ack> acks = new ArrayList<>();
  private final List<Failure> failures = new ArrayList<>();
  private final List<Failure> retries = new ArrayList<>();
  private final List<String> otherLines = new ArrayList<>();
  private Pause pause;
  private boolean ready;
  private boolean done;
  private boolean outputClosed;

  private WriterProcess(String writer, Process process, Path stderr, Path tmp) {
    this.writer = writer;
    this.process = process;
    this.stderr = stderr;
    this.tmp = tmp;
    this.stdin = process.getOutputStream();
    Thread reader = new Thread(this::follow, "follow-" + writer);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code AcidWriter table writer commits rows extraArgs...} with {@code env} on top of a
   * clean environment; the JVM's temporary files go to {@code workDir}, so even a killed writer
   * leaves nothing behind outside it.
   */
  static WriterProcess start(Path workDir, Map<String, String> env, String table, String writer,
      int commits, int rows, String... extraArgs) {
    try {
      Path tmp = Files.createDirectories(workDir.resolve("tmp-" + writer));
      // java.class.path works even when surefire runs tests from a manifest-only jar: that jar's
      // Class-Path names every entry by absolute URL, so the writer JVM sees the same classes.
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
          "-Djava.io.tmpdir=" + tmp,
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-cp", System.getProperty("java.class.path"),
          AcidWriter.class.getName(), table, writer, Integer.toString(commits), Integer.toString(rows)));
      command.addAll(List.of(extraArgs));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().keySet().removeIf(k -> k.startsWith("DATASHARD_"));
      builder.environment().putAll(env);
      Path stderr = workDir.resolve(writer + ".stderr");
      builder.redirectError(stderr.toFile());
      return new WriterProcess(writer, builder.start(), stderr, tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start writer " + writer, e);
    }
  }

  String writer() {
    return writer;
  }

  long pid() {
    return process.pid();
  }

  private void follow() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        String[] w = line.split(" ", 5);
        synchronized (this) {
          switch (w[0]) {
            case "READY" -> ready = true;
            case "ACK" -> {
              String[] a = line.split(" ");
              acks.add(new Ack(a[1], Long.parseLong(a[2]), Long.parseLong(a[3]), Integer.parseInt(a[4]),
                  Long.parseLong(a[5]), System.nanoTime()));
            }
            case "FAIL" -> failures.add(new Failure(w[1], Long.parseLong(w[2]), w[3], w.length > 4 ? w[4] : ""));
            case "RETRY" -> retries.add(new Failure(w[1], Long.parseLong(w[2]), w[3], w.length > 4 ? w[4] : ""));
            case "PAUSED" -> pause = new Pause(Long.parseLong(w[2]), w[3], System.nanoTime());
            case "DONE" -> done = true;
            default -> otherLines.add(line);
          }
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process died: its output ends here
    }
    synchronized (this) {
      outputClosed = true;
      notifyAll();
    }
  }

  /** Waits until the writer is ready to commit (warmed up, table loaded). */
  synchronized void awaitReady(Duration timeout) throws InterruptedException {
    awaitState(() -> ready, timeout, "ready");
  }

  /** Waits until the writer stopped at the armed step; the pause it reported. */
  synchronized Pause awaitPause(Duration timeout) throws InterruptedException {
    awaitState(() -> pause != null, timeout, "paused at the armed step");
    return pause;
  }

  /** Waits until at least {@code count} commits were answered (acknowledged or failed). */
  synchronized void awaitAnswers(int count, Duration timeout) throws InterruptedException {
    awaitState(() -> acks.size() + failures.size() >= count, timeout, count + " answered commits");
  }

  /** Waits until at least {@code count} commits are acknowledged. */
  synchronized void awaitAcks(int count, Duration timeout) throws InterruptedException {
    awaitState(() -> acks.size() >= count, timeout, count + " acknowledged commits");
  }

  private void awaitState(java.util.function.BooleanSupplier state, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!state.getAsBoolean()) {
      if (outputClosed) {
        throw new AssertionError("writer " + writer + " ended before it was " + what + " (exit "
            + exitDescription() + "); " + diagnostics());
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("writer " + writer + " was not " + what + " within " + timeout + "; "
            + diagnostics());
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  void go() {
    send("GO");
  }

  void stop() {
    send("STOP");
  }

  /** Stops the writer at {@code phase} of commit {@code fromSeq} or a later one. */
  void pauseAt(PhaseStorage.Phase phase, long fromSeq) {
    send("PAUSE " + phase.label() + " " + fromSeq);
  }

  private void send(String command) {
    try {
      stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot send " + command + " to writer " + writer + "; " + diagnostics(), e);
    }
  }

  /**
   * SIGKILL: the writer gets no chance to clean anything up. Afterwards its JVM's temporary files
   * (among them a 76 MB copy of Arrow's native library) are removed, or kills would pile them up.
   */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("writer " + writer + " (pid " + process.pid() + ") survived SIGKILL");
    }
    awaitOutputEnd();
    try (java.util.stream.Stream<Path> files = Files.walk(tmp)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // left for the test's temporary directory to remove
    }
  }

  /** Waits for a writer told to stop (or done) to exit; its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("writer " + writer + " did not exit within " + timeout + "; " + diagnostics());
    }
    awaitOutputEnd();
    return process.exitValue();
  }

  private synchronized void awaitOutputEnd() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!outputClosed && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.timedWait(this, 100);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  synchronized boolean isDone() {
    return done;
  }

  synchronized List<Ack> acks() {
    return List.copyOf(acks);
  }

  synchronized int ackCount() {
    return acks.size();
  }

  /** The failed tries an idempotent writer retried. */
  synchronized List<Failure> retries() {
    return List.copyOf(retries);
  }

  synchronized List<Failure> failures() {
    return List.copyOf(failures);
  }

  synchronized Optional<Pause> pause() {
    return Optional.ofNullable(pause);
  }

  /** The highest acknowledged seq, or -1. */
  synchronized long lastAckedSeq() {
    return acks.isEmpty() ? -1 : acks.get(acks.size() - 1).seq();
  }

  private String exitDescription() {
    return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
  }

  /** What the writer said besides the protocol, and the end of its stderr. */
  synchronized String diagnostics() {
    String err;
    try {
      err = Files.exists(stderr) ? Files.readString(stderr) : "";
    } catch (IOException e) {
      err = "(cannot read " + stderr + ")";
    }
    if (err.length() > 4000) {
      err = "..." + err.substring(err.length() - 4000);
    }
    return "other output " + otherLines + ", stderr:\n" + err;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      stdin.close();
    } catch (IOException ignored) {
      // the process is gone
    }
  }
}
