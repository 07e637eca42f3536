package dev.datashard.commit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datashard.Snapshot;
import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.io.StoredObject;
import dev.datashard.metadata.MalformedMetadataException;
import dev.datashard.metadata.ManifestEntry;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Finds files under a table that no metadata references: what killed or failed writers left
 * behind. Only files older than a grace period count, so the files of a commit in flight (written
 * but not yet published) are never touched.
 *
 * <p>Locations are compared as {@link Location}s resolved by the store, never as text: Spark and
 * Iceberg write {@code file:/x} or {@code /x} where DataShard writes {@code file:///x}, Hadoop's
 * connectors {@code s3a://}, and a table may be reached through a symbolic link. Files of tables
 * nested in the table's directory are not the table's. Unreferenced version files are retired,
 * not deleted (see {@link TableOperations}).
 */
public final class OrphanFiles {
  private OrphanFiles() {}

  /**
   * Orphans last modified before {@code olderThanMillis}, and empty staging directories as old;
   * removed unless {@code dryRun}.
   */
  public static List<String> remove(TableOperations ops, long olderThanMillis, boolean dryRun) {
    TableOperations.Version current = ops.refresh();
    Canonical canonical = new Canonical(ops.storage());
    Set<Location> referenced = new HashSet<>();
    referenced(ops, current).forEach(location -> referenced.add(canonical.of(location)));
    List<String> orphans = new ArrayList<>();
    TableFiles.Listing listing = TableFiles.listing(ops);
    for (StoredObject object : listing.files()) {
      Location file = Location.of(object.location());
      boolean retiredVersion = ops.versionNumber(file) > 0 && TableOperations.isRetired(object);
      if (object.lastModifiedMillis() < olderThanMillis && !retiredVersion
          && !referenced.contains(canonical.of(file))) {
        orphans.add(object.location());
      }
    }
    // Staging directories first: deleting their partial files would make them look young.
    List<String> directories = TableFiles.removeAbandonedDirectories(ops, listing, olderThanMillis, dryRun);
    if (!dryRun) {
      orphans.forEach(ops::retire);
    }
    orphans.addAll(directories);
    return orphans;
  }

  private static List<String> referenced(TableOperations ops, TableOperations.Version current) {
    TableMetadata metadata = current.metadata();
    List<String> referenced = new ArrayList<>();
    referenced.add(current.file());
    referenced.add(ops.hintFile());
    metadata.metadataLog().forEach(entry -> referenced.add(entry.metadataFile()));
    referenced.addAll(statisticsFiles(metadata));
    Set<String> manifestsRead = new HashSet<>();
    for (Snapshot snapshot : metadata.snapshots()) {
      referenced.add(snapshot.manifestList());
      for (ManifestFile manifest : ops.manifests(snapshot)) {
        if (manifestsRead.add(manifest.path())) {
          referenced.add(manifest.path());
          if (manifest.content() == ManifestFile.Content.DELETES) {
            referenced.addAll(filesOfDeleteManifest(ops.readMetadataFile(manifest.path()), manifest.path()));
            continue;
          }
          for (ManifestEntry entry : Manifests.readManifest(ops.readMetadataFile(manifest.path()), manifest.path())) {
            referenced.add(entry.file().location());
          }
        }
      }
    }
    return referenced;
  }

  /**
   * The Puffin and partition statistics files the metadata lists (engines that compute column
   * statistics write them, usually to metadata/): DataShard keeps these fields as it found them.
   */
  private static List<String> statisticsFiles(TableMetadata metadata) {
    List<String> files = new ArrayList<>();
    for (String field : List.of("statistics", "partition-statistics")) {
      JsonNode entries = metadata.otherFields().get(field);
      if (entries != null && entries.isArray()) {
        for (JsonNode entry : entries) {
          JsonNode path = entry.get("statistics-path");
          if (path != null && path.isTextual()) {
            files.add(path.asText());
          }
        }
      }
    }
    return files;
  }

  /**
   * The delete files (position and equality deletes, deletion vectors) a delete manifest lists,
   * every entry's: removing one would bring deleted rows back. Read as plain Avro rather than with
   * {@link Manifests#readDeleteManifest}, which refuses deletion vectors: those are live all the same.
   */
  private static List<String> filesOfDeleteManifest(byte[] manifest, String location) {
    List<String> files = new ArrayList<>();
    try (DataFileStream<GenericRecord> entries =
        new DataFileStream<>(new ByteArrayInputStream(manifest), new GenericDatumReader<>())) {
      while (entries.hasNext()) {
        files.add(((GenericRecord) entries.next().get("data_file")).get("file_path").toString());
      }
    } catch (IOException | RuntimeException e) {
      throw new MalformedMetadataException(location, "not an Iceberg delete manifest: " + e.getMessage(), e);
    }
    return files;
  }

  /** Locations as the store resolves them; each directory resolved once. */
  private static final class Canonical {
    private final Storage storage;
    private final Map<Location, Location> directories = new HashMap<>();

    Canonical(Storage storage) {
      this.storage = storage;
    }

    Location of(String text) {
      return of(Location.of(text));
    }

    Location of(Location file) {
      if (!file.isLocal()) {
        return file;
      }
      return file.parent().map(directory -> directories.computeIfAbsent(directory, storage::canonical)
          .resolve(file.name())).orElse(file);
    }
  }
}
