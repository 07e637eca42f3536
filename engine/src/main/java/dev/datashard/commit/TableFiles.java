package dev.datashard.commit;

import dev.datashard.io.Location;
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
 */
final class TableFiles {
  /** What marks a directory as a table's: Iceberg's metadata files, under any naming scheme. */
  private static final Pattern TABLE_METADATA = Pattern.compile("(v\\d+|\\d+-.+)\\.metadata\\.json(\\.gz)?|version-hint\\.text");

  private TableFiles() {}

  static List<StoredObject> list(TableOperations ops) {
    Location table = Location.of(ops.location());
    List<StoredObject> all = ops.storage().list(ops.location() + "/");
    Set<Location> nestedTables = new HashSet<>();
    for (StoredObject object : all) {
      Location file = Location.of(object.location());
      if (TABLE_METADATA.matcher(file.name()).matches()) {
        file.parent().filter(directory -> directory.name().equals("metadata")).flatMap(Location::parent)
            .filter(root -> root.isBelow(table)).ifPresent(nestedTables::add);
      }
    }
    List<StoredObject> own = new ArrayList<>();
    for (StoredObject object : all) {
      Location file = Location.of(object.location());
      if (nestedTables.stream().noneMatch(file::isBelow)) {
        own.add(object);
      }
    }
    return own;
  }
}
