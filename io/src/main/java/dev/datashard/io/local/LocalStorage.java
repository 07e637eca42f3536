package dev.datashard.io.local;

import dev.datashard.io.LocalFile;
import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import dev.datashard.io.StoredObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Tables on a local (or locally mounted) file system. Commits publish with a hard link, which the
 * operating system refuses when the target exists: the local equivalent of {@code If-None-Match: *}.
 */
public final class LocalStorage implements Storage {
  private static final String TEMP_PREFIX = ".tmp-";

  private final Path baseDirectory;
  private final boolean fsync;
  private final StagingDirectories stagingDirectories = new StagingDirectories(TEMP_PREFIX);
  private final ExecutorService ioThreads = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "datashard-local-io");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * @param baseDirectory relative table names resolve against it
   * @param fsync force file contents to disk before they become visible (survives power loss, costs
   *     a disk flush per file)
   */
  public LocalStorage(Path baseDirectory, boolean fsync) {
    this.baseDirectory = baseDirectory.toAbsolutePath().normalize();
    this.fsync = fsync;
  }

  public Path baseDirectory() {
    return baseDirectory;
  }

  @Override
  public String tableLocation(String tableName) {
    if (tableName == null || tableName.isBlank()) {
      throw new StorageException(Kind.MISCONFIGURED, "a table name must not be empty");
    }
    boolean location = tableName.startsWith("file:");
    // Locations too, checked before parsing normalises them: '..' would quietly put the table somewhere else.
    for (String part : tableName.split("/")) {
      if (part.equals("..")) {
        throw new StorageException(Kind.MISCONFIGURED, "table " + (location ? "location" : "name")
            + " '" + tableName + "' must not contain '..' segments");
      }
    }
    Path path;
    try {
      path = location ? pathOf(tableName) : baseDirectory.resolve(Path.of(tableName));
    } catch (java.nio.file.InvalidPathException e) {
      throw new StorageException(Kind.MISCONFIGURED,
          "table name '" + tableName + "' is not a valid path: " + e.getReason(), e);
    }
    return locationOf(path.toAbsolutePath().normalize());
  }

  /** The canonical {@code file:} location of a local path (see {@link Location}). */
  public static String locationOf(Path path) {
    return Location.of(path).toString();
  }

  /**
   * The local path of a {@code file:} location ({@code file:///tmp/t} or {@code file:/tmp/t}, as
   * Hadoop writes them), or of an absolute path without a scheme: Iceberg's file-system tables
   * created with a plain path name their metadata and data files that way.
   */
  public static Path pathOf(String location) {
    Location parsed = Location.of(location);
    if (!parsed.isLocal()) {
      throw new StorageException(Kind.MISCONFIGURED, "'" + location + "' is not a local file "
          + "location (expected file:///..., file:/... or an absolute path)");
    }
    return parsed.localPath();
  }

  @Override
  public CompletableFuture<byte[]> readAsync(String location) {
    try {
      return CompletableFuture.completedFuture(Files.readAllBytes(pathOf(location)));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(translate(e, "read", location));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<byte[]> readRangeAsync(String location, long offset, int length) {
    try (FileChannel channel = FileChannel.open(pathOf(location), StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, Math.min(length, channel.size() - offset)));
      while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
        // positional reads until the range is full
      }
      return CompletableFuture.completedFuture(buffer.array());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(translate(e, "read", location));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Written in place, without a temporary file and rename: the objects written this way have
   * unique names nobody reads before the write completes.
   */
  @Override
  public CompletableFuture<Void> writeAsync(String location, byte[] data) {
    return run("write", location, fsync, target -> withParentDirectories(target,
        () -> writeFile(target, data, fsync, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)));
  }

  /**
   * A temporary file renamed over the target (so Iceberg's readers never see a torn hint naming a
   * version that does not exist), never forced.
   */
  @Override
  public CompletableFuture<Void> replaceAsync(String location, byte[] data) {
    return run("write", location, false, target -> {
      Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID() + "-" + target.getFileName());
      withParentDirectories(temp, () -> writeFile(temp, data, false, StandardOpenOption.CREATE_NEW));
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        deleteQuietly(temp);
        throw e;
      }
    });
  }

  @Override
  public boolean publish(String location, byte[] data) {
    return publish(location, data, CompletableFuture.completedFuture(null));
  }

  /**
   * Writes (and forces) the new content to a temporary file while the prerequisites complete, so
   * its flush overlaps theirs; then links it to the target, which the file system refuses if the
   * target exists.
   */
  @Override
  public boolean publish(String location, byte[] data, CompletableFuture<?> prerequisites) {
    Path target = pathOf(location);
    Path temp = null;
    try {
      Path tempFile = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID() + "-" + target.getFileName());
      withParentDirectories(tempFile, () -> writeFile(tempFile, data, fsync, StandardOpenOption.CREATE_NEW));
      temp = tempFile;
      StorageException.join(prerequisites);
      Files.createLink(target, temp);
      if (fsync) {
        syncDirectory(target.getParent());
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw translate(e, "publish", location);
    } finally {
      if (temp != null) {
        deleteQuietly(temp);
      }
    }
  }

  /** Moves the file by a rename and hands its emptied staging directory to the next writer. */
  @Override
  public CompletableFuture<Void> putFile(Path stagedFile, String location) {
    Path staging = stagedFile.getParent();
    return run("move a new file to", location, fsync, target -> {
      if (fsync) {
        try (FileChannel channel = FileChannel.open(stagedFile, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
      }
      withParentDirectories(target, () -> Files.move(stagedFile, target, StandardCopyOption.ATOMIC_MOVE));
      if (fsync) {
        // The new name must survive a crash too; not every file system orders it before the commit.
        syncDirectory(target.getParent());
      }
    }).whenComplete((moved, failure) -> {
      if (failure == null) {
        stagingDirectories.giveBack(staging);
      } else {
        stagingDirectories.discard(staging);
      }
    });
  }

  @Override
  public CompletableFuture<LocalFile> fetch(String location) {
    Path path;
    try {
      path = pathOf(location);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!Files.isRegularFile(path)) {
      return CompletableFuture.failedFuture(
          new StorageException(Kind.NOT_FOUND, "file not found: " + location));
    }
    return CompletableFuture.completedFuture(LocalFile.original(path));
  }

  @Override
  public Path stagingDirectory(String targetLocation) {
    // Beside the target, so the final move is a rename on the same file system.
    Path parent = pathOf(targetLocation).getParent();
    try {
      return stagingDirectories.take(parent);
    } catch (IOException e) {
      throw translate(e, "create a staging directory in", locationOf(parent));
    }
  }

  /** Files that vanish while the tree is walked (a writer's temporary file renamed) are left out. */
  @Override
  public List<StoredObject> list(String prefix) {
    Path root = pathOf(prefix);
    List<StoredObject> objects = new ArrayList<>();
    walk(root, "list", prefix, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        if (attributes.isRegularFile()) {
          objects.add(new StoredObject(locationOf(file), attributes.size(), attributes.lastModifiedTime().toMillis()));
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return objects;
  }

  /**
   * Staging directories older than the time whose files are all as old: a killed writer's (its
   * partial files are orphans, removed with it), or a live one's idle longer than that.
   */
  @Override
  public List<String> removeAbandonedDirectories(String prefix, long olderThanMillis, boolean dryRun) {
    List<String> removed = new ArrayList<>();
    walk(pathOf(prefix), "clean up", prefix, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
        if (!directory.getFileName().toString().startsWith(TEMP_PREFIX)) {
          return FileVisitResult.CONTINUE;
        }
        if (attributes.lastModifiedTime().toMillis() < olderThanMillis && allOlder(directory, olderThanMillis)) {
          if (!dryRun) {
            StagingDirectories.deleteTree(directory);
          }
          removed.add(locationOf(directory));
        }
        return FileVisitResult.SKIP_SUBTREE;
      }
    });
    return removed;
  }

  private static boolean allOlder(Path directory, long olderThanMillis) throws IOException {
    try (Stream<Path> entries = Files.walk(directory)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        if (Files.getLastModifiedTime(entry).toMillis() >= olderThanMillis) {
          return false;
        }
      }
      return true;
    } catch (NoSuchFileException | java.io.UncheckedIOException e) {
      return false; // changing under us: a writer is using it
    }
  }

  /** Walks a tree, passing over what disappears during the walk: other writers work meanwhile. */
  private static void walk(Path root, String action, String prefix, SimpleFileVisitor<Path> visitor) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
          return visitor.preVisitDirectory(directory, attributes);
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
          return visitor.visitFile(file, attributes);
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
          if (failure instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw failure;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
          if (failure instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          if (failure != null) {
            throw failure;
          }
          try {
            return visitor.postVisitDirectory(directory, null);
          } catch (NoSuchFileException gone) {
            return FileVisitResult.CONTINUE;
          }
        }
      });
    } catch (IOException e) {
      throw translate(e, action, prefix);
    }
  }

  /** Follows symbolic links as far as the path exists: a referenced file may be gone, its directory not. */
  @Override
  public Location canonical(Location location) {
    if (!location.isLocal()) {
      return location;
    }
    Path path = location.localPath();
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return location;
    }
    try {
      return Location.of(existing.toRealPath().resolve(existing.relativize(path)));
    } catch (IOException e) {
      return location; // vanished meanwhile: compared as written
    }
  }

  @Override
  public boolean exists(String location) {
    return Files.exists(pathOf(location));
  }

  @Override
  public void delete(String location) {
    try {
      Files.deleteIfExists(pathOf(location));
    } catch (IOException e) {
      throw translate(e, "delete", location);
    }
  }

  /** Lets running writes finish, then removes the staging directories kept for reuse. */
  @Override
  public void close() {
    ioThreads.shutdown();
    try {
      ioThreads.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stagingDirectories.close();
  }

  @Override
  public String toString() {
    return "LocalStorage[" + baseDirectory + "]";
  }

  /** A write to one local path. */
  @FunctionalInterface
  private interface PathAction {
    void run(Path target) throws IOException;
  }

  /**
   * Runs a write in the caller, or on the I/O threads when {@code inBackground}: forced writes go
   * there, so the flushes of a commit's data file, manifest and manifest list overlap each other
   * and the encoding of the next file; unforced ones are cheaper than the hand-off.
   */
  private CompletableFuture<Void> run(String action, String location, boolean inBackground, PathAction write) {
    Path target;
    try {
      target = pathOf(location);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!inBackground) {
      try {
        write.run(target);
        return CompletableFuture.completedFuture(null);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(translate(e, action, location));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    try {
      return CompletableFuture.runAsync(() -> {
        try {
          write.run(target);
        } catch (IOException e) {
          throw translate(e, action, location);
        }
      }, ioThreads);
    } catch (RejectedExecutionException closed) {
      return CompletableFuture.failedFuture(new StorageException(Kind.MISCONFIGURED,
          "cannot " + action + " " + location + ": the store is closed", closed));
    }
  }

  /** A file system action that fails with {@link NoSuchFileException} while a parent is missing. */
  @FunctionalInterface
  interface FileAction {
    void run() throws IOException;
  }

  /**
   * Runs {@code action}, creating the parent directories of {@code path} and trying once more if
   * one was missing: checking them before every write would cost system calls on each commit.
   */
  static void withParentDirectories(Path path, FileAction action) throws IOException {
    try {
      action.run();
    } catch (NoSuchFileException e) {
      // Even if another thread created it meanwhile: the second failure, if any, is the real one.
      Files.createDirectories(path.getParent());
      action.run();
    }
  }

  /** Writes {@code data} from the start of the file, then cuts off anything left beyond it. */
  private static void writeFile(Path file, byte[] data, boolean force, StandardOpenOption... options)
      throws IOException {
    boolean created = false;
    try (FileChannel channel = FileChannel.open(file, withWrite(options))) {
      created = true;
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(data);
      long position = 0;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      channel.truncate(data.length);
      if (force) {
        channel.force(true);
      }
    } catch (IOException e) {
      if (created && List.of(options).contains(StandardOpenOption.CREATE_NEW)) {
        deleteQuietly(file);
      }
      throw e;
    }
  }

  private static java.util.Set<StandardOpenOption> withWrite(StandardOpenOption... options) {
    java.util.Set<StandardOpenOption> all = java.util.EnumSet.of(StandardOpenOption.WRITE);
    all.addAll(List.of(options));
    return all;
  }

  private static void syncDirectory(Path directory) {
    // Makes the new directory entry durable; some file systems refuse to open a directory: then
    // the entry is as durable as that file system makes it.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException ignored) {
      // best effort by design, see above
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a leftover temp file is harmless: nothing references it
    }
  }

  private static StorageException translate(IOException e, String action, String location) {
    if (e instanceof NoSuchFileException) {
      return new StorageException(Kind.NOT_FOUND, "file not found: " + location, e);
    }
    if (e instanceof AccessDeniedException) {
      return new StorageException(Kind.ACCESS_DENIED,
          "permission denied: cannot " + action + " " + location, e);
    }
    if (e instanceof FileAlreadyExistsException) {
      return new StorageException(Kind.ALREADY_EXISTS, "already exists: " + location, e);
    }
    return new StorageException(Kind.IO,
        "cannot " + action + " " + location + ": " + e.getMessage(), e);
  }
}
