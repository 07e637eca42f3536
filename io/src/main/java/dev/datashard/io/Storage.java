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

  /**
   * Reads {@code length} bytes from {@code offset} of an object (on S3 a ranged GET); fewer only
   * where the object ends first. {@link StorageException.Kind#NOT_FOUND} when it does not exist.
   */
  CompletableFuture<byte[]> readRangeAsync(String location, long offset, int length);

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

  /**
   * Writes a whole new object under a name only this writer uses (a manifest, a manifest list):
   * readers must not look at it before the write completes, and may see a partial object if the
   * writer dies.
   */
  default void write(String location, byte[] data) {
    StorageException.join(writeAsync(location, data));
  }

  /** {@link #write}, completing when the object is stored (durably, where the store is set to). */
  CompletableFuture<Void> writeAsync(String location, byte[] data);

  /**
   * Atomically replaces a small object's content: readers see the old content or the new, never a
   * mix. Not flushed to disk as other writes are: for content whose loss in a crash is harmless (a
   * version hint, a retired metadata version).
   */
  default CompletableFuture<Void> replaceAsync(String location, byte[] data) {
    return writeAsync(location, data);
  }

  /**
   * Atomically creates an object only if no object exists at that location: the commit primitive.
   * Exactly one of several racing callers gets {@code true}; the others get {@code false}.
   *
   * @throws AmbiguousWriteException when the store may or may not have taken the write (an
   *     answer lost on the network); the caller must read the location to find out
   */
  boolean publish(String location, byte[] data);

  /**
   * {@link #publish(String, byte[])} once {@code prerequisites} (the writes the new object refers
   * to) have completed. Publishes nothing when one of them failed, and throws its failure. A store
   * may prepare the object while they run.
   */
  default boolean publish(String location, byte[] data, CompletableFuture<?> prerequisites) {
    StorageException.join(prerequisites);
    return publish(location, data);
  }

  /**
   * Moves a finished local file (the only file in a directory from {@link #stagingDirectory}) to
   * its final location. The staging directory belongs to the store from then on, whether the move
   * succeeds or fails: it is removed or reused, never by the caller.
   */
  CompletableFuture<Void> putFile(Path stagedFile, String location);

  /** Makes an object readable as a local file; the handle removes any temporary copy on close. */
  CompletableFuture<LocalFile> fetch(String location);

  /**
   * An empty local directory for writing one file that {@link #putFile} will publish. A caller
   * that does not publish it deletes the directory.
   */
  Path stagingDirectory(String targetLocation);

  /** Every object whose location starts with {@code prefix}, in no particular order. */
  List<StoredObject> list(String prefix);

  boolean exists(String location);

  /**
   * The location as the store resolves it, for comparing locations written by different engines:
   * local symbolic links are followed (as far as the path exists); S3 locations are returned as
   * they are.
   */
  default Location canonical(Location location) {
    return location;
  }

  /**
   * Removes what killed writers leave below {@code prefix} besides files (local: empty staging
   * directories) last modified before {@code olderThanMillis}; returns what it removed, or would
   * remove when {@code dryRun}.
   */
  default List<String> removeAbandonedDirectories(String prefix, long olderThanMillis, boolean dryRun) {
    return List.of();
  }

  /** Deletes an object; deleting a missing object is not an error. */
  void delete(String location);

  /** Waits for background work (such as pending uploads) and releases clients and pools. */
  @Override
  void close();
}
