package dev.datashard.acid;

import dev.datashard.io.s3.testing.S3ProxyServer;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** The {@code DATASHARD_*} environment of the writer processes, for local disk or the S3 server. */
final class Stores {
  private Stores() {}

  static Map<String, String> local() {
    Map<String, String> env = new HashMap<>();
    env.put("DATASHARD_STORAGE_TYPE", "local");
    return env;
  }

  /** S3 at {@code endpoint} (the server itself, or a proxy in front of it). */
  static Map<String, String> s3(URI endpoint, String bucket, String prefix) {
    Map<String, String> env = new HashMap<>();
    env.put("DATASHARD_STORAGE_TYPE", "s3");
    env.put("DATASHARD_S3_ENDPOINT", endpoint.toString());
    env.put("DATASHARD_S3_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
    env.put("DATASHARD_S3_SECRET_KEY", S3ProxyServer.SECRET_KEY);
    env.put("DATASHARD_S3_BUCKET", bucket);
    env.put("DATASHARD_S3_PREFIX", prefix);
    return env;
  }
}
