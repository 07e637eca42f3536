package dev.datashard.io.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.io.Storage;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.StorageConfig.StorageType;
import dev.datashard.io.StorageException;
import dev.datashard.io.StorageException.Kind;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3ConfigTest {

  @Test
  void readsTheEnvironmentWithPythonDataShardDefaults() {
    StorageConfig storage = StorageConfig.fromEnvironment(Map.of(
        "DATASHARD_STORAGE_TYPE", "S3",
        "DATASHARD_S3_BUCKET", "tables"));
    assertThat(storage.type()).isEqualTo(StorageType.S3);
    S3Config config = storage.s3().orElseThrow();
    assertThat(config.bucket()).isEqualTo("tables");
    assertThat(config.region()).isEqualTo("us-east-1");
    assertThat(config.prefix()).isEmpty();
    assertThat(config.endpoint()).isEmpty();
    assertThat(config.accessKey()).isEmpty(); // default credential chain
    assertThat(config.useConditionalWrites()).isTrue();
    assertThat(config.multipartThresholdBytes()).isEqualTo(8L << 20);
    assertThat(config.partSizeBytes()).isEqualTo(8L << 20);
  }

  @Test
  void readsEverySetting() {
    S3Config config = S3Config.fromEnvironment(Map.of(
        "DATASHARD_S3_ENDPOINT", "http://127.0.0.1:9000",
        "DATASHARD_S3_ACCESS_KEY", "access",
        "DATASHARD_S3_SECRET_KEY", "s3cr3t-value",
        "DATASHARD_S3_BUCKET", "tables",
        "DATASHARD_S3_REGION", "eu-west-1",
        "DATASHARD_S3_PREFIX", "/optional/prefix/",
        "DATASHARD_S3_USE_CONDITIONAL_WRITES", "false"));
    assertThat(config.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
    assertThat(config.accessKey()).contains("access");
    assertThat(config.secretKey()).contains("s3cr3t-value");
    assertThat(config.region()).isEqualTo("eu-west-1");
    assertThat(config.prefix()).isEqualTo("optional/prefix");
    assertThat(config.useConditionalWrites()).isFalse();
    assertThat(config.toString()).contains("access").contains("****")
        .doesNotContain("s3cr3t-value");
    assertThat(StorageConfig.s3(config).toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void theBucketIsRequired() {
    assertThatThrownBy(() -> StorageConfig.fromEnvironment(Map.of("DATASHARD_STORAGE_TYPE", "s3")))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.MISCONFIGURED))
        .hasMessage("DATASHARD_S3_BUCKET is required when DATASHARD_STORAGE_TYPE=s3");
  }

  @Test
  void rejectsBadSettingsNamingTheVariable() {
    Map<Map<String, String>, String> cases = Map.of(
        Map.of("DATASHARD_S3_BUCKET", "b/with/slash"), "DATASHARD_S3_BUCKET",
        Map.of("DATASHARD_S3_BUCKET", "tables", "DATASHARD_S3_ENDPOINT", "127.0.0.1:9000"),
        "DATASHARD_S3_ENDPOINT",
        Map.of("DATASHARD_S3_BUCKET", "tables", "DATASHARD_S3_ACCESS_KEY", "only-the-key"),
        "DATASHARD_S3_SECRET_KEY",
        Map.of("DATASHARD_S3_BUCKET", "tables", "DATASHARD_S3_PREFIX", "a/../b"),
        "DATASHARD_S3_PREFIX",
        Map.of("DATASHARD_S3_BUCKET", "tables", "DATASHARD_S3_USE_CONDITIONAL_WRITES", "maybe"),
        "DATASHARD_S3_USE_CONDITIONAL_WRITES");
    cases.forEach((env, variable) -> assertThatThrownBy(() -> S3Config.fromEnvironment(env))
        .as(env.toString())
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.MISCONFIGURED))
        .hasMessageContaining(variable));
  }

  @Test
  void rejectsPartsBelowTheS3Minimum() {
    assertThatThrownBy(() -> S3Config.builder("tables").partSizeBytes(1 << 20).build())
        .hasMessageContaining("at least 5 MiB");
  }

  @Test
  void plainHttpIsWarnedAboutOnlyBeyondThisMachine() {
    for (String local : new String[] {"http://127.0.0.1:9000", "http://localhost:9000",
        "http://[::1]:9000", "https://s3.example.com"}) {
      assertThat(S3Storage.isPlainHttpOverNetwork(URI.create(local))).as(local).isFalse();
    }
    for (String remote : new String[] {"http://minio.example.com:9000", "http://10.0.0.5:9000"}) {
      assertThat(S3Storage.isPlainHttpOverNetwork(URI.create(remote))).as(remote).isTrue();
    }
  }

  @Test
  void opensAnS3StorageAndKeepsLocalAsItWas() {
    StorageConfig s3 = StorageConfig.s3(S3Config.builder("tables")
        .endpoint(URI.create("http://127.0.0.1:9"))
        .credentials("a", "b").build());
    try (Storage storage = s3.open()) {
      assertThat(storage).isInstanceOf(S3Storage.class);
      assertThat(storage.tableLocation("t")).isEqualTo("s3://tables/t");
    }
    StorageConfig local = StorageConfig.fromEnvironment(Map.of());
    assertThat(local.type()).isEqualTo(StorageType.LOCAL);
    assertThat(local.s3()).isEqualTo(Optional.empty());
  }
}
