package dev.datashard.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocationTest {
  @Test
  void everySpellingOfALocalFileIsOneLocation() {
    Location canonical = Location.of("file:///data/t/a.parquet");
    assertThat(Location.of("file:/data/t/a.parquet")).isEqualTo(canonical);
    assertThat(Location.of("/data/t/a.parquet")).isEqualTo(canonical);
    assertThat(Location.of("file:///data//t/./a.parquet")).isEqualTo(canonical);
    assertThat(Location.of(Path.of("/data/t/a.parquet"))).isEqualTo(canonical);
    assertThat(canonical.toString()).isEqualTo("file:///data/t/a.parquet");
    assertThat(canonical.localPath()).isEqualTo(Path.of("/data/t/a.parquet"));
  }

  @Test
  void everyHadoopSchemeOfAnS3ObjectIsOneLocation() {
    Location canonical = Location.of("s3://bucket/t/a.parquet");
    assertThat(Location.of("s3a://bucket/t/a.parquet")).isEqualTo(canonical);
    assertThat(Location.of("s3n://bucket/t/a.parquet")).isEqualTo(canonical);
    assertThat(Location.of("S3A://bucket/t/a.parquet")).isEqualTo(canonical);
    assertThat(canonical.toString()).isEqualTo("s3://bucket/t/a.parquet");
    assertThat(canonical.bucket()).isEqualTo("bucket");
    assertThat(canonical.key()).isEqualTo("t/a.parquet");
    assertThat(Location.of("s3://other/t/a.parquet")).isNotEqualTo(canonical);
  }

  @Test
  void belowMeansInsideTheDirectoryNotSharingAPrefix() {
    Location table = Location.of("file:///w/sales");
    assertThat(Location.of("/w/sales/data/a.parquet").isBelow(table)).isTrue();
    assertThat(Location.of("/w/sales-2024/data/a.parquet").isBelow(table)).isFalse();
    assertThat(table.isBelow(table)).isFalse();
    assertThat(Location.of("s3a://b/w/sales/x").isBelow(Location.of("s3://b/w/sales"))).isTrue();
    assertThat(Location.of("s3://b/w/sales/x").isBelow(Location.of("/w/sales"))).isFalse();
    assertThat(Location.of("file:/w/sales/data/a.parquet").relativeTo(table)).isEqualTo("data/a.parquet");
    assertThat(table.resolve("metadata/v1.metadata.json")).isEqualTo(Location.of("/w/sales/metadata/v1.metadata.json"));
    assertThat(Location.of("/w/sales/data/a.parquet").parent()).contains(Location.of("/w/sales/data"));
  }

  @Test
  void anythingElseIsAClearError() {
    for (String bad : new String[] {"", "relative/path", "file://host/x", "s3:///key", "http://x/y"}) {
      assertThatThrownBy(() -> Location.of(bad)).as(bad).isInstanceOf(StorageException.class)
          .hasMessageContaining(bad.isEmpty() ? "empty" : bad);
    }
  }
}
