package dev.datashard.io.local;

import dev.datashard.io.LocalFile;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import dev.datashard.io.StoredObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Tables on a local (or locally mounted) file system. Commits publish with a hard link, which the
 * operating system refuses when the target exists: the local equivalent of {@code If-None-Match: *}.
 */
public final class LocalStorage implements Storage {
  private static final String TEMP_PREFIX = ".tmp-";

  private final Path baseDirectory;
  private final boolean fsync;

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
    Path given;
    try {
      given = location ? pathOf(tableName) : Path.of(tableName);
    } catch (java.nio.file.InvalidPathException e) {
      throw new StorageException(Kind.MISCONFIGURED,
          "table name '" + tableName + "' is not a valid path: " + e.getReason(), e);
    }
    // Locations too: normalizing one with '..' would quietly put the table somewhere else.
    for (Path part : given) {
      if (part.toString().equals("..")) {
        throw new StorageException(Kind.MISCONFIGURED, "table " + (location ? "location" : "name")
            + " '" + tableName + "' must not contain '..' segments");
      }
    }
    Path path = location ? given : baseDirectory.resolve(given);
    return locationOf(path.toAbsolutePath().normalize());
  }

  /**
   * The {@code file:} location of a local path, without a trailing slash. Not percent-encoded:
   * Iceberg's file IOs take what follows the scheme as the plain path (a space stays a space).
   */
  public static String locationOf(Path path) {
    return "file://" + path.toAbsolutePath().normalize();
  }

  /**
   * The local path of a {@code file:} location ({@code file:///tmp/t} or {@code file:/tmp/t}, as
   * Hadoop writes them), or of an absolute path without a scheme: Iceberg's file-system tables
   * created with a plain path name their metadata and data files that way.
   */
  public static Path pathOf(String location) {
    String path = location;
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
      if (path.startsWith("//")) {
        path = path.substring(2); // the empty authority of file:///
      }
    }
    if (!path.startsWith("/")) {
      throw new StorageException(Kind.MISCONFIGURED, "'" + location + "' is not a local file "
          + "location (expected file:///..., file:/... or an absolute path)");
    }
    return Path.of(path);
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
  public CompletableFuture<Void> writeAsync(String location, byte[] data) {
    Path target = pathOf(location);
    try {
      Path temp = writeTemp(target, data);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(translate(e, "write", location));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public boolean publish(String location, byte[] data) {
    Path target = pathOf(location);
    Path temp = null;
    try {
      temp = writeTemp(target, data);
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

  @Override
  public CompletableFuture<Void> putFile(Path stagedFile, String location) {
    Path target = pathOf(location);
    try {
      Files.createDirectories(target.getParent());
      if (fsync) {
        try (FileChannel channel = FileChannel.open(stagedFile, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
      }
      Files.move(stagedFile, target, StandardCopyOption.ATOMIC_MOVE);
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(translate(e, "move a new file to", location));
    }
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
      Files.createDirectories(parent);
      return Files.createDirectory(parent.resolve(TEMP_PREFIX + UUID.randomUUID()));
    } catch (IOException e) {
      throw translate(e, "create a staging directory in", locationOf(parent));
    }
  }

  @Override
  public List<StoredObject> list(String prefix) {
    Path root = pathOf(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<StoredObject> objects = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.isRegularFile()) {
          objects.add(new StoredObject(locationOf(file), attributes.size(),
              attributes.lastModifiedTime().toMillis()));
        }
      }
    } catch (IOException e) {
      throw translate(e, "list", prefix);
    }
    return objects;
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

  @Override
  public void close() {
    // Nothing pooled locally.
  }

  @Override
  public String toString() {
    return "LocalStorage[" + baseDirectory + "]";
  }

  private Path writeTemp(Path target, byte[] data) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID() + "-" + target.getFileName());
    try (FileChannel channel = FileChannel.open(temp,
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      if (fsync) {
        channel.force(true);
      }
    } catch (IOException e) {
      deleteQuietly(temp);
      throw e;
    }
    return temp;
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
