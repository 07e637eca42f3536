package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.commit.TableOperations;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.local.LocalStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.ReachableFileUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orphan removal, proven against Apache Iceberg's own idea of which files a table still needs.
 *
 * <p>For tables written by Iceberg's library, by DataShard and by both, reached through symbolic
 * links and nested in each other's directories, DataShard's dry run must list exactly the files
 * below the table (less nested tables' files) that Iceberg's library does not reach from the
 * table's metadata: the current metadata file and its metadata log, the version hint, statistics
 * files, every snapshot's manifest list, manifests and data and delete files. Locations are
 * compared as real paths (parsed by Hadoop, as Iceberg parses them, then symbolic links resolved),
 * so {@code file:/x}, {@code /x} and {@code file:///x} cannot hide a difference. Documented
 * DataShard differences: a retired {@code metadata/vN.metadata.json} (emptied but for DataShard's
 * short marker) keeps its version number taken and is never an orphan; staging directories
 * ({@code .tmp-*}) as old as the cut-off, contents included, are listed too. Hadoop's {@code .crc}
 * side files, which Iceberg's file IO writes and no metadata references, are orphans by that
 * definition (deleting one only skips a checksum check).
 *
 * <p>Then the real removal must remove exactly those, after which every row of every remaining
 * snapshot still reads, in Iceberg's generic reader and in DataShard's scan, and a second dry run
 * finds nothing.
 */
class OrphansDifferentialTest {
  private static final Pattern VERSION_FILE = Pattern.compile("v\\d+\\.metadata\\.json");
  private static final long DAY = Duration.ofDays(1).toMillis();

  @TempDir Path temp;
  private Path warehouse;
  private RootAllocator allocator;
  private DataShard shard;
  private long old;

  @BeforeEach
  void open() throws IOException {
    warehouse = Files.createDirectory(temp.resolve("warehouse"));
    allocator = new RootAllocator();
    shard = DataShard.open(StorageConfig.local(warehouse), allocator);
    old = System.currentTimeMillis() - 30 * DAY;
  }

  @AfterEach
  void closeAndCheckLeaks() {
    shard.close();
    allocator.close(); // throws when any Arrow buffer was not released
  }

  // ---------------------------------------------------------------------------------------------
  // (a) Iceberg's library wrote everything, at a plain path

  @Test
  void tableWrittenByIcebergAtAPlainPath() throws IOException {
    Path dir = warehouse.resolve("by_iceberg");
    // Three previous versions kept: the older ones fall out of the log, unreferenced but on disk.
    Table iceberg = IcebergWrites.create(dir.toString(), IcebergSchemas.events(), PartitionSpec.unpartitioned(),
        Map.of(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "3"));
    assertThat(iceberg.location()).startsWith("/");
    IcebergWrites.append(iceberg, rows(0, 10, "a"));
    long first = iceberg.currentSnapshot().snapshotId();
    DataFile firstFile = onlyAddedFile(iceberg);
    IcebergWrites.append(iceberg, rows(10, 20, "b"), rows(20, 30, "c"));
    long second = iceberg.currentSnapshot().snapshotId();
    DataFile deletedLater = addedFiles(iceberg).stream()
        .filter(f -> Conversions.<Long>fromByteBuffer(Types.LongType.get(), f.lowerBounds().get(1)) == 20L)
        .findFirst().orElseThrow();
    DataFile withDeletes = IcebergWrites.writeDataFile(iceberg, rows(30, 40, "d"));
    iceberg.newAppend().appendFile(withDeletes).commit();
    long third = iceberg.currentSnapshot().snapshotId();
    // An overwrite replaces rows 0..9; a row delta deletes rows 30 and 31; a delete drops a file.
    iceberg.newOverwrite().deleteFile(firstFile)
        .addFile(IcebergWrites.writeDataFile(iceberg, rows(0, 10, "rewritten"))).commit();
    DeleteFile positionDeletes = IcebergWrites.writePositionDeletes(iceberg, withDeletes, 0, 1);
    iceberg.newRowDelta().addDeletes(positionDeletes).commit();
    iceberg.newDelete().deleteFile(deletedLater.location()).commit();
    iceberg.expireSnapshots().expireSnapshotId(first).expireSnapshotId(second).expireSnapshotId(third).commit();
    assertThat(Files.exists(Path.of(firstFile.location()))).as("Iceberg's expiry removed the file").isFalse();
    IcebergWrites.writeStatistics(iceberg);
    iceberg.refresh();
    assertThat(iceberg.snapshots()).hasSize(3);
    assertThat(iceberg.currentSnapshot().allManifests(iceberg.io()).get(0).path()).startsWith("/");
    assertThat(Interop.icebergRows(iceberg, null)).extracting(r -> r.get("id"))
        .containsExactlyElementsOf(ids(0, 20, 32, 40));

    dev.datashard.Table table = shard.loadTable("by_iceberg");
    Set<Path> strays = addStrays(dir, iceberg);
    Set<Path> removed = differentialRemoval(table, dir, Set.of(), strays);
    // Versions 1 to 5 fell out of the metadata log: retired, their numbers still taken.
    assertThat(removed).contains(dir.resolve("metadata/v5.metadata.json").toRealPath());
    assertThat(isRetiredVersion(dir.resolve("metadata/v1.metadata.json"))).isTrue();
    assertThat(isRetiredVersion(dir.resolve("metadata/v6.metadata.json"))).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // (b) DataShard created the table; Iceberg's library (as Spark does) and DataShard append

  @Test
  void dataShardTableAppendedToByIcebergAndDataShard() throws IOException {
    dev.datashard.Table table = shard.createTable("mixed", IcebergSchemas.toDataShard(IcebergSchemas.events()),
        Map.of(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "2"));
    Path dir = warehouse.resolve("mixed");
    table.appendRecords(rows(0, 10, "datashard"));
    // As Spark appends through Iceberg: the table's own (file:///) location, then a plain path.
    // Spark's data files are named file:/x, or /x for a table loaded by path.
    Table iceberg = Interop.icebergTable(table.location());
    DataFile sparkFile = spelled(IcebergWrites.writeDataFile(iceberg, rows(10, 20, "iceberg")), "file:");
    iceberg.newAppend().appendFile(sparkFile).commit();
    Table byPath = Interop.icebergTable(dir.toString());
    DataFile icebergFile = spelled(IcebergWrites.writeDataFile(byPath, rows(20, 30, "iceberg by path")), "");
    byPath.newAppend().appendFile(icebergFile).commit();
    assertThat(sparkFile.location()).startsWith("file:/").doesNotStartWith("file://");
    assertThat(icebergFile.location()).startsWith("/");
    table.refresh().appendRecords(rows(30, 40, "datashard again"));
    IcebergWrites.append(Interop.icebergTable(table.location()), rows(40, 50, "iceberg again"));
    // DataShard removes a file Iceberg wrote (listed in DataShard's spelling), then expires the
    // oldest two snapshots (deleting what only they referenced).
    String icebergFileAsListed = table.refresh().newScan().files().stream().map(dev.datashard.metadata.DataFile::location)
        .filter(location -> realPath(location).equals(realPath(icebergFile.location()))).findFirst().orElseThrow();
    table.deleteFiles(List.of(icebergFileAsListed));
    table.expireSnapshots(System.currentTimeMillis() + 1_000, 4);
    iceberg.refresh();
    assertThat(iceberg.snapshots()).hasSize(4);
    assertThat(Interop.icebergRows(iceberg, null)).extracting(r -> r.get("id"))
        .containsExactlyElementsOf(ids(0, 20, 30, 50));
    assertSpellings(iceberg, "/", "file:/", "file:///");

    Set<Path> strays = addStrays(dir, iceberg);
    // A killed writer's staging directory with the partial file it was writing.
    Path staging = Files.createDirectory(dir.resolve("data/.tmp-" + UUID.randomUUID()));
    Path partial = Files.write(staging.resolve("part-0.parquet"), new byte[] {'P', 'A', 'R'});
    age(partial);
    age(staging);
    strays.add(realPath(partial));
    Set<Path> removed = differentialRemoval(table, dir, Set.of(), strays);
    assertThat(removed).as("the killed writer's staging directory").contains(realPath(staging));
    assertThat(staging).doesNotExist();
    // Version 1 fell out of the metadata log (two previous versions kept): retired.
    assertThat(removed).contains(dir.resolve("metadata/v1.metadata.json").toRealPath());
    assertThat(isRetiredVersion(dir.resolve("metadata/v1.metadata.json"))).isTrue();

    // Both writers carry on: DataShard's staging directories may have been removed under it.
    table.refresh().appendRecords(rows(50, 60, "after"));
    IcebergWrites.append(Interop.icebergTable(dir.toString()), rows(60, 70, "after"));
    iceberg.refresh();
    assertThat(Interop.icebergRows(iceberg, null)).extracting(r -> r.get("id"))
        .containsExactlyElementsOf(ids(0, 20, 30, 70));
    Interop.assertSameRows(Interop.datashardRows(table.refresh().newScan()), Interop.icebergRows(iceberg, null));
  }

  // ---------------------------------------------------------------------------------------------
  // (c) symbolic links

  /** A directory above the table is a link: created through it, cleaned through the real path. */
  @Test
  void tableCreatedThroughALinkedDirectoryIsCleanedThroughTheRealPathAndBack() throws IOException {
    Path real = Files.createDirectory(warehouse.resolve("real"));
    Files.createSymbolicLink(warehouse.resolve("link"), real);

    dev.datashard.Table viaLink = shard.createTable("link/t", IcebergSchemas.toDataShard(IcebergSchemas.events()));
    assertThat(viaLink.location()).contains("/link/t");
    viaLink.appendRecords(rows(0, 10, "via link"));
    IcebergWrites.append(Interop.icebergTable(warehouse.resolve("link/t").toString()), rows(10, 20, "iceberg"));
    viaLink.refresh().appendRecords(rows(20, 30, "via link again"));
    Table iceberg = Interop.icebergTable(viaLink.location());
    Set<Path> strays = addStrays(real.resolve("t"), iceberg);
    differentialRemoval(shard.loadTable("real/t"), real.resolve("t"), Set.of(), strays);

    dev.datashard.Table viaRealPath = shard.createTable("real/u", IcebergSchemas.toDataShard(IcebergSchemas.events()));
    viaRealPath.appendRecords(rows(0, 10, "real"));
    IcebergWrites.append(Interop.icebergTable(real.resolve("u").toString()), rows(10, 20, "iceberg"));
    strays = addStrays(real.resolve("u"), Interop.icebergTable(viaRealPath.location()));
    differentialRemoval(shard.loadTable("link/u"), warehouse.resolve("link/u"), Set.of(), strays);
  }

  /** The table's own directory is reached through a link. */
  @Test
  void tableWhoseDirectoryIsALink() throws IOException {
    dev.datashard.Table created = shard.createTable("real_t", IcebergSchemas.toDataShard(IcebergSchemas.events()));
    created.appendRecords(rows(0, 10, "real"));
    Files.createSymbolicLink(warehouse.resolve("t_link"), warehouse.resolve("real_t"));
    dev.datashard.Table viaLink = shard.loadTable("t_link");
    viaLink.appendRecords(rows(10, 20, "via link"));
    IcebergWrites.append(Interop.icebergTable(warehouse.resolve("t_link").toString()), rows(20, 30, "iceberg"));
    Table iceberg = Interop.icebergTable(created.location());
    assertThat(Interop.icebergRows(iceberg, null)).hasSize(30);

    Set<Path> strays = addStrays(warehouse.resolve("real_t"), iceberg);
    differentialRemoval(shard.loadTable("t_link"), warehouse.resolve("t_link"), Set.of(), strays);
    strays = addStrays(warehouse.resolve("real_t"), iceberg);
    differentialRemoval(shard.loadTable("real_t"), warehouse.resolve("real_t"), Set.of(), strays);

    // The same listing drops the table: through the link, only its retired version files stay.
    assertThat(shard.dropTable("t_link")).isTrue();
    assertThat(shard.tableExists("real_t")).isFalse();
    assertThat(files(warehouse.resolve("real_t"), Set.of())).isNotEmpty()
        .allSatisfy(file -> assertThat(isRetiredVersion(file)).as(file + " retired").isTrue());
  }

  // ---------------------------------------------------------------------------------------------
  // (d) nested tables

  @Test
  void nestedTablesKeepTheirFiles() throws IOException {
    dev.datashard.Schema schema = IcebergSchemas.toDataShard(IcebergSchemas.events());
    dev.datashard.Table sales = shard.createTable("sales", schema);
    sales.appendRecords(rows(0, 10, "sales"));
    dev.datashard.Table sales2024 = shard.createTable("sales/2024", schema);
    sales2024.appendRecords(rows(0, 5, "2024"));
    sales.appendRecords(rows(10, 20, "sales"));
    sales2024.appendRecords(rows(5, 10, "2024"));
    // Iceberg's own tables inside DataShard's table directory, one even inside its data directory.
    Path imported = warehouse.resolve("sales/data/imported");
    Table importedTable = IcebergWrites.create(imported.toString(), IcebergSchemas.events(), PartitionSpec.unpartitioned());
    IcebergWrites.append(importedTable, rows(0, 7, "imported"));
    Path archive = warehouse.resolve("sales/archive");
    Table archiveTable = IcebergWrites.create(LocalStorage.locationOf(archive), IcebergSchemas.events(),
        PartitionSpec.unpartitioned());
    IcebergWrites.append(archiveTable, rows(0, 3, "archive"));
    IcebergWrites.append(archiveTable, rows(3, 6, "archive"));

    Path salesDir = warehouse.resolve("sales");
    Path dir2024 = warehouse.resolve("sales/2024");
    Set<Path> nested = Set.of(dir2024, imported, archive);
    Set<Path> salesStrays = addStrays(salesDir, Interop.icebergTable(sales.location()));
    Set<Path> strays2024 = addStrays(dir2024, Interop.icebergTable(sales2024.location()));
    Set<Path> importedStrays = addStrays(imported, importedTable);
    Set<Path> archiveStrays = addStrays(archive, archiveTable);
    Map<Path, Set<Path>> nestedFiles = new LinkedHashMap<>();
    for (Path table : nested) {
      nestedFiles.put(table, files(table.toRealPath(), Set.of()));
    }

    differentialRemoval(sales, salesDir, nested, salesStrays);
    // The nested tables lost nothing: their strays and staging directories are theirs to remove.
    for (Path table : nested) {
      assertThat(files(table.toRealPath(), Set.of())).as("files of " + table).isEqualTo(nestedFiles.get(table));
    }
    for (Path stray : union(strays2024, importedStrays, archiveStrays)) {
      assertThat(stray).as("a nested table's stray").exists();
    }

    differentialRemoval(sales2024, dir2024, Set.of(), strays2024);
    differentialRemoval(shard.loadTable("sales/data/imported"), imported, Set.of(), importedStrays);
    differentialRemoval(shard.loadTable("sales/archive"), archive, Set.of(), archiveStrays);
  }

  // ---------------------------------------------------------------------------------------------
  // The differential check

  /**
   * Runs DataShard's dry run and checks it against Iceberg's reachable set, then the real removal,
   * then that every snapshot still reads the same in both libraries.
   *
   * @param tableDir the table's directory, spelled as {@code table} reaches it
   * @param nested directories of tables nested below {@code tableDir}, whose files are theirs
   * @param strays the genuine orphans added (as real paths), which must be among those listed
   * @return what the real removal removed, as real paths
   */
  private Set<Path> differentialRemoval(dev.datashard.Table table, Path tableDir, Set<Path> nested,
      Set<Path> strays) throws IOException {
    Path root = tableDir.toRealPath();
    Set<Path> nestedRoots = nested.stream().map(OrphansDifferentialTest::realPath).collect(Collectors.toSet());
    Table iceberg = Interop.icebergTable(tableDir.toString());
    Set<Path> reachable = icebergReachable(iceberg);
    for (Path file : reachable) {
      assertThat(file).as("a file Iceberg reaches exists").isRegularFile();
      assertThat(file.startsWith(root)).as(file + " lies in the table").isTrue();
    }
    Set<Path> files = files(root, nestedRoots);
    Set<Path> expected = new TreeSet<>(files);
    expected.removeAll(reachable);
    expected.removeIf(OrphansDifferentialTest::isRetiredVersion);
    long olderThan = System.currentTimeMillis() + Duration.ofMinutes(1).toMillis();
    expected.addAll(abandonedStagingDirectories(root, nestedRoots, olderThan));
    assertThat(expected).as("the strays are orphans by Iceberg's account too").containsAll(strays);
    Map<Long, List<Map<String, Object>>> rowsBefore = rowsOfEverySnapshot(iceberg, table);

    List<String> listed = table.removeOrphanFiles(olderThan, true);
    assertThat(listed).as("orphans listed").doesNotHaveDuplicates();
    Set<Path> dryRun = realPaths(listed);
    assertSameFiles(root, dryRun, expected);
    assertThat(files(root, nestedRoots)).as("a dry run removes nothing").isEqualTo(files);

    Set<Path> removed = realPaths(table.removeOrphanFiles(olderThan, false));
    assertThat(removed).as("the real removal removes what the dry run listed").isEqualTo(dryRun);
    for (Path stray : strays) {
      assertThat(stray).as("a stray").doesNotExist();
    }
    for (Path orphan : dryRun) {
      if (isVersionFile(root, orphan)) {
        assertThat(isRetiredVersion(orphan)).as(orphan + ": an unreferenced version file is retired, not deleted")
            .isTrue();
      } else {
        assertThat(orphan).as("removed").doesNotExist();
      }
    }
    for (Path file : reachable) {
      assertThat(file).as("a file Iceberg reaches is kept").isRegularFile();
    }
    for (Path file : files) {
      if (!dryRun.contains(file)) {
        assertThat(file).as("a file that was not an orphan is kept").exists();
      }
    }
    assertThat(rowsOfEverySnapshot(Interop.icebergTable(tableDir.toString()), table.refresh()))
        .as("every snapshot reads as before").isEqualTo(rowsBefore);
    assertThat(table.removeOrphanFiles(olderThan, true)).as("orphans after the removal").isEmpty();
    return removed;
  }

  /** Lists both differences by path relative to the table, which an assertion on sets would bury. */
  private static void assertSameFiles(Path root, Set<Path> listed, Set<Path> expected) {
    Set<String> notExpected = new TreeSet<>();
    listed.stream().filter(p -> !expected.contains(p)).forEach(p -> notExpected.add(relative(root, p)));
    Set<String> missed = new TreeSet<>();
    expected.stream().filter(p -> !listed.contains(p)).forEach(p -> missed.add(relative(root, p)));
    assertThat(notExpected).as("listed as orphans although Iceberg reaches them (or outside the table)").isEmpty();
    assertThat(missed).as("orphans by Iceberg's account that DataShard did not list").isEmpty();
  }

  private static String relative(Path root, Path path) {
    return path.startsWith(root) ? root.relativize(path).toString() : path.toString();
  }

  /**
   * What Iceberg's library reaches from the table's metadata: the current metadata file and the
   * metadata log, the version hint, statistics files, every snapshot's manifest list, manifests,
   * and the live data and delete files in them.
   */
  static Set<Path> icebergReachable(Table table) {
    FileIO io = table.io();
    List<String> locations = new ArrayList<>(ReachableFileUtil.metadataFileLocations(table, false));
    locations.add(ReachableFileUtil.versionHintLocation(table));
    locations.addAll(ReachableFileUtil.statisticsFilesLocations(table));
    locations.addAll(ReachableFileUtil.manifestListLocations(table));
    Set<String> manifests = new HashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      for (ManifestFile manifest : snapshot.allManifests(io)) {
        if (!manifests.add(manifest.path())) {
          continue;
        }
        locations.add(manifest.path());
        try {
          if (manifest.content() == ManifestContent.DATA) {
            try (ManifestReader<DataFile> reader = ManifestFiles.read(manifest, io, table.specs())) {
              reader.forEach(file -> locations.add(file.location()));
            }
          } else {
            try (ManifestReader<DeleteFile> reader = ManifestFiles.readDeleteManifest(manifest, io, table.specs())) {
              reader.forEach(file -> locations.add(file.location()));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return realPaths(locations);
  }

  /** Rows of every snapshot as Iceberg reads them, checked against DataShard's scan (delete files applied). */
  private static Map<Long, List<Map<String, Object>>> rowsOfEverySnapshot(Table iceberg, dev.datashard.Table table) {
    Map<Long, List<Map<String, Object>>> rows = icebergRowsOfEverySnapshot(iceberg);
    for (Snapshot snapshot : iceberg.snapshots()) {
      Interop.assertSameRows(Interop.datashardRows(table.newScan().useSnapshot(snapshot.snapshotId())),
          rows.get(snapshot.snapshotId()));
    }
    return rows;
  }

  private static Map<Long, List<Map<String, Object>>> icebergRowsOfEverySnapshot(Table iceberg) {
    Map<Long, List<Map<String, Object>>> rows = new LinkedHashMap<>();
    for (Snapshot snapshot : iceberg.snapshots()) {
      rows.put(snapshot.snapshotId(), Interop.icebergRows(iceberg, snapshot.snapshotId()));
    }
    assertThat(rows).as("snapshots").isNotEmpty();
    assertThat(rows.values()).as("rows of every snapshot").allSatisfy(r -> assertThat(r).isNotEmpty());
    return rows;
  }

  // ---------------------------------------------------------------------------------------------
  // Strays and the file system

  /**
   * Genuine orphans, a month old, as killed writers leave them: a copy of a data file, of a
   * manifest and of a manifest list, a copy of the current metadata under the name Iceberg's
   * file-system tables write before renaming, and an empty staging directory under data/.
   *
   * @return the files and directory added, as real paths
   */
  private Set<Path> addStrays(Path tableDir, Table iceberg) throws IOException {
    iceberg.refresh();
    Path data = tableDir.resolve("data");
    Path metadata = tableDir.resolve("metadata");
    Snapshot current = iceberg.currentSnapshot();
    ManifestFile manifest = current.dataManifests(iceberg.io()).get(0);
    String dataFile;
    try (ManifestReader<DataFile> reader = ManifestFiles.read(manifest, iceberg.io(), iceberg.specs())) {
      dataFile = reader.iterator().next().location();
    }
    String id = UUID.randomUUID().toString();
    Set<Path> strays = new TreeSet<>();
    strays.add(copy(dataFile, data.resolve("00000-0-" + id + "-00001.parquet")));
    strays.add(copy(manifest.path(), metadata.resolve(id + "-m0.avro")));
    strays.add(copy(current.manifestListLocation(), metadata.resolve("snap-1-1-" + id + ".avro")));
    String metadataFile = ReachableFileUtil.metadataFileLocations(iceberg, false).stream()
        .filter(f -> realPath(f).getFileName().toString().startsWith("v")).findFirst().orElseThrow();
    strays.add(copy(metadataFile, metadata.resolve(id + ".metadata.json")));
    Path staging = Files.createDirectories(data.resolve(".tmp-" + id));
    age(staging);
    strays.add(staging.toRealPath());
    return strays;
  }

  private Path copy(String location, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Files.copy(realPath(location), target);
    age(target);
    return target.toRealPath();
  }

  private void age(Path path) throws IOException {
    Files.setLastModifiedTime(path, FileTime.fromMillis(old));
  }

  /** Every regular file below {@code root} but not below a nested table's directory. */
  private static Set<Path> files(Path root, Set<Path> nested) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(Files::isRegularFile).filter(p -> nested.stream().noneMatch(p::startsWith))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /**
   * Staging directories ({@code .tmp-*}, the outermost) not in a nested table, last modified
   * before {@code olderThan} with everything in them: what killed writers leave, or idle ones.
   */
  private static Set<Path> abandonedStagingDirectories(Path root, Set<Path> nested, long olderThan)
      throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(Files::isDirectory).filter(OrphansDifferentialTest::isStaging)
          .filter(p -> !isStaging(p.getParent())).filter(p -> nested.stream().noneMatch(p::startsWith))
          .filter(p -> allOlder(p, olderThan)).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static boolean isStaging(Path path) {
    return path.getFileName().toString().startsWith(".tmp-");
  }

  private static boolean allOlder(Path directory, long olderThan) {
    try (Stream<Path> entries = Files.walk(directory)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        if (Files.getLastModifiedTime(entry).toMillis() >= olderThan) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isVersionFile(Path root, Path file) {
    return file.getParent().equals(root.resolve("metadata")) && VERSION_FILE.matcher(file.getFileName().toString()).matches();
  }

  /** A version file DataShard retired: its content replaced by the retirement marker. */
  private static boolean isRetiredVersion(Path file) {
    try {
      return VERSION_FILE.matcher(file.getFileName().toString()).matches()
          && file.getParent().getFileName().toString().equals("metadata")
          && TableOperations.isRetired(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<Path> realPaths(List<String> locations) {
    Set<Path> paths = new TreeSet<>();
    locations.forEach(location -> paths.add(realPath(location)));
    return paths;
  }

  /**
   * A location as Iceberg's Hadoop file IO parses it ({@code file:///x}, {@code file:/x}, {@code /x}),
   * with symbolic links resolved as far as the path exists.
   */
  static Path realPath(String location) {
    return realPath(Path.of(new org.apache.hadoop.fs.Path(location).toUri().getPath()));
  }

  static Path realPath(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    if (Files.exists(absolute)) {
      try {
        return absolute.toRealPath();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Path parent = absolute.getParent();
    return parent == null ? absolute : realPath(parent).resolve(absolute.getFileName().toString());
  }

  // ---------------------------------------------------------------------------------------------
  // Table contents

  private static List<Map<String, Object>> rows(int from, int to, String category) {
    return IcebergSchemas.eventRows(from, to, category);
  }

  /** The ids in the half-open ranges [from0, to0), [from1, to1), ... */
  private static List<Long> ids(int... bounds) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < bounds.length; i += 2) {
      for (long id = bounds[i]; id < bounds[i + 1]; id++) {
        ids.add(id);
      }
    }
    return ids;
  }

  /** The data file named {@code prefix} followed by its absolute path, as other writers name files. */
  private static DataFile spelled(DataFile file, String prefix) {
    return DataFiles.builder(PartitionSpec.unpartitioned()).copy(file)
        .withPath(prefix + realPath(file.location())).build();
  }

  private static List<DataFile> addedFiles(Table iceberg) {
    List<DataFile> files = new ArrayList<>();
    iceberg.currentSnapshot().addedDataFiles(iceberg.io()).forEach(files::add);
    return files;
  }

  private static DataFile onlyAddedFile(Table iceberg) {
    List<DataFile> files = addedFiles(iceberg);
    assertThat(files).hasSize(1);
    return files.get(0);
  }

  /** Asserts the table's metadata spells its files in each of {@code prefixes} somewhere. */
  private static void assertSpellings(Table iceberg, String... prefixes) {
    List<String> locations = new ArrayList<>(ReachableFileUtil.manifestListLocations(iceberg));
    for (Snapshot snapshot : iceberg.snapshots()) {
      snapshot.allManifests(iceberg.io()).forEach(m -> locations.add(m.path()));
      snapshot.addedDataFiles(iceberg.io()).forEach(f -> locations.add(f.location()));
    }
    for (String prefix : prefixes) {
      assertThat(locations).as("locations spelled " + prefix + "...")
          .anyMatch(l -> l.startsWith(prefix) && !l.startsWith(prefix + "/"));
    }
  }

  @SafeVarargs
  private static Set<Path> union(Set<Path>... sets) {
    Set<Path> all = new TreeSet<>();
    for (Set<Path> set : sets) {
      all.addAll(set);
    }
    return all;
  }
}
