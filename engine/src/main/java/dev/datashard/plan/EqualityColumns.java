package dev.datashard.plan;

import dev.datashard.DataShardException;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.metadata.DeleteFile;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The columns equality deletes compare, added to a scan's read columns when the scan does not
 * read them anyway. A column dropped since the deletes were written is still compared (the spec
 * says so): it is found in the table's older schemas.
 */
final class EqualityColumns {
  private EqualityColumns() {}

  /**
   * Appends to {@code readFields} the equality columns of the tasks' deletes it lacks (by field id).
   *
   * @param schemas every schema of the table, to find columns the scan's schema no longer has
   */
  static void add(List<Field> readFields, List<FileScanTask> tasks, Schema scanSchema, List<Schema> schemas) {
    for (FileScanTask task : tasks) {
      for (DeleteFile delete : task.deletes()) {
        for (int id : delete.equalityFieldIds()) {
          if (readFields.stream().noneMatch(f -> f.id() == id)) {
            Field field = find(id, scanSchema, schemas).orElseThrow(() -> new DataShardException("equality delete file "
                + delete.location() + " compares field id " + id + ", which is no top-level column of any schema "
                + "of the table; DataShard compares top-level columns only"));
            readFields.add(unclashed(field, readFields));
          }
        }
      }
    }
  }

  private static Optional<Field> find(int id, Schema scanSchema, List<Schema> schemas) {
    Optional<Field> inScan = scanSchema.fields().stream().filter(f -> f.id() == id).findFirst();
    if (inScan.isPresent()) {
      return inScan;
    }
    for (int s = schemas.size() - 1; s >= 0; s--) { // the newest type of a dropped column
      Optional<Field> found = schemas.get(s).fields().stream().filter(f -> f.id() == id).findFirst();
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** Optional (a data file may lack it), renamed when a read column took its name since. */
  private static Field unclashed(Field field, List<Field> readFields) {
    Set<String> names = readFields.stream().map(Field::name).collect(Collectors.toSet());
    String name = names.contains(field.name()) ? "_deleted_column_" + field.id() : field.name();
    return new Field(field.id(), name, field.type(), false, field.doc());
  }
}
