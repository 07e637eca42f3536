package dev.datashard.io;

import static java.util.Objects.requireNonNull;

import dev.datashard.io.local.LocalStorage;
import dev.datashard.io.s3.S3Config;
import dev.datashard.io.s3.S3Storage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which store tables live in. Built from the {@code DATASHARD_*} environment variables (the same
 * names and defaults as the original Python DataShard) or explicitly, so one JVM can use several
 * stores at once.
 *
 * @param localBaseDirectory relative table names resolve against it (local storage only)
 * @param s3 the bucket and client settings, present exactly when {@code type} is S3
 */
public record StorageConfig(StorageType type, Path localBaseDirectory, boolean localFsync,
    Optional<S3Config> s3) {

  public enum StorageType { LOCAL, S3 }

  public static final String STORAGE_TYPE = "DATASHARD_STORAGE_TYPE";
  public static final String LOCAL_FSYNC = "DATASHARD_LOCAL_FSYNC";

  public StorageConfig {
    requireNonNull(type, "type");
    requireNonNull(localBaseDirectory, "localBaseDirectory");
    requireNonNull(s3, "s3");
    if (s3.isPresent() != (type == StorageType.S3)) {
      throw new IllegalArgumentException("S3 settings are given exactly for S3 storage");
    }
  }

  /** Local storage, as before S3 existed. */
  public StorageConfig(StorageType type, Path localBaseDirectory, boolean localFsync) {
    this(type, localBaseDirectory, localFsync, Optional.empty());
  }

  /** Tables on local disk; relative table names resolve against {@code baseDirectory}. */
  public static StorageConfig local(Path baseDirectory) {
    return new StorageConfig(StorageType.LOCAL, baseDirectory, true);
  }

  /** Tables in an S3 bucket; relative table names resolve below the configured prefix. */
  public static StorageConfig s3(S3Config s3) {
    return new StorageConfig(StorageType.S3, Path.of(""), true, Optional.of(s3));
  }

  public static StorageConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  public static StorageConfig fromEnvironment(Map<String, String> env) {
    String type = env.getOrDefault(STORAGE_TYPE, "local").trim().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "local", "" -> new StorageConfig(StorageType.LOCAL, Path.of(""),
          parseBoolean(env, LOCAL_FSYNC, true));
      case "s3" -> s3(S3Config.fromEnvironment(env));
      default -> throw new StorageException(StorageException.Kind.MISCONFIGURED,
          STORAGE_TYPE + "='" + env.get(STORAGE_TYPE) + "' is not a storage type (use local or s3)");
    };
  }

  /** Reads a boolean variable: true/1/yes or false/0/no, the default when unset or blank. */
  public static boolean parseBoolean(Map<String, String> env, String name, boolean defaultValue) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new StorageException(StorageException.Kind.MISCONFIGURED,
          name + "='" + value + "' is not a boolean (use true or false)");
    };
  }

  /** Opens the store; the caller owns (and closes) the returned storage. */
  public Storage open() {
    return switch (type) {
      case LOCAL -> new LocalStorage(localBaseDirectory, localFsync);
      case S3 -> new S3Storage(s3.orElseThrow());
    };
  }
}
