package dev.datashard.commit;

import dev.datashard.ValidationException;
import dev.datashard.io.parquet.ParquetFiles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType.ArrowTypeID;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Checks that a Parquet file written elsewhere carries the table's field ids. Its columns are
 * checked by name, as the caller means them, but read by field id (by DataShard, and by Iceberg,
 * Spark, Trino and Flink through it): the file reads as meant only when every column's id is the
 * table's id for that name.
 */
final class FieldIds {
  private FieldIds() {}

  static void check(Schema file, Schema table, String location) {
    Map<Integer, String> namesById = new HashMap<>();
    index(table.getFields(), "", namesById);
    check(file.getFields(), table.getFields(), false, "", namesById, location);
  }

  /** @param byPosition the fields of a list or map: writers name element and entry fields differently */
  private static void check(List<Field> fileFields, List<Field> tableFields, boolean byPosition, String path,
      Map<Integer, String> namesById, String location) {
    for (int i = 0; i < fileFields.size(); i++) {
      Field field = fileFields.get(i);
      Field expected = byPosition ? (i < tableFields.size() ? tableFields.get(i) : null)
          : tableFields.stream().filter(f -> f.getName().equals(field.getName())).findFirst().orElse(null);
      String name = path + field.getName();
      if (expected == null) {
        continue; // an unknown column is reported, by name, by the reader that validates the rows
      }
      String expectedId = expected.getMetadata().get(ParquetFiles.FIELD_ID_KEY);
      String id = field.getMetadata().get(ParquetFiles.FIELD_ID_KEY);
      if (expectedId != null && id == null) {
        throw new ValidationException(location + ": column '" + name + "' has no Parquet field id; Iceberg "
            + "resolves columns by field id, so the file must carry the table's ids (write it with the "
            + "table's schema)");
      }
      if (expectedId != null && !id.trim().equals(expectedId)) {
        String owner = namesById.get(parse(id));
        throw new ValidationException(location + ": column '" + name + "' has field id " + id + " but the "
            + "table's '" + name + "' is field id " + expectedId + (owner == null ? ""
                : " (" + id + " is the table's '" + owner + "')") + "; Iceberg would read other data than DataShard");
      }
      ArrowTypeID type = expected.getType().getTypeID();
      check(field.getChildren(), expected.getChildren(), type == ArrowTypeID.List || type == ArrowTypeID.Map,
          name + ".", namesById, location);
    }
  }

  private static void index(List<Field> fields, String path, Map<Integer, String> namesById) {
    for (Field field : fields) {
      String id = field.getMetadata().get(ParquetFiles.FIELD_ID_KEY);
      if (id != null) {
        namesById.put(parse(id), path + field.getName());
      }
      index(field.getChildren(), path + field.getName() + ".", namesById);
    }
  }

  private static Integer parse(String id) {
    try {
      return Integer.valueOf(id.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
