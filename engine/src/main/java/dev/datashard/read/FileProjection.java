package dev.datashard.read;

import static java.util.Objects.requireNonNull;

import dev.datashard.DataShardException;
import dev.datashard.io.parquet.ParquetFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * How one data file's columns become the scan's: resolved by Parquet field id, never by name, as
 * the Iceberg spec requires. So a file written before a rename returns the column under its new
 * name, a column the file lacks (added later) reads as nulls, a dropped column's data is never
 * read even when a new column took its name, and a promoted column is widened (int to long, float
 * to double, a decimal to a wider precision). Columns without field ids (files written without
 * them) fall back to their names. The file is decoded as it is; the decoded buffers are then
 * handed to the scan's vectors without copying, except for widened values.
 */
final class FileProjection {
  private final Schema decodeSchema;
  private final List<String> decodeColumns;
  /** For each of the scan's columns: the file's column it comes from (as decoded), or null. */
  private final List<Field> sources;
  private final List<Field> wanted;
  private final String file;

  private FileProjection(Schema decodeSchema, List<String> decodeColumns, List<Field> sources, List<Field> wanted,
      String file) {
    this.decodeSchema = decodeSchema;
    this.decodeColumns = decodeColumns;
    this.sources = sources;
    this.wanted = wanted;
    this.file = file;
  }

  /**
   * @param fileSchema the file's Arrow schema, field ids in its fields' metadata
   * @param scan the scan's columns, each carrying its field id
   * @param file names the file in error messages
   */
  static FileProjection of(Schema fileSchema, Schema scan, String file) {
    requireNonNull(file, "file");
    List<Field> decodeFields = new ArrayList<>();
    List<String> decodeColumns = new ArrayList<>();
    List<Field> sources = new ArrayList<>();
    for (Field field : fileSchema.getFields()) {
      Field wantedField = scan.getFields().stream().filter(w -> matches(field, w, fileSchema.getFields()))
          .findFirst().orElse(null);
      if (wantedField != null && !field.getType().isComplex()
          && !field.getType().equals(wantedField.getType()) && !promotable(field.getType(), wantedField.getType())) {
        // Not a promotion of the spec (a foreign file's own encoding, e.g. timestamp millis):
        // the Parquet reader casts it, as it did before columns were resolved by id.
        decodeFields.add(new Field(field.getName(), new org.apache.arrow.vector.types.pojo.FieldType(
            field.isNullable(), wantedField.getType(), null, field.getMetadata()), List.of()));
      } else {
        decodeFields.add(field);
      }
    }
    for (Field wantedField : scan.getFields()) {
      Field source = decodeFields.stream().filter(f -> matches(f, wantedField, fileSchema.getFields()))
          .findFirst().orElse(null);
      sources.add(source);
      if (source != null) {
        decodeColumns.add(source.getName());
      }
    }
    return new FileProjection(new Schema(decodeFields, fileSchema.getCustomMetadata()), List.copyOf(decodeColumns),
        sources, scan.getFields(), file);
  }

  /** The schema to decode the file with: its own, except for casts the Parquet reader makes. */
  Schema decodeSchema() {
    return decodeSchema;
  }

  /** The file's columns to decode, by their names in the file. */
  List<String> decodeColumns() {
    return decodeColumns;
  }

  /** Fills {@code out} (the scan's columns) from a batch decoded with {@link #decodeSchema()}. */
  void load(VectorSchemaRoot decoded, VectorSchemaRoot out) {
    int rows = decoded.getRowCount();
    for (int i = 0; i < wanted.size(); i++) {
      Field source = sources.get(i);
      load(source, source == null ? null : decoded.getVector(source.getName()), out.getVector(i), rows);
    }
    out.setRowCount(rows);
  }

  /** @param from {@code in}'s field as decoded, with the file's field ids (the vectors may lack them) */
  private void load(Field from, FieldVector in, FieldVector out, int rows) {
    if (in == null) {
      out.clear();
      out.allocateNew();
      out.setValueCount(rows);
      return;
    }
    Field to = out.getField();
    if (sameLayout(from, to)) {
      loadBuffers(in, out);
    } else if (in instanceof StructVector inStruct && out instanceof StructVector outStruct) {
      outStruct.loadFieldBuffers(new ArrowFieldNode(rows, in.getNullCount()), List.of(in.getValidityBuffer()));
      List<FieldVector> inChildren = inStruct.getChildrenFromFields();
      for (FieldVector child : outStruct.getChildrenFromFields()) {
        int source = -1;
        for (int c = 0; c < from.getChildren().size() && source < 0; c++) {
          if (matches(from.getChildren().get(c), child.getField(), from.getChildren())) {
            source = c;
          }
        }
        load(source < 0 ? null : from.getChildren().get(source), source < 0 ? null : inChildren.get(source), child,
            rows);
      }
    } else if (in instanceof IntVector ints && out instanceof BigIntVector longs) {
      longs.clear();
      longs.allocateNew(rows);
      for (int r = 0; r < rows; r++) {
        if (ints.isNull(r)) {
          longs.setNull(r);
        } else {
          longs.set(r, ints.get(r));
        }
      }
      longs.setValueCount(rows);
    } else if (in instanceof Float4Vector floats && out instanceof Float8Vector doubles) {
      doubles.clear();
      doubles.allocateNew(rows);
      for (int r = 0; r < rows; r++) {
        if (floats.isNull(r)) {
          doubles.setNull(r);
        } else {
          doubles.set(r, floats.get(r));
        }
      }
      doubles.setValueCount(rows);
    } else {
      throw new DataShardException("column '" + to.getName() + "' of data file " + file + " is "
          + from.getType() + ", which cannot be read as " + to.getType());
    }
  }

  /** Hands {@code in}'s buffers to {@code out}, whose type tree is the same but names may differ. */
  private static void loadBuffers(FieldVector in, FieldVector out) {
    out.loadFieldBuffers(new ArrowFieldNode(in.getValueCount(), in.getNullCount()), in.getFieldBuffers());
    List<FieldVector> inChildren = in.getChildrenFromFields();
    List<FieldVector> outChildren = out.getChildrenFromFields();
    for (int c = 0; c < inChildren.size(); c++) {
      loadBuffers(inChildren.get(c), outChildren.get(c));
    }
  }

  /**
   * The same buffers mean the same values: equal types all the way down, names aside. A decimal
   * of the same scale and a wider precision holds the same 128-bit unscaled values.
   */
  private static boolean sameLayout(Field from, Field to) {
    ArrowType a = from.getType();
    ArrowType b = to.getType();
    boolean sameType = a.equals(b) || a instanceof ArrowType.Map && b instanceof ArrowType.Map
        || a instanceof ArrowType.Decimal da && b instanceof ArrowType.Decimal db
            && da.getScale() == db.getScale() && da.getBitWidth() == db.getBitWidth();
    if (!sameType || from.getChildren().size() != to.getChildren().size()) {
      return false;
    }
    if (a instanceof ArrowType.Struct) {
      // Struct children are matched by id, so their order must agree too.
      for (int c = 0; c < from.getChildren().size(); c++) {
        if (!Objects.equals(fieldId(from.getChildren().get(c)), fieldId(to.getChildren().get(c)))) {
          return false;
        }
      }
    }
    for (int c = 0; c < from.getChildren().size(); c++) {
      if (!sameLayout(from.getChildren().get(c), to.getChildren().get(c))) {
        return false;
      }
    }
    return true;
  }

  private static boolean promotable(ArrowType from, ArrowType to) {
    return from instanceof ArrowType.Int fi && to instanceof ArrowType.Int ti && fi.getBitWidth() == 32
            && ti.getBitWidth() == 64
        || from instanceof ArrowType.FloatingPoint ff && to instanceof ArrowType.FloatingPoint tf
            && ff.getPrecision() == FloatingPointPrecision.SINGLE && tf.getPrecision() == FloatingPointPrecision.DOUBLE
        || from instanceof ArrowType.Decimal fd && to instanceof ArrowType.Decimal td
            && fd.getScale() == td.getScale() && fd.getPrecision() <= td.getPrecision();
  }

  /**
   * Whether the file's {@code field} holds the scan's {@code wanted}: by field id; by name only
   * when the file's field has no id and no sibling carries the wanted id.
   */
  private static boolean matches(Field field, Field wanted, List<Field> fileSiblings) {
    Integer id = fieldId(field);
    Integer wantedId = fieldId(wanted);
    if (id != null && wantedId != null) {
      return id.equals(wantedId);
    }
    return id == null && field.getName().equals(wanted.getName())
        && (wantedId == null || fileSiblings.stream().noneMatch(f -> wantedId.equals(fieldId(f))));
  }

  private static Integer fieldId(Field field) {
    Map<String, String> metadata = field.getMetadata();
    String id = metadata == null ? null : metadata.get(ParquetFiles.FIELD_ID_KEY);
    if (id == null) {
      return null;
    }
    try {
      return Integer.valueOf(id.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
