package dev.datashard.commit;

import static java.util.Objects.requireNonNull;

import dev.datashard.DataShardException;
import dev.datashard.NoSuchTableException;
import dev.datashard.Snapshot;
import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.io.StoredObject;
import dev.datashard.metadata.MalformedMetadataException;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.Manifests;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.TableMetadataJson;
import dev.datashard.metadata.TableProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, reads and publishes a table's metadata versions ({@code metadata/vN.metadata.json}) in
 * the layout of Iceberg's file-system tables.
 *
 * <p>The commit protocol rests on one invariant: <b>a version number, once published, is never
 * free again</b>. Publishing version N+1 is an atomic create-if-absent, so it is a conflict check
 * against every other writer only while every number up to the newest stays taken. Retention
 * (metadata files falling out of the log), orphan removal and dropping the table therefore never
 * delete a version file: they <i>retire</i> it, replacing its content with nothing, so its number
 * stays taken and a writer holding a stale base fails to publish, re-reads and retries. Readers
 * pass over retired versions to the newest live one. The version hint is only a hint: readers
 * probe forward from it until a version is missing.
 */
public final class TableOperations {
  private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.metadata\\.json");
  private static final int MANIFEST_LISTS_CACHED = 16;
  /** Listings in a row that may find their newest version retired before giving up: retention outran us. */
  private static final int LOCATE_ATTEMPTS = 5;
  /**
   * What a retired version file holds: far shorter than any table metadata, and not JSON, so an
   * empty or truncated version file still reads as damaged rather than retired.
   */
  private static final byte[] RETIRED = "datashard: retired metadata version\n".getBytes(StandardCharsets.UTF_8);

  /** A metadata version as read from (or published to) the store. */
  public record Version(int number, String file, TableMetadata metadata) {
    public Version {
      requireNonNull(file, "file");
      requireNonNull(metadata, "metadata");
    }
  }

  private final Storage storage;
  private final String location;
  private final Location metadataDirectory;
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
    this.metadataDirectory = Location.of(location).resolve("metadata");
  }

  public Storage storage() {
    return storage;
  }

  public String location() {
    return location;
  }

  /**
   * The base of new files' locations (data, delete files, manifests, manifest lists): the table's
   * location as its metadata spells it when that names this place, else this handle's. Engines
   * pick a file system by a path's scheme: a table Spark created through S3A says {@code s3a://},
   * and the files DataShard adds to it must too, or Spark, configured for s3a only, cannot read them.
   */
  public String newFilesLocation() {
    String spelled = current().metadata().location().replaceAll("/+$", "");
    try {
      return Location.of(spelled).equals(Location.of(location)) ? spelled : location;
    } catch (StorageException e) {
      return location; // the metadata names no place DataShard knows: write where the table was found
    }
  }

  /**
   * The directory of new data and delete files: Iceberg's {@code write.data.path} when the table
   * sets it, else {@code data} below {@link #newFilesLocation()}.
   */
  public String newDataLocation() {
    return TableProperties.DATA_PATH.read(current().metadata().properties())
        .orElseGet(() -> newFilesLocation() + "/data");
  }

  public String metadataFile(int version) {
    return location + "/metadata/v" + version + ".metadata.json";
  }

  String hintFile() {
    return location + "/metadata/version-hint.text";
  }

  /** The version number of one of this table's version files ({@code metadata/vN.metadata.json}), or 0. */
  int versionNumber(Location file) {
    if (!file.isBelow(metadataDirectory) || file.relativeTo(metadataDirectory).contains("/")) {
      return 0;
    }
    Matcher matcher = VERSION_FILE.matcher(file.name());
    return matcher.matches() ? Integer.parseInt(matcher.group(1)) : 0;
  }

  /** The newest known version, loading it on first use. */
  public Version current() {
    Version known = current;
    return known != null ? known : refresh();
  }

  /**
   * Finds the newest version in the store.
   *
   * @throws NoSuchTableException when there is none, or when the table this handle knew was
   *     dropped and another created at its location
   */
  public Version refresh() {
    Version known = current;
    Version latest = known != null ? newestFrom(known) : load();
    if (known != null && !sameTable(known.metadata(), latest.metadata())) {
      throw new NoSuchTableException(location, "the table loaded from there (uuid " + known.metadata().tableUuid()
          + ") was dropped and another created in its place (uuid " + latest.metadata().tableUuid()
          + "); load it again");
    }
    current = latest;
    return latest;
  }

  private static boolean sameTable(TableMetadata known, TableMetadata latest) {
    return known.tableUuid() == null || latest.tableUuid() == null || known.tableUuid().equals(latest.tableUuid());
  }

  /**
   * The newest version at or after {@code known}. The successor is probed and the hint read at
   * once: a missing successor with a hint beyond it means another engine's clean-up deleted the
   * successor's file, and newer versions exist.
   */
  private Version newestFrom(Version known) {
    CompletableFuture<Optional<byte[]>> hint = fetch(hintFile());
    Optional<byte[]> next = readVersion(known.number() + 1);
    if (next.isPresent() && !isRetired(next.get())) {
      Optional<Version> newest = probeForward(known.number() + 1, next.get());
      if (newest.isPresent()) {
        return newest.get();
      }
    }
    int hinted = hintedVersion(StorageException.join(hint));
    if (next.isEmpty() && hinted <= known.number() + 1) {
      return known;
    }
    return locate(Math.max(hinted, known.number() + 1));
  }

  /**
   * Loads the newest version starting from the hint. The hinted version and the probe for the one
   * after it are read in parallel, so on S3 a load is two round trips (hint, then both) unless
   * the hint is stale.
   */
  private Version load() {
    Optional<byte[]> hint = readIfExists(hintFile());
    int start = hint.isPresent() ? hintedVersion(hint) : 0;
    if (start > 0) {
      CompletableFuture<Optional<byte[]>> successor = fetch(metadataFile(start + 1));
      Optional<byte[]> hinted = readVersion(start);
      Optional<byte[]> next = StorageException.join(successor);
      if (hinted.isPresent() && !isRetired(hinted.get())) {
        if (next.isEmpty()) {
          return parse(start, hinted.get());
        }
        if (!isRetired(next.get())) {
          Optional<Version> newest = probeForward(start + 1, next.get());
          if (newest.isPresent()) {
            return newest.get();
          }
        }
      }
    }
    // No hint, or one naming a missing or retired version: the listing knows better.
    return locate(highestListedLiveVersion());
  }

  /**
   * The newest live version, probing forward from {@code candidate}; when that turns out missing
   * or retired (retention moved on meanwhile), from the listing's highest live version instead.
   */
  private Version locate(int candidate) {
    int start = candidate;
    for (int attempt = 1; ; attempt++) {
      Optional<byte[]> content = readVersion(start);
      if (content.isPresent() && !isRetired(content.get())) {
        Optional<Version> newest = probeForward(start, content.get());
        if (newest.isPresent()) {
          return newest.get();
        }
      }
      if (attempt == LOCATE_ATTEMPTS) {
        throw new DataShardException("cannot find the newest metadata version of " + location + ": versions "
            + "were retired faster than they could be read; try again");
      }
      start = highestListedLiveVersion();
    }
  }

  /**
   * The newest version from {@code number} (read, not parsed yet) on, probing until a version is
   * missing. Only the newest is parsed: a writer that fell many commits behind would otherwise
   * parse the whole history. Empty when a later version turns out retired: the run read so far
   * is outdated.
   */
  private Optional<Version> probeForward(int number, byte[] content) {
    int newest = number;
    byte[] newestContent = content;
    for (Optional<byte[]> next = readVersion(newest + 1); next.isPresent(); next = readVersion(newest + 1)) {
      if (isRetired(next.get())) {
        return Optional.empty();
      }
      newest++;
      newestContent = next.get();
    }
    return Optional.of(parse(newest, newestContent));
  }

  /** Whether a live metadata version exists at this location. */
  public boolean exists() {
    return highestListedLiveVersionOrZero() > 0;
  }

  /** Publishes the first version; false when anything of a table is there already. */
  public boolean create(TableMetadata metadata) {
    OptionalInt first = firstVersionNumber();
    return first.isPresent() && publishFirst(first.getAsInt(), metadata);
  }

  /**
   * The number the first version of a new table here takes; empty when anything of a table is
   * there already: a live version, a hint, other metadata or data files. After a drop, whose
   * retired versions stay, a new table's versions continue after theirs, so a writer still holding
   * the dropped table can never publish into the new one.
   */
  public OptionalInt firstVersionNumber() {
    int highestRetired = 0;
    for (StoredObject object : storage.list(location + "/metadata/")) {
      int number = versionNumber(Location.of(object.location()));
      if (number == 0 || !isRetired(object)) {
        return OptionalInt.empty();
      }
      highestRetired = Math.max(highestRetired, number);
    }
    if (!storage.list(location + "/data/").isEmpty()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(highestRetired + 1);
  }

  /** Publishes a new table's first version as {@code number}; false when that version exists. */
  public boolean publishFirst(int number, TableMetadata metadata) {
    String file = metadataFile(number);
    if (!storage.publish(file, bytes(metadata))) {
      return false;
    }
    current = new Version(number, file, metadata);
    writeHint(number);
    return true;
  }

  /**
   * Removes the table: its versions are retired first, newest last, so a reader never finds a
   * table whose data is half gone; then every other file of the table is deleted (not those of a
   * table nested in its directory).
   */
  public void drop() {
    List<StoredObject> files = TableFiles.list(this);
    files.stream().filter(o -> versionNumber(Location.of(o.location())) > 0 && !isRetired(o))
        .sorted(java.util.Comparator.comparingInt(o -> versionNumber(Location.of(o.location()))))
        .forEach(o -> retire(o.location()));
    files.stream().filter(o -> versionNumber(Location.of(o.location())) == 0).forEach(o -> storage.delete(o.location()));
    current = null;
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
      retireDroppedMetadataFiles(base, updated);
    }
    return Optional.of(published);
  }

  /** Metadata files that fell out of the metadata log with this commit. */
  private void retireDroppedMetadataFiles(Version base, TableMetadata updated) {
    Set<Location> kept = new HashSet<>();
    updated.metadataLog().forEach(entry -> kept.add(Location.of(entry.metadataFile())));
    List<String> before = new ArrayList<>();
    base.metadata().metadataLog().forEach(entry -> before.add(entry.metadataFile()));
    before.add(base.file());
    for (String file : before) {
      if (!kept.contains(Location.of(file))) {
        try {
          retire(file);
        } catch (StorageException e) {
          // Left for orphan removal; the commit itself succeeded.
        }
      }
    }
  }

  /**
   * Removes a metadata file nothing needs any more. One of this table's version files is emptied
   * instead of deleted, so its number stays taken; other metadata files are deleted.
   */
  public void retire(String file) {
    if (versionNumber(Location.of(file)) > 0) {
      StorageException.join(storage.replaceAsync(file, RETIRED));
    } else {
      storage.delete(file);
    }
  }

  /** Whether a version file's content was removed by {@link #retire}. */
  public static boolean isRetired(byte[] content) {
    return Arrays.equals(content, RETIRED);
  }

  /** Whether a listed version file is retired, by its size: no table metadata is that short. */
  public static boolean isRetired(StoredObject object) {
    return object.size() == RETIRED.length;
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

  private Optional<byte[]> readVersion(int number) {
    return number <= 0 ? Optional.empty() : storage.readIfExists(metadataFile(number));
  }

  /** The content of an object, or empty when it does not exist. */
  private CompletableFuture<Optional<byte[]>> fetch(String file) {
    return storage.readAsync(file).thenApply(Optional::of).exceptionally(failure -> {
      Throwable cause = StorageException.unwrap(failure);
      if (cause instanceof StorageException e && e.kind() == StorageException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw new CompletionException(cause);
    });
  }

  private Optional<byte[]> readIfExists(String file) {
    return storage.readIfExists(file);
  }

  private Version parse(int number, byte[] content) {
    String file = metadataFile(number);
    return new Version(number, file, TableMetadataJson.parse(new String(content, StandardCharsets.UTF_8), file));
  }

  /** The version a hint names; 0 for none or a damaged one (a damaged hint is only a lost shortcut). */
  private static int hintedVersion(Optional<byte[]> hint) {
    if (hint.isPresent()) {
      try {
        return Integer.parseInt(new String(hint.get(), StandardCharsets.UTF_8).trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  private int highestListedLiveVersion() {
    int version = highestListedLiveVersionOrZero();
    if (version == 0) {
      throw new NoSuchTableException(location);
    }
    return version;
  }

  private int highestListedLiveVersionOrZero() {
    int highest = 0;
    for (StoredObject object : storage.list(location + "/metadata/")) {
      if (!isRetired(object)) {
        highest = Math.max(highest, versionNumber(Location.of(object.location())));
      }
    }
    return highest;
  }

  private void writeHint(int version) {
    // Best effort: readers probe past a stale hint, so a failed write does not fail the commit.
    storage.replaceAsync(hintFile(), Integer.toString(version).getBytes(StandardCharsets.UTF_8))
        .exceptionally(failure -> null);
  }

  private static byte[] bytes(TableMetadata metadata) {
    return TableMetadataJson.toJson(metadata);
  }
}
