package dev.datashard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.iceberg.LocationProviders;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * The smallest catalog-free {@link TableOperations} for Iceberg's core on a local disk, the peer
 * fairness configuration of issue #12: versions are {@code metadata/vN.metadata.json}; a commit
 * writes the new version to a temporary file and hard-links it to the next version's name, which
 * fails if another writer made that version first (create-if-absent, atomic on POSIX file
 * systems). No version hint, no Hadoop {@code FileSystem}; files through {@link NioFileIO}.
 */
final class NioTableOperations implements TableOperations {
  private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.metadata\\.json");

  private final Path metadataDirectory;
  private final FileIO io = new NioFileIO();
  private TableMetadata current;
  private int currentVersion;
  private LocationProvider locations;

  /** Operations on the table at {@code location}, not read yet: {@link #refresh()} loads, a commit from null creates. */
  NioTableOperations(String location) {
    this.metadataDirectory = NioFileIO.path(location).resolve("metadata");
  }

  @Override
  public TableMetadata current() {
    return current;
  }

  /** Reads the newest version: the highest on disk the first time, then the versions after the current one. */
  @Override
  public TableMetadata refresh() {
    int newest = current == null ? highestVersionOnDisk() : currentVersion;
    while (Files.exists(versionFile(newest + 1))) {
      newest++;
    }
    if (newest == 0) {
      throw new NoSuchTableException("No Iceberg table metadata in %s", metadataDirectory);
    }
    if (current == null || newest != currentVersion) {
      use(TableMetadataParser.read(io, versionFile(newest).toString()), newest);
    }
    return current;
  }

  @Override
  public void commit(TableMetadata base, TableMetadata metadata) {
    if (base != current) {
      if (base == null) {
        throw new AlreadyExistsException("Table already exists: %s", metadataDirectory.getParent());
      }
      throw new CommitFailedException("Cannot commit: stale table metadata");
    }
    if (base == metadata) {
      return;
    }
    int version = currentVersion + 1;
    Path target = versionFile(version);
    Path temporary = metadataDirectory.resolve("tmp-" + UUID.randomUUID() + ".metadata.json");
    try {
      TableMetadataParser.write(metadata, io.newOutputFile(temporary.toString()));
      try {
        Files.createLink(target, temporary);
      } catch (FileAlreadyExistsException e) {
        if (base == null) {
          throw new AlreadyExistsException("Table already exists: %s", metadataDirectory.getParent());
        }
        throw new CommitFailedException("Version %d of %s was committed by another writer", version,
            metadataDirectory.getParent());
      } finally {
        Files.delete(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // What was written is exactly this metadata: keep it rather than read the file back.
    use(TableMetadata.buildFrom(metadata).discardChanges().withMetadataLocation(target.toString()).build(), version);
  }

  @Override
  public FileIO io() {
    return io;
  }

  @Override
  public String metadataFileLocation(String fileName) {
    return metadataDirectory.resolve(fileName).toString();
  }

  @Override
  public LocationProvider locationProvider() {
    return locations;
  }

  private void use(TableMetadata metadata, int version) {
    locations = LocationProviders.locationsFor(metadata.location(), metadata.properties());
    current = metadata;
    currentVersion = version;
  }

  private Path versionFile(int version) {
    return metadataDirectory.resolve("v" + version + ".metadata.json");
  }

  private int highestVersionOnDisk() {
    if (!Files.isDirectory(metadataDirectory)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(metadataDirectory)) {
      return files.map(f -> VERSION_FILE.matcher(f.getFileName().toString()))
          .filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
