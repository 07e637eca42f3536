package dev.datashard.acid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Snapshot;
import dev.datashard.Table;
import dev.datashard.io.Storage;
import dev.datashard.io.StoredObject;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.TableMetadataJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Checks a table written by {@link AcidWriter}s from its metadata up, independently of how it was
 * written: every snapshot extends its parent by exactly one batch, the summaries' counts match
 * the manifests, every referenced file exists, and (when asked) the data holds each committed
 * batch exactly once and whole. Manifest lists and manifests never change, so an audit object
 * reads each only once across repeated audits of the same table.
 */
final class TableAudit {
  /** One writer's commit number {@code seq}: the unit that must appear exactly once, whole. */
  record Batch(String writer, long seq) {
    @Override
    public String toString() {
      return writer + "#" + seq;
    }
  }

  /** What an audit found. */
  record Result(List<Snapshot> snapshots, Map<Long, Batch> batchBySnapshot, Set<Batch> batches,
      Set<String> referencedFiles, long rowsChecked, long totalRecords) {}

  private final DataShard shard;
  private final String tableName;
  private final int rowsPerBatch;
  private final Map<String, List<ManifestFile>> manifestLists = new HashMap<>();
  private final Map<String, List<ManifestEntry>> manifests = new HashMap<>();

  TableAudit(DataShard shard, String tableName, int rowsPerBatch) {
    this.shard = shard;
    this.tableName = tableName;
    this.rowsPerBatch = rowsPerBatch;
  }

  /** Audits the newest version; with {@code scanData} also reads every row of the current snapshot. */
  Result run(boolean scanData, BufferAllocator allocator) {
    Table table = shard.loadTable(tableName);
    Storage storage = shard.storage();
    TableMetadata metadata = TableMetadataJson.parse(
        new String(storage.read(table.metadataFile()), StandardCharsets.UTF_8), table.metadataFile());
    List<Snapshot> snapshots = table.snapshots();
    Set<String> referenced = new HashSet<>();
    referenced.add(table.metadataFile());
    referenced.add(table.location() + "/metadata/version-hint.text");
    metadata.metadataLog().forEach(entry -> referenced.add(entry.metadataFile()));

    Map<Long, Batch> batchBySnapshot = new LinkedHashMap<>();
    Set<Batch> batches = new HashSet<>();
    Snapshot previous = null;
    Set<String> previousFiles = new HashSet<>();
    Map<String, Set<String>> liveFilesByManifest = new HashMap<>();
    for (Snapshot snapshot : snapshots) {
      String where = "snapshot " + snapshot.snapshotId() + " (sequence number " + snapshot.sequenceNumber() + ")";
      // A linear chain: each snapshot's parent is the one before, sequence numbers count up by one.
      if (previous == null) {
        assertThat(snapshot.parentId()).as(where + ": the first snapshot has no parent").isNull();
        assertThat(snapshot.sequenceNumber()).as(where).isEqualTo(1);
      } else {
        assertThat(snapshot.parentId()).as(where + ": parent").isEqualTo(previous.snapshotId());
        assertThat(snapshot.sequenceNumber()).as(where + ": sequence number after " + previous.sequenceNumber())
            .isEqualTo(previous.sequenceNumber() + 1);
        assertThat(snapshot.timestampMillis()).as(where + ": timestamp").isGreaterThanOrEqualTo(previous.timestampMillis());
      }
      assertThat(snapshot.operation()).as(where).isEqualTo("append");

      // The manifest list: this commit's own manifest, then the parent's manifests, or one merge
      // of them (commit.manifest.min-count-to-merge): either way exactly the parent's data files.
      referenced.add(snapshot.manifestList());
      List<ManifestFile> listed = manifestList(snapshot.manifestList());
      assertThat(listed).as(where + ": manifests").isNotEmpty();
      ManifestFile own = listed.get(0);
      assertThat(own.addedSnapshotId()).as(where + ": its own manifest").isEqualTo(snapshot.snapshotId());
      assertThat(own.sequenceNumber()).as(where + ": manifest sequence number").isEqualTo(snapshot.sequenceNumber());
      assertThat(own.addedFilesCount()).as(where + ": files added").isEqualTo(1);
      assertThat(own.addedRowsCount()).as(where + ": rows added").isEqualTo(rowsPerBatch);
      Set<String> inherited = new HashSet<>();
      for (ManifestFile manifest : listed.subList(1, listed.size())) {
        referenced.add(manifest.path());
        inherited.addAll(liveFilesByManifest.computeIfAbsent(manifest.path(), path ->
            manifest(path).stream().filter(ManifestEntry::isLive).map(e -> e.file().location())
                .collect(java.util.stream.Collectors.toSet())));
      }
      assertThat(inherited).as(where + ": the parent's data files, none lost").isEqualTo(previousFiles);

      // Iceberg's summary counts against the manifests.
      Map<String, String> summary = snapshot.summary();
      long total = listed.stream().mapToLong(ManifestFile::liveRows).sum();
      assertThat(summary.get("added-records")).as(where + ": added-records").isEqualTo(Integer.toString(rowsPerBatch));
      assertThat(summary.get("added-data-files")).as(where + ": added-data-files").isEqualTo("1");
      assertThat(summary.get("total-records")).as(where + ": total-records").isEqualTo(Long.toString(total));
      assertThat(summary.get("total-data-files")).as(where + ": total-data-files")
          .isEqualTo(Long.toString(previousFiles.size() + 1));
      assertThat(total).as(where + ": rows").isEqualTo((long) rowsPerBatch * snapshot.sequenceNumber());
      assertThat(summary).as(where).containsKey(Snapshot.COMMIT_ID);

      // The data file of the commit, and which batch it holds (from its column bounds).
      referenced.add(own.path());
      List<ManifestEntry> entries = manifest(own.path());
      assertThat(entries).as(where + ": entries of " + own.path()).hasSize(1);
      ManifestEntry entry = entries.get(0);
      assertThat(entry.status()).as(where).isEqualTo(ManifestEntry.Status.ADDED);
      assertThat(entry.file().recordCount()).as(where + ": rows of " + entry.file().location()).isEqualTo(rowsPerBatch);
      assertThat(storage.exists(entry.file().location())).as(where + ": data file " + entry.file().location() + " exists").isTrue();
      referenced.add(entry.file().location());
      Batch batch = batchOf(entry, where);
      assertThat(batches.add(batch)).as(where + ": batch " + batch + " committed only once").isTrue();
      batchBySnapshot.put(snapshot.snapshotId(), batch);

      previous = snapshot;
      previousFiles.add(entry.file().location());
    }
    assertThat(table.currentSnapshot().map(Snapshot::snapshotId).orElse(null)).as("current snapshot")
        .isEqualTo(previous == null ? null : previous.snapshotId());
    long totalRecords = previous == null ? 0 : Long.parseLong(previous.summary().get("total-records"));
    assertThat(table.rowCount()).as("row count from metadata").isEqualTo(totalRecords);

    long rowsChecked = 0;
    if (scanData) {
      Map<Batch, Set<Integer>> rows = scan(table, allocator);
      rowsChecked = rows.values().stream().mapToLong(Set::size).sum();
      assertThat(new HashSet<>(rows.keySet())).as("batches in the data = batches in the metadata").isEqualTo(batches);
      assertThat(rowsChecked).as("rows scanned = total-records").isEqualTo(totalRecords);
    }
    return new Result(snapshots, batchBySnapshot, batches, referenced, rowsChecked, totalRecords);
  }

  /** Every row of the current snapshot by batch; fails on a duplicated or foreign row. */
  private Map<Batch, Set<Integer>> scan(Table table, BufferAllocator allocator) {
    Map<Batch, Set<Integer>> rows = new TreeMap<>((a, b) -> a.writer().equals(b.writer())
        ? Long.compare(a.seq(), b.seq()) : a.writer().compareTo(b.writer()));
    try (ArrowReader reader = table.newScan().select("writer", "seq", "row", "payload").allocator(allocator).arrowReader()) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        VarCharVector writers = (VarCharVector) root.getVector(0);
        BigIntVector seqs = (BigIntVector) root.getVector(1);
        IntVector rowNumbers = (IntVector) root.getVector(2);
        VarCharVector payloads = (VarCharVector) root.getVector(3);
        for (int i = 0; i < root.getRowCount(); i++) {
          Batch batch = new Batch(new String(writers.get(i), StandardCharsets.UTF_8), seqs.get(i));
          int row = rowNumbers.get(i);
          String payload = new String(payloads.get(i), StandardCharsets.UTF_8);
          assertThat(payload).as("payload of " + batch + " row " + row)
              .isEqualTo(AcidWriter.batch(batch.writer(), batch.seq(), row + 1).get(row).get("payload"));
          assertThat(row).as("row number in " + batch).isBetween(0, rowsPerBatch - 1);
          assertThat(rows.computeIfAbsent(batch, b -> new HashSet<>()).add(row))
              .as("row " + row + " of " + batch + " appears once").isTrue();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rows.forEach((batch, numbers) -> assertThat(numbers).as("rows of " + batch + ": whole, never half")
        .hasSize(rowsPerBatch));
    return rows;
  }

  private Batch batchOf(ManifestEntry entry, String where) {
    Map<Integer, byte[]> lower = entry.file().lowerBounds();
    Map<Integer, byte[]> upper = entry.file().upperBounds();
    assertThat(lower.get(1)).as(where + ": one writer per data file").isEqualTo(upper.get(1));
    assertThat(lower.get(2)).as(where + ": one seq per data file").isEqualTo(upper.get(2));
    long seq = ByteBuffer.wrap(lower.get(2)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return new Batch(new String(lower.get(1), StandardCharsets.UTF_8), seq);
  }

  private List<ManifestFile> manifestList(String location) {
    return manifestLists.computeIfAbsent(location,
        l -> Manifests.readManifestList(shard.storage().read(l), l));
  }

  private List<ManifestEntry> manifest(String location) {
    return manifests.computeIfAbsent(location, l -> Manifests.readManifest(shard.storage().read(l), l));
  }

  /** Orphans by kind, as {@link Table#removeOrphanFiles} lists them. */
  record Orphans(List<String> files, Map<String, Integer> byKind) {}

  /**
   * Lists the orphans and checks them against an audit: no referenced file is listed, every file
   * under the table is referenced or listed, and every referenced file exists.
   */
  static Orphans checkOrphans(DataShard shard, String tableName, Result audit) {
    Table table = shard.loadTable(tableName);
    List<String> listed = table.removeOrphanFiles(System.currentTimeMillis() + 1_000, true);
    Set<String> all = new HashSet<>();
    for (StoredObject object : shard.storage().list(table.location() + "/")) {
      all.add(object.location());
    }
    assertThat(listed).as("orphans listed").doesNotHaveDuplicates();
    assertThat(listed).as("no file the metadata references is an orphan")
        .doesNotContainAnyElementsOf(audit.referencedFiles());
    Set<String> accounted = new HashSet<>(listed);
    accounted.addAll(audit.referencedFiles());
    assertThat(accounted).as("every file under the table is referenced or an orphan").containsAll(all);
    Set<String> referencedButMissing = new HashSet<>(audit.referencedFiles());
    referencedButMissing.removeAll(all);
    // The version hint is optional (a killed writer may never have written it).
    referencedButMissing.removeIf(f -> f.endsWith("/version-hint.text"));
    assertThat(referencedButMissing).as("referenced files that do not exist").isEmpty();
    Map<String, Integer> byKind = new TreeMap<>();
    for (String file : listed) {
      byKind.merge(kind(file), 1, Integer::sum);
    }
    return new Orphans(listed, byKind);
  }

  static String kind(String file) {
    String name = file.substring(file.lastIndexOf('/') + 1);
    if (file.contains("/data/.tmp-")) {
      return "staged data file";
    }
    if (name.startsWith(".tmp-")) {
      return "temporary metadata file";
    }
    if (name.endsWith(".parquet")) {
      return "data file";
    }
    if (name.startsWith("snap-")) {
      return "manifest list";
    }
    if (name.endsWith("-m0.avro")) {
      return "manifest";
    }
    if (name.endsWith(".metadata.json")) {
      return "metadata version out of the log";
    }
    return "other (" + name + ")";
  }

  /** The batches a list of acknowledgements names. */
  static Set<Batch> batches(List<WriterProcess.Ack> acks) {
    Set<Batch> set = new HashSet<>();
    for (WriterProcess.Ack ack : acks) {
      set.add(new Batch(ack.writer(), ack.seq()));
    }
    return set;
  }

  static List<Batch> sortedList(Set<Batch> batches) {
    List<Batch> list = new ArrayList<>(batches);
    list.sort((a, b) -> a.writer().equals(b.writer()) ? Long.compare(a.seq(), b.seq()) : a.writer().compareTo(b.writer()));
    return list;
  }
}
