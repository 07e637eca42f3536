package dev.datashard.io;

import static java.util.Objects.requireNonNull;

import dev.datashard.io.StorageException.Kind;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file or object location, parsed and normalised once and compared by value. The spellings other
 * engines write for one file are one {@code Location}: {@code file:///x}, {@code file:/x} and
 * {@code /x} (Iceberg and Spark write the last two); {@code s3://}, {@code s3a://} and
 * {@code s3n://} (Hadoop's S3 connectors). {@link #toString()} is the canonical text,
 * {@code file:///x} or {@code s3://bucket/key}.
 *
 * <p>Local paths are normalised lexically ({@code //} and {@code .} removed); symbolic links are
 * a property of the disk, not of the text, and are resolved by {@link Storage#canonical}.
 */
public record Location(Scheme scheme, String bucket, String path) implements Comparable<Location> {

  public enum Scheme { FILE, S3 }

  private static final String FILE_PREFIX = "file:";
  private static final String[] S3_PREFIXES = {"s3://", "s3a://", "s3n://"};

  /**
   * @param bucket the bucket of an S3 location; empty for a local one
   * @param path the absolute, normalised path of a local file; the key of an S3 object
   */
  public Location {
    requireNonNull(scheme, "scheme");
    requireNonNull(bucket, "bucket");
    requireNonNull(path, "path");
    if (scheme == Scheme.FILE && (!bucket.isEmpty() || !path.startsWith("/"))) {
      throw new IllegalArgumentException("a local location needs an absolute path and no bucket: " + path);
    }
    if (scheme == Scheme.S3 && bucket.isEmpty()) {
      throw new IllegalArgumentException("an S3 location needs a bucket: " + path);
    }
  }

  /** Parses any accepted spelling; a clear {@link StorageException} for anything else. */
  public static Location of(String text) {
    if (text == null || text.isEmpty()) {
      throw new StorageException(Kind.MISCONFIGURED, "a location must not be empty");
    }
    for (String prefix : S3_PREFIXES) {
      if (text.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return s3(text, text.substring(prefix.length()));
      }
    }
    String path = text;
    if (path.regionMatches(true, 0, FILE_PREFIX, 0, FILE_PREFIX.length())) {
      path = path.substring(FILE_PREFIX.length());
      if (path.startsWith("//")) {
        path = path.substring(2); // the empty authority of file:///
        if (!path.startsWith("/")) {
          throw new StorageException(Kind.MISCONFIGURED, "'" + text + "' names a host; only local "
              + "file locations are supported (file:///path)");
        }
      }
    }
    if (!path.startsWith("/")) {
      throw new StorageException(Kind.MISCONFIGURED, "'" + text + "' is not a location (expected "
          + "file:///..., file:/..., an absolute path, or s3://bucket/key)");
    }
    try {
      return of(Path.of(path));
    } catch (InvalidPathException e) {
      throw new StorageException(Kind.MISCONFIGURED, "'" + text + "' is not a valid path: " + e.getReason(), e);
    }
  }

  /** The location of a local path. */
  public static Location of(Path path) {
    return new Location(Scheme.FILE, "", path.toAbsolutePath().normalize().toString());
  }

  private static Location s3(String text, String rest) {
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    if (bucket.isEmpty()) {
      throw new StorageException(Kind.MISCONFIGURED, "'" + text + "' names no bucket (expected s3://bucket/key)");
    }
    return new Location(Scheme.S3, bucket, slash < 0 ? "" : rest.substring(slash + 1));
  }

  public boolean isLocal() {
    return scheme == Scheme.FILE;
  }

  /** The local path of a {@code file:} location. */
  public Path localPath() {
    if (scheme != Scheme.FILE) {
      throw new StorageException(Kind.MISCONFIGURED, "'" + this + "' is not a local file location");
    }
    return Path.of(path);
  }

  /** The object key of an S3 location. */
  public String key() {
    if (scheme != Scheme.S3) {
      throw new StorageException(Kind.MISCONFIGURED, "'" + this + "' is not an S3 location (expected s3://bucket/key)");
    }
    return path;
  }

  /** The location {@code relative} (a/b/c, no leading slash) below this one. */
  public Location resolve(String relative) {
    if (scheme == Scheme.FILE) {
      return of(Path.of(path).resolve(relative));
    }
    return new Location(scheme, bucket, path.isEmpty() || path.endsWith("/") ? path + relative : path + "/" + relative);
  }

  /** Whether this location lies strictly below {@code directory}: {@code /t/a} is not below {@code /t/a-b}. */
  public boolean isBelow(Location directory) {
    if (scheme != directory.scheme || !bucket.equals(directory.bucket)) {
      return false;
    }
    String parent = directory.path;
    if (parent.isEmpty()) {
      return !path.isEmpty(); // everything in the bucket
    }
    String prefix = parent.endsWith("/") ? parent : parent + "/";
    return path.length() > prefix.length() && path.startsWith(prefix);
  }

  /** The path of this location relative to {@code directory}, which it must lie below. */
  public String relativeTo(Location directory) {
    if (!isBelow(directory)) {
      throw new IllegalArgumentException(this + " is not below " + directory);
    }
    String parent = directory.path;
    return path.substring(parent.isEmpty() ? 0 : parent.endsWith("/") ? parent.length() : parent.length() + 1);
  }

  /** The directory (or key prefix) this location lies in; empty at the root. */
  public Optional<Location> parent() {
    int slash = path.lastIndexOf('/');
    if (scheme == Scheme.FILE) {
      return slash <= 0 ? (path.equals("/") ? Optional.empty() : Optional.of(of(Path.of("/"))))
          : Optional.of(new Location(scheme, bucket, path.substring(0, slash)));
    }
    return slash < 0 ? Optional.empty() : Optional.of(new Location(scheme, bucket, path.substring(0, slash)));
  }

  /** The last segment: a file's name. */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public int compareTo(Location other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return scheme == Scheme.FILE ? "file://" + path : "s3://" + bucket + "/" + path;
  }
}
