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
import java.util.stream.Stream;

/**
 * Empty staging directories, kept for reuse per target directory. Arrow's dataset writer only
 * writes into a directory that is empty, so each new data file gets one to itself; creating and
 * removing a directory per append cost more system time than writing a small file. A directory
 * handed out belongs to one writer until it comes back empty or is discarded.
 */
final class StagingDirectories {
  private final String prefix;
  private final Map<Path, Queue<Path>> idle = new ConcurrentHashMap<>();

  StagingDirectories(String prefix) {
    this.prefix = prefix;
  }

  /** An empty directory inside {@code parent}, which is created if missing. */
  Path take(Path parent) throws IOException {
    Queue<Path> queue = idle.get(parent);
    Path reused = queue == null ? null : queue.poll();
    while (reused != null) {
      if (Files.isDirectory(reused)) {
        return reused;
      }
      reused = queue.poll(); // removed from outside, for example with its table
    }
    Path fresh = parent.resolve(prefix + UUID.randomUUID());
    LocalStorage.withParentDirectories(fresh, () -> Files.createDirectory(fresh));
    return fresh;
  }

  /** Takes back a directory whose files were all moved out. */
  void giveBack(Path directory) {
    idle.computeIfAbsent(directory.getParent(), p -> new ConcurrentLinkedQueue<>()).add(directory);
  }

  /** Removes a directory that may still hold a partial file. */
  void discard(Path directory) {
    deleteTree(directory);
  }

  /** Removes every idle directory. */
  void clear() {
    idle.values().forEach(queue -> {
      for (Path directory = queue.poll(); directory != null; directory = queue.poll()) {
        deleteTree(directory);
      }
    });
  }

  private static void deleteTree(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (NoSuchFileException gone) {
      // nothing left to remove
    } catch (IOException | java.io.UncheckedIOException e) {
      // A leftover staging directory holds no committed data; orphan removal deletes its files.
    }
  }
}
