package dev.datashard.io.s3;

import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;

/** An {@code s3://bucket/key} location split into its parts. */
record S3Location(String bucket, String key) {
  static final String SCHEME = "s3://";

  static S3Location parse(String location) {
    if (location == null || !location.startsWith(SCHEME)) {
      throw new StorageException(Kind.MISCONFIGURED,
          "'" + location + "' is not an S3 location (expected s3://bucket/key)");
    }
    String rest = location.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new StorageException(Kind.MISCONFIGURED,
          "'" + location + "' names no bucket (expected s3://bucket/key)");
    }
    return new S3Location(bucket, key);
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
