package dev.datashard.io;

import static java.util.Objects.requireNonNull;

import dev.datashard.io.local.LocalStorage;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which store tables live in. Built from the {@code DATASHARD_*} environment variables (the same
 * names and defaults as the original Python DataShard) or explicitly, so one JVM can use several
 * stores at once.
 */
public record StorageConfig(StorageType type, Path localBaseDirectory, boolean localFsync) {

  public enum StorageType { LOCAL, S3 }

  public static final String STORAGE_TYPE = "DATASHARD_STORAGE_TYPE";
  public static final String LOCAL_FSYNC = "DATASHARD_LOCAL_FSYNC";

  public StorageConfig {
    requireNonNull(type, "type");
    requireNonNull(localBaseDirectory, "localBaseDirectory");
  }

  /** Tables on local disk; relative table names resolve against {@code baseDirectory}. */
  public static StorageConfig local(Path baseDirectory) {
    return new StorageConfig(StorageType.LOCAL, baseDirectory, true);
  }

  public static StorageConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  public static StorageConfig fromEnvironment(Map<String, String> env) {
    String type = env.getOrDefault(STORAGE_TYPE, "local").trim().toLowerCase(java.util.Locale.ROOT);
    boolean fsync = parseBoolean(env, LOCAL_FSYNC, true);
    return switch (type) {
      case "local", "" -> new StorageConfig(StorageType.LOCAL, Path.of(""), fsync);
      default -> throw new StorageException(StorageException.Kind.MISCONFIGURED,
          STORAGE_TYPE + "='" + env.get(STORAGE_TYPE) + "' is not a storage type (use local or s3)");
    };
  }

  static boolean parseBoolean(Map<String, String> env, String name, boolean defaultValue) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
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
      case S3 -> throw new StorageException(StorageException.Kind.UNSUPPORTED,
          "S3 storage is configured through S3 settings");
    };
  }
}
