package dev.datashard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks' second Iceberg configuration ({@link NioTableOperations}) keeps what it commits. */
class NioTableOperationsTest {
  private final IcebergTables tables = new IcebergTables(IcebergTables.NIO);

  @TempDir
  Path dir;

  @Test
  void appendedRowsReadBackAfterAFreshLoad() throws Exception {
    String location = dir.resolve("events").toString();
    Table table = tables.create(location);
    IcebergTables.append(table, Events.icebergRecords(0, 100));
    IcebergTables.append(table, Events.icebergRecords(100, 250));

    Table loaded = tables.load(location);
    assertThat(loaded.snapshots()).hasSize(2);
    assertThat(loaded.currentSnapshot().summary()).containsEntry("total-records", "350");
    List<Long> userIds = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(loaded).build()) {
      rows.forEach(row -> userIds.add((Long) row.get(0)));
    }
    assertThat(userIds).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 350).boxed().toList());
    assertThat(dir.resolve("events/metadata/v3.metadata.json")).exists();
    assertThat(dir.resolve("events/metadata")).isDirectoryNotContaining("glob:**/tmp-*");
  }

  @Test
  void aStaleWriterRetriesAfterTheOtherCommitsAndACreateDoesNotReplace() throws Exception {
    String location = dir.resolve("contended").toString();
    tables.create(location);
    Table first = tables.load(location);
    Table second = tables.load(location);
    IcebergTables.append(first, Events.icebergRecords(0, 10));
    IcebergTables.append(second, Events.icebergRecords(10, 10));

    Table loaded = tables.load(location);
    assertThat(loaded.snapshots()).hasSize(2);
    assertThat(loaded.currentSnapshot().summary()).containsEntry("total-records", "20");
    assertThatThrownBy(() -> tables.create(location)).isInstanceOf(AlreadyExistsException.class);
    try (var files = Files.list(dir.resolve("contended/metadata"))) {
      assertThat(files.filter(f -> f.getFileName().toString().endsWith(".metadata.json"))).hasSize(3);
    }
  }
}
