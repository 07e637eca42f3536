package dev.datashard.io.s3;

import dev.datashard.io.Location;
import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;

/** An {@code s3://bucket/key} location split into its parts; {@link #toString()} is canonical. */
record S3Location(String bucket, String key) {
  static final String SCHEME = "s3://";

  /** Any S3 spelling ({@code s3://}, {@code s3a://}, {@code s3n://}) of an object location. */
  static S3Location parse(String location) {
    Location parsed = location == null ? null : Location.of(location);
    if (parsed == null || parsed.isLocal()) {
      throw new StorageException(Kind.MISCONFIGURED,
          "'" + location + "' is not an S3 location (expected s3://bucket/key)");
    }
    return new S3Location(parsed.bucket(), parsed.key());
  }

  /** Whether a table name is an S3 location rather than a name below the configured prefix. */
  static boolean isLocation(String name) {
    return name.matches("(?i)s3[an]?://.*");
  }

  /** Rejects keys that would escape their prefix or that S3 would store under a surprising name. */
  static void checkKeySegments(String key, String what) {
    if (key.startsWith("/")) {
      throw new StorageException(Kind.MISCONFIGURED,
          what + " '" + key + "' must not start with '/' (S3 keys are relative to the bucket)");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.equals("..")) {
        throw new StorageException(Kind.MISCONFIGURED,
            what + " '" + key + "' must not contain '..' segments");
      }
    }
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + key;
  }
}
