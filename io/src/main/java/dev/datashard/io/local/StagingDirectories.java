package dev.datashard.io.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Empty staging directories, kept for reuse per target directory. Arrow's dataset writer only
 * writes into a directory that is empty, so each new data file gets one to itself; creating and
 * removing a directory per append cost more system time than writing a small file. A directory
 * handed out belongs to one writer until it comes back empty or is discarded.
 */
final class StagingDirectories {
  /** Enough for every writer thread of a busy process; beyond it directories are removed. */
  private static final int MAX_IDLE = 64;

  private final String prefix;
  private final Map<Path, Queue<Path>> idle = new ConcurrentHashMap<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private volatile boolean closed;

  StagingDirectories(String prefix) {
    this.prefix = prefix;
  }

  /** An empty directory inside {@code parent}, which is created if missing. */
  Path take(Path parent) throws IOException {
    Queue<Path> queue = idle.get(parent);
    for (Path reused = poll(queue); reused != null; reused = poll(queue)) {
      if (Files.isDirectory(reused)) { // unless removed from outside, with its table for example
        return reused;
      }
    }
    Path fresh = parent.resolve(prefix + UUID.randomUUID());
    LocalStorage.withParentDirectories(fresh, () -> Files.createDirectory(fresh));
    return fresh;
  }

  /** Takes back a directory whose files were all moved out; removes it once the store is closed. */
  void giveBack(Path directory) {
    if (closed) {
      deleteTree(directory);
      return;
    }
    if (idleCount.incrementAndGet() > MAX_IDLE) {
      idleCount.decrementAndGet();
      deleteTree(directory);
      return;
    }
    idle.computeIfAbsent(directory.getParent(), p -> new ConcurrentLinkedQueue<>()).add(directory);
    if (closed) {
      close(); // closed meanwhile: the clean-up may have missed this one
    }
  }

  private Path poll(Queue<Path> queue) {
    Path directory = queue == null ? null : queue.poll();
    if (directory != null) {
      idleCount.decrementAndGet();
    }
    return directory;
  }

  /** Removes a directory that may still hold a partial file. */
  void discard(Path directory) {
    deleteTree(directory);
  }

  /** Removes every idle directory, and from now on every directory given back. */
  void close() {
    closed = true;
    idle.values().forEach(queue -> {
      for (Path directory = poll(queue); directory != null; directory = poll(queue)) {
        deleteTree(directory);
      }
    });
  }

  static void deleteTree(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (NoSuchFileException gone) {
      // nothing left to remove
    } catch (IOException | java.io.UncheckedIOException e) {
      // A leftover staging directory holds no committed data; orphan removal deletes its files.
    }
  }
}
