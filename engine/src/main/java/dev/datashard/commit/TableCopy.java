package dev.datashard.commit;

import dev.datashard.DataShardException;
import dev.datashard.Snapshot;
import dev.datashard.TableExistsException;
import dev.datashard.io.LocalFile;
import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.metadata.DeleteEntry;
import dev.datashard.metadata.DeleteFile;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.TableProperties;
import dev.datashard.read.FileDeletes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Copies a table to another location, possibly in another store (local disk to S3 and back),
 * with every snapshot readable at the destination. Iceberg metadata holds absolute locations, so
 * manifests, manifest lists and the metadata are rewritten with the new ones; data files and
 * equality delete files are copied as they are. Position delete files name the data files whose
 * rows they delete by absolute location inside them, so each is rewritten naming the copies (its
 * size and bounds on {@code file_path} in the manifest with it). The destination becomes visible
 * only at the end, when its first metadata version is published, so a failed copy leaves no table
 * behind.
 */
public final class TableCopy {
  private TableCopy() {}

  /** The result: how many files of each kind were copied. */
  public record Result(int snapshots, int dataFiles, int deleteFiles, int manifests, long bytes) {}

  public static Result copy(TableOperations source, TableOperations target, BufferAllocator allocator) {
    OptionalInt first = target.firstVersionNumber();
    if (first.isEmpty()) {
      throw new TableExistsException(target.location());
    }
    TableMetadata metadata = source.refresh().metadata();
    String from = source.location();
    String to = target.location();
    Storage out = target.storage();
    Location fromLocation = Location.of(from);
    UnaryOperator<String> move = location -> {
      Location file = Location.of(location);
      if (!file.isBelow(fromLocation)) {
        throw new DataShardException("cannot copy " + from + ": it references " + location
            + ", which lies outside the table");
      }
      return to + "/" + file.relativeTo(fromLocation);
    };
    Set<String> manifests = new LinkedHashSet<>();
    Set<String> dataFiles = new LinkedHashSet<>();
    Set<String> deleteFiles = new LinkedHashSet<>();
    Map<String, DeleteFile> positionDeletes = new LinkedHashMap<>();
    for (Snapshot snapshot : metadata.snapshots()) {
      for (ManifestFile manifest : source.manifests(snapshot)) {
        if (!manifests.add(manifest.path())) {
          continue;
        }
        byte[] content = source.readMetadataFile(manifest.path());
        if (manifest.content() == ManifestFile.Content.DELETES) {
          for (DeleteEntry entry : Manifests.readDeleteManifest(content, manifest.path())) {
            if (entry.file().content() == DeleteFile.Content.POSITION_DELETES) {
              positionDeletes.putIfAbsent(entry.file().location(), entry.file());
            } else {
              deleteFiles.add(entry.file().location());
            }
          }
          continue;
        }
        for (ManifestEntry entry : Manifests.readManifest(content, manifest.path())) {
          dataFiles.add(entry.file().location());
        }
      }
    }
    long[] bytes = {0};
    List<String> written = new ArrayList<>();
    List<CompletableFuture<Void>> copies = new ArrayList<>();
    try {
      Map<String, DeleteFile> rewritten = rewritePositionDeletes(source, target, allocator, metadata, move,
          positionDeletes.values(), bytes, written, copies);
      return copyFiles(source, target, first.getAsInt(), metadata, move, manifests, dataFiles, deleteFiles,
          rewritten, bytes, written, copies);
    } catch (RuntimeException e) {
      // Nothing at the destination is visible yet; remove what was copied so far.
      copies.forEach(c -> c.handle((ok, failure) -> null).join());
      written.forEach(location -> {
        try {
          out.delete(location);
        } catch (StorageException ignored) {
          // an unreferenced leftover, cleaned by orphan removal
        }
      });
      throw e;
    }
  }

  /**
   * Writes each position delete file again at its place in the copy, naming the copied data
   * files; returns the new files by their old locations.
   */
  private static Map<String, DeleteFile> rewritePositionDeletes(TableOperations source, TableOperations target,
      BufferAllocator allocator, TableMetadata metadata, UnaryOperator<String> move, Collection<DeleteFile> deletes,
      long[] bytes, List<String> written, List<CompletableFuture<Void>> copies) {
    Map<String, DeleteFile> rewritten = new HashMap<>();
    for (DeleteFile delete : deletes) {
      SortedMap<String, long[]> positions = new TreeMap<>();
      FileDeletes.positionsIn(delete, allocator, source.storage(), source.location())
          .forEach((file, deleted) -> positions.put(move.apply(file.toString()), deleted));
      String location = move.apply(delete.location());
      written.add(location);
      PositionDeleteWriter.Written copy = PositionDeleteWriter.writeAt(allocator, target.storage(), location,
          positions, delete.partition(), metadata.properties());
      copies.add(copy.upload());
      synchronized (bytes) {
        bytes[0] += copy.deleteFile().fileSizeBytes();
      }
      rewritten.put(delete.location(), copy.deleteFile());
    }
    return rewritten;
  }

  private static Result copyFiles(TableOperations source, TableOperations target, int firstVersion, TableMetadata metadata,
      UnaryOperator<String> move, Set<String> manifests, Set<String> dataFiles, Set<String> deleteFiles,
      Map<String, DeleteFile> rewrittenDeletes, long[] bytes, List<String> written, List<CompletableFuture<Void>> copies) {
    Storage in = source.storage();
    Storage out = target.storage();
    String to = target.location();
    List<String> files = new ArrayList<>(dataFiles);
    files.addAll(deleteFiles);
    for (String file : files) {
      written.add(move.apply(file));
      copies.add(in.fetch(file).thenCompose(local -> copyFile(local, out, move.apply(file), bytes)));
    }
    Map<String, Long> manifestLengths = new HashMap<>();
    for (String manifest : manifests) {
      byte[] rewritten = Manifests.relocate(source.readMetadataFile(manifest), manifest, move, Map.of(),
          rewrittenDeletes);
      manifestLengths.put(manifest, (long) rewritten.length);
      written.add(move.apply(manifest));
      copies.add(out.writeAsync(move.apply(manifest), rewritten));
    }
    List<Snapshot> snapshots = new ArrayList<>();
    for (Snapshot snapshot : metadata.snapshots()) {
      byte[] list = Manifests.relocate(source.readMetadataFile(snapshot.manifestList()),
          snapshot.manifestList(), move, manifestLengths, Map.of());
      written.add(move.apply(snapshot.manifestList()));
      copies.add(out.writeAsync(move.apply(snapshot.manifestList()), list));
      snapshots.add(new Snapshot(snapshot.snapshotId(), snapshot.parentId(), snapshot.sequenceNumber(),
          snapshot.timestampMillis(), move.apply(snapshot.manifestList()), snapshot.summary(),
          snapshot.schemaId()));
    }
    StorageException.join(CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)));
    // A data path inside the table moves with it: the copy's new files must not land in the source.
    Map<String, String> properties = new LinkedHashMap<>(metadata.properties());
    TableProperties.DATA_PATH.read(properties)
        .filter(path -> Location.of(path).isBelow(Location.of(source.location())))
        .ifPresent(path -> properties.put(TableProperties.DATA_PATH.key(), move.apply(path)));
    // The copy starts a new metadata history: its log of earlier metadata files stays behind.
    TableMetadata copied = new TableMetadata(metadata.formatVersion(), metadata.tableUuid(), to,
        metadata.lastSequenceNumber(), metadata.lastUpdatedMillis(), metadata.lastColumnId(),
        metadata.schemas(), metadata.currentSchemaId(), metadata.partitionSpecs(), metadata.defaultSpecId(),
        metadata.lastPartitionId(), metadata.sortOrders(), metadata.defaultSortOrderId(),
        properties, metadata.currentSnapshotId(), snapshots, metadata.snapshotLog(), List.of(),
        metadata.otherFields());
    if (!target.publishFirst(firstVersion, copied)) {
      throw new TableExistsException(target.location());
    }
    return new Result(snapshots.size(), dataFiles.size(), deleteFiles.size() + rewrittenDeletes.size(),
        manifests.size(), bytes[0]);
  }

  private static CompletableFuture<Void> copyFile(LocalFile local, Storage out, String location, long[] bytes) {
    Path staging = null;
    try {
      staging = out.stagingDirectory(location);
      Path staged = staging.resolve("copy");
      Files.copy(local.path(), staged);
      synchronized (bytes) {
        bytes[0] += Files.size(staged);
      }
      return out.putFile(staged, location);
    } catch (java.io.IOException e) {
      if (staging != null) {
        DataFileWriter.deleteTree(staging); // not handed to putFile: still ours to remove
      }
      return CompletableFuture.failedFuture(new StorageException(StorageException.Kind.IO,
          "cannot copy " + local.path() + " to " + location + ": " + e.getMessage(), e));
    } finally {
      local.close();
    }
  }
}
