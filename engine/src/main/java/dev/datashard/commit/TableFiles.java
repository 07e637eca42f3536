package dev.datashard.commit;

import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.io.StoredObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The files stored below a table's location that belong to it: a table created inside another's
 * directory ({@code sales} and {@code sales/2024}) has its own metadata, and its files are not the
 * outer table's, whatever engine wrote either.
 *
 * <p>The table's directory is listed where the store resolves it: a listing does not descend
 * into a symbolic link, so a table whose own directory is a link would otherwise list as empty.
 * Listed locations are spelled below the table's location as given all the same.
 */
final class TableFiles {
  /** What marks a directory as a table's: Iceberg's metadata files, under any naming scheme. */
  private static final Pattern TABLE_METADATA = Pattern.compile("(v\\d+|\\d+-.+)\\.metadata\\.json(\\.gz)?|version-hint\\.text");

  private TableFiles() {}

  /** The table's own files, and where the tables nested in its directory are. */
  record Listing(Location table, Location root, String prefix, Set<Location> nestedTables, List<StoredObject> files) {
    /** Whether {@code location} (spelled below the table's location) lies in a nested table. */
    boolean isNested(Location location) {
      return nestedTables.stream().anyMatch(location::isBelow);
    }

    /** A location the store listed below {@link #root}, spelled below the table's location. */
    Location spelledAsTable(Location listed) {
      return TableFiles.spelledAsTable(table, root, listed);
    }
  }

  private static Location spelledAsTable(Location table, Location root, Location listed) {
    return root.equals(table) || !listed.isBelow(root) ? listed : table.resolve(listed.relativeTo(root));
  }

  static List<StoredObject> list(TableOperations ops) {
    return listing(ops).files();
  }

  static Listing listing(TableOperations ops) {
    Location table = Location.of(ops.location());
    Location root = ops.storage().canonical(table);
    String prefix = (root.equals(table) ? ops.location() : root.toString()) + "/";
    List<StoredObject> all = ops.storage().list(prefix);
    if (!root.equals(table)) {
      all = all.stream().map(object -> new StoredObject(spelledAsTable(table, root, Location.of(object.location()))
          .toString(), object.size(), object.lastModifiedMillis())).toList();
    }
    Set<Location> nestedTables = new HashSet<>();
    for (StoredObject object : all) {
      Location file = Location.of(object.location());
      if (TABLE_METADATA.matcher(file.name()).matches()) {
        file.parent().filter(directory -> directory.name().equals("metadata")).flatMap(Location::parent)
            .filter(nested -> nested.isBelow(table)).ifPresent(nestedTables::add);
      }
    }
    List<StoredObject> own = new ArrayList<>();
    for (StoredObject object : all) {
      Location file = Location.of(object.location());
      if (nestedTables.stream().noneMatch(file::isBelow)) {
        own.add(object);
      }
    }
    return new Listing(table, root, prefix, Set.copyOf(nestedTables), own);
  }

  /**
   * The table's own abandoned staging directories (see {@link Storage#removeAbandonedDirectories}),
   * removed unless {@code dryRun}; those of nested tables are theirs (a nested table's writer may
   * be using one).
   */
  static List<String> removeAbandonedDirectories(TableOperations ops, Listing listing, long olderThanMillis,
      boolean dryRun) {
    Storage storage = ops.storage();
    List<String> own = new ArrayList<>();
    for (String listed : storage.removeAbandonedDirectories(listing.prefix(), olderThanMillis, true)) {
      Location directory = Location.of(listed);
      if (listing.isNested(listing.spelledAsTable(directory))) {
        continue;
      }
      // Removed one by one, each checked again by the store: still abandoned at the moment it goes.
      if (dryRun || !storage.removeAbandonedDirectories(listed + "/", olderThanMillis, false).isEmpty()) {
        own.add(listing.spelledAsTable(directory).toString());
      }
    }
    return own;
  }
}
