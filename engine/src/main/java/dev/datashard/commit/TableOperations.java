package dev.datashard.commit;

import static java.util.Objects.requireNonNull;

import dev.datashard.NoSuchTableException;
import dev.datashard.Snapshot;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.io.StoredObject;
import dev.datashard.metadata.MalformedMetadataException;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.TableMetadataJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, reads and publishes a table's metadata versions ({@code metadata/vN.metadata.json}) in
 * the layout of Iceberg's file-system tables. The version hint is only a hint: readers probe
 * forward from it until a version is missing.
 */
public final class TableOperations {
  private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.metadata\\.json");
  private static final int MANIFEST_LISTS_CACHED = 16;

  /** A metadata version as read from (or published to) the store. */
  public record Version(int number, String file, TableMetadata metadata) {
    public Version {
      requireNonNull(file, "file");
      requireNonNull(metadata, "metadata");
    }
  }

  private final Storage storage;
  private final String location;
  private volatile Version current;
  /** Manifest lists never change once written; the most recently used are kept, a bounded few. */
  private final Map<String, List<ManifestFile>> manifestLists = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, List<ManifestFile>> eldest) {
      return size() > MANIFEST_LISTS_CACHED;
    }
  };

  public TableOperations(Storage storage, String location) {
    this.storage = storage;
    this.location = location;
  }

  public Storage storage() {
    return storage;
  }

  public String location() {
    return location;
  }

  public String metadataFile(int version) {
    return location + "/metadata/v" + version + ".metadata.json";
  }

  private String hintFile() {
    return location + "/metadata/version-hint.text";
  }

  /** The newest known version, loading it on first use. */
  public Version current() {
    Version known = current;
    return known != null ? known : refresh();
  }

  /** Finds the newest version in the store. */
  public Version refresh() {
    Version known = current;
    Version latest = known != null ? newestFrom(known) : load();
    current = latest;
    return latest;
  }

  /**
   * Probes forward from a version until the next one is missing. Only the newest is parsed: a
   * writer that fell many commits behind would otherwise parse the whole history once per
   * version it skips.
   */
  private Version newestFrom(Version version) {
    Optional<byte[]> next = readVersion(version.number() + 1);
    return next.isPresent() ? newestFrom(version.number() + 1, next.get()) : version;
  }

  /** {@link #newestFrom(Version)} from version {@code number}, read but not parsed yet. */
  private Version newestFrom(int number, byte[] content) {
    int newest = number;
    byte[] newestContent = content;
    for (Optional<byte[]> next = readVersion(newest + 1); next.isPresent(); next = readVersion(newest + 1)) {
      newest++;
      newestContent = next.get();
    }
    return parse(newest, newestContent);
  }

  /**
   * Loads the newest version starting from the hint. The hinted version and the probe for the one
   * after it are read in parallel, so on S3 a load is two round trips (hint, then both) unless
   * the hint is stale.
   */
  private Version load() {
    int start = findStartVersion();
    CompletableFuture<Optional<byte[]>> successor = fetchVersion(start + 1);
    Optional<byte[]> hinted = readVersion(start);
    if (hinted.isEmpty()) {
      // The hint pointed at a version that does not exist: fall back to listing.
      int listed = listedVersion();
      return newestFrom(read(listed).orElseThrow(() -> new NoSuchTableException(location)));
    }
    Optional<byte[]> next = StorageException.join(successor);
    return next.isPresent() ? newestFrom(start + 1, next.get()) : parse(start, hinted.get());
  }

  /** Whether any metadata version exists at this location. */
  public boolean exists() {
    return storage.exists(hintFile()) || storage.exists(metadataFile(1)) || listedVersionOrZero() > 0;
  }

  /** Publishes the first version; false when one exists already. */
  public boolean create(TableMetadata metadata) {
    String file = metadataFile(1);
    if (!storage.publish(file, bytes(metadata))) {
      return false;
    }
    current = new Version(1, file, metadata);
    writeHint(1);
    return true;
  }

  /**
   * Publishes {@code updated} as the version after {@code base}. Empty when another writer
   * published that version first.
   *
   * @throws dev.datashard.io.AmbiguousWriteException when the store's answer was lost
   */
  public Optional<Version> publish(Version base, TableMetadata updated) {
    return publish(base, updated, CompletableFuture.completedFuture(null));
  }

  /**
   * {@link #publish(Version, TableMetadata)} once {@code prerequisites}, the writes of the files
   * {@code updated} references, have completed; nothing is published if one failed.
   */
  public Optional<Version> publish(Version base, TableMetadata updated, CompletableFuture<?> prerequisites) {
    int number = base.number() + 1;
    String file = metadataFile(number);
    if (!storage.publish(file, bytes(updated), prerequisites)) {
      return Optional.empty();
    }
    Version published = new Version(number, file, updated);
    advance(published);
    writeHint(number);
    if (Boolean.parseBoolean(updated.property(TableMetadata.DELETE_AFTER_COMMIT, "false"))) {
      deleteDroppedMetadataFiles(base, updated);
    }
    return Optional.of(published);
  }

  /** Metadata files that fell out of the metadata log with this commit. */
  private void deleteDroppedMetadataFiles(Version base, TableMetadata updated) {
    java.util.Set<String> kept = new java.util.HashSet<>();
    updated.metadataLog().forEach(entry -> kept.add(entry.metadataFile()));
    List<String> before = new java.util.ArrayList<>();
    base.metadata().metadataLog().forEach(entry -> before.add(entry.metadataFile()));
    before.add(base.file());
    for (String file : before) {
      if (!kept.contains(file)) {
        try {
          storage.delete(file);
        } catch (StorageException e) {
          // Left for orphan removal; the commit itself succeeded.
        }
      }
    }
  }

  /** Records a version this process learned of (never moves backwards). */
  void advance(Version version) {
    synchronized (this) {
      if (current == null || current.number() < version.number()) {
        current = version;
      }
    }
  }

  /** The manifests of a snapshot, cached: manifest lists never change once written. */
  public List<ManifestFile> manifests(Snapshot snapshot) {
    String list = snapshot.manifestList();
    synchronized (manifestLists) {
      List<ManifestFile> cached = manifestLists.get(list);
      if (cached != null) {
        return cached;
      }
    }
    // Read outside the lock: other snapshots' lookups need not wait for this read.
    List<ManifestFile> manifests = List.copyOf(Manifests.readManifestList(readMetadataFile(list), list));
    synchronized (manifestLists) {
      manifestLists.put(list, manifests);
    }
    return manifests;
  }

  /** Remembers the manifests of a manifest list this process wrote, sparing the next commit a read. */
  void cacheManifests(String manifestList, List<ManifestFile> manifests) {
    synchronized (manifestLists) {
      manifestLists.put(manifestList, List.copyOf(manifests));
    }
  }

  public CompletableFuture<byte[]> readAsync(String file) {
    return storage.readAsync(file);
  }

  /** Reads a metadata file that must exist, naming it when it does not. */
  public byte[] readMetadataFile(String file) {
    try {
      return storage.read(file);
    } catch (StorageException e) {
      if (e.kind() == StorageException.Kind.NOT_FOUND) {
        throw new MalformedMetadataException(file, "it is referenced by the table but missing", e);
      }
      throw e;
    }
  }

  /**
   * Version {@code number}, if its file holds exactly one of {@code candidates} as this process
   * writes them: how a writer recognises its own publish that landed after its answer was lost.
   */
  Optional<Version> holding(int number, List<TableMetadata> candidates) {
    String file = metadataFile(number);
    Optional<byte[]> content = storage.readIfExists(file);
    return content.flatMap(stored -> candidates.stream().filter(m -> Arrays.equals(stored, bytes(m))).findFirst())
        .map(metadata -> new Version(number, file, metadata));
  }

  private Optional<Version> read(int number) {
    return readVersion(number).map(content -> parse(number, content));
  }

  private Optional<byte[]> readVersion(int number) {
    return number <= 0 ? Optional.empty() : storage.readIfExists(metadataFile(number));
  }

  /** The content of version {@code number}, or empty when it does not exist. */
  private CompletableFuture<Optional<byte[]>> fetchVersion(int number) {
    return storage.readAsync(metadataFile(number)).thenApply(Optional::of).exceptionally(failure -> {
      Throwable cause = StorageException.unwrap(failure);
      if (cause instanceof StorageException e && e.kind() == StorageException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw new CompletionException(cause);
    });
  }

  private Version parse(int number, byte[] content) {
    String file = metadataFile(number);
    return new Version(number, file, TableMetadataJson.parse(new String(content, StandardCharsets.UTF_8), file));
  }

  private int findStartVersion() {
    Optional<byte[]> hint = storage.readIfExists(hintFile());
    if (hint.isPresent()) {
      try {
        return Integer.parseInt(new String(hint.get(), StandardCharsets.UTF_8).trim());
      } catch (NumberFormatException e) {
        // A damaged hint is only a lost shortcut.
      }
    }
    return listedVersion();
  }

  private int listedVersion() {
    int version = listedVersionOrZero();
    if (version == 0) {
      throw new NoSuchTableException(location);
    }
    return version;
  }

  private int listedVersionOrZero() {
    int highest = 0;
    for (StoredObject object : storage.list(location + "/metadata/")) {
      String name = object.location().substring(object.location().lastIndexOf('/') + 1);
      Matcher matcher = VERSION_FILE.matcher(name);
      if (matcher.matches()) {
        highest = Math.max(highest, Integer.parseInt(matcher.group(1)));
      }
    }
    return highest;
  }

  private void writeHint(int version) {
    // Best effort: readers probe past a stale hint, so a failed write does not fail the commit.
    storage.writeHintAsync(hintFile(), Integer.toString(version).getBytes(StandardCharsets.UTF_8))
        .exceptionally(failure -> null);
  }

  private static byte[] bytes(TableMetadata metadata) {
    return TableMetadataJson.toJson(metadata);
  }
}
