package dev.datashard.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Byte-level access to one store (a local directory tree or an S3 bucket), addressed by absolute
 * locations ({@code file:///...} or {@code s3://bucket/key}). Knows nothing of tables: the engine
 * builds its metadata tree on top of these few operations, as Iceberg's {@code FileIO} does.
 *
 * <p>Implementations are thread-safe and hold one connection pool each; create one per store and
 * reuse it.
 */
public interface Storage extends AutoCloseable {

  /** The location a table name resolves to: a path locally, {@code s3://bucket/prefix/name} on S3. */
  String tableLocation(String tableName);

  /** Reads a whole object; {@link StorageException.Kind#NOT_FOUND} when it does not exist. */
  default byte[] read(String location) {
    return StorageException.join(readAsync(location));
  }

  CompletableFuture<byte[]> readAsync(String location);

  /** Reads a whole object, or empty when it does not exist. */
  default Optional<byte[]> readIfExists(String location) {
    try {
      return Optional.of(read(location));
    } catch (StorageException e) {
      if (e.kind() == StorageException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Writes (or replaces) a whole object. Not atomic with respect to other writers. */
  default void write(String location, byte[] data) {
    StorageException.join(writeAsync(location, data));
  }

  CompletableFuture<Void> writeAsync(String location, byte[] data);

  /**
   * Atomically creates an object only if no object exists at that location: the commit primitive.
   * Exactly one of several racing callers gets {@code true}; the others get {@code false}.
   *
   * @throws AmbiguousWriteException when the store may or may not have taken the write (an
   *     answer lost on the network); the caller must read the location to find out
   */
  boolean publish(String location, byte[] data);

  /** Moves a finished local file (from {@link #stagingDirectory()}) to its final location. */
  CompletableFuture<Void> putFile(Path stagedFile, String location);

  /** Makes an object readable as a local file; the handle removes any temporary copy on close. */
  CompletableFuture<LocalFile> fetch(String location);

  /** A fresh empty local directory for writing files that {@link #putFile} will publish. */
  Path stagingDirectory(String targetLocation);

  /** Every object whose location starts with {@code prefix}, in no particular order. */
  List<StoredObject> list(String prefix);

  boolean exists(String location);

  /** Deletes an object; deleting a missing object is not an error. */
  void delete(String location);

  /** Waits for background work (such as pending uploads) and releases clients and pools. */
  @Override
  void close();
}
