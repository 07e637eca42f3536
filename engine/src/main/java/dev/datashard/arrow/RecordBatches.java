package dev.datashard.arrow;

import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;

/** Builds an Arrow batch from Java records (maps of column name to value), checking every value. */
public final class RecordBatches {
  private RecordBatches() {}

  /**
   * The records as one batch in the table's Arrow shape; the caller owns (and closes) the result.
   *
   * @throws ValidationException naming the record (0-based) and field of the first bad value
   */
  public static VectorSchemaRoot fromRecords(BufferAllocator allocator, Schema schema,
      List<? extends Map<String, ?>> records) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
    try {
      // Sized for every record up front: growing by doubling copies each buffer several times.
      for (FieldVector vector : root.getFieldVectors()) {
        vector.setInitialCapacity(records.size());
        vector.allocateNew();
      }
      Set<String> columns = schema.fields().stream().map(Field::name).collect(Collectors.toSet());
      for (int row = 0; row < records.size(); row++) {
        Map<String, ?> record = records.get(row);
        if (record == null) {
          throw new ValidationException("record " + row + " is null");
        }
        for (String key : record.keySet()) {
          if (!columns.contains(key)) {
            throw new ValidationException("record " + row + ": unknown column '" + key
                + "' (table columns: " + String.join(", ", schema.fields().stream().map(Field::name).toList()) + ")");
          }
        }
        for (int c = 0; c < schema.fields().size(); c++) {
          Field field = schema.fields().get(c);
          set(root.getVector(c), row, field.type(), field.required(), record.get(field.name()),
              "record", row, field.name());
        }
      }
      root.setRowCount(records.size());
      return root;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /**
   * Sets {@code field}'s value at {@code index}: null, or {@code value} checked as
   * {@link #fromRecords} checks it, for callers that fill a batch's vectors themselves.
   *
   * @throws ValidationException starting with {@code unit} and {@code number} (such as "line 7")
   *     and naming the field
   */
  public static void setField(FieldVector vector, int index, Field field, Object value, String unit, long number) {
    set(vector, index, field.type(), field.required(), value, unit, number, field.name());
  }

  private static void set(FieldVector vector, int index, Type type, boolean required, Object value,
      String unit, long number, String path) {
    if (value == null) {
      if (required) {
        throw new ValidationException(unit + " " + number + ": required field '" + path + "' is "
            + "missing or null");
      }
      setNull(vector, index, type);
      return;
    }
    try {
      setValue(vector, index, type, value, unit, number, path);
    } catch (Values.BadValue e) {
      throw new ValidationException(unit + " " + number + ", field '" + path + "': " + e.getMessage());
    }
  }

  private static void setNull(FieldVector vector, int index, Type type) {
    // Each setNull grows the vector as needed; the validity bit stays unset.
    if (vector instanceof BaseFixedWidthVector fixed) {
      fixed.setNull(index);
    } else if (vector instanceof BaseVariableWidthVector variable) {
      variable.setNull(index);
    } else if (vector instanceof StructVector struct) {
      struct.setNull(index);
      // Arrow's Parquet writer rejects nulls in a required child even under a null parent, so
      // required children get a placeholder that the parent's null hides.
      for (Field child : ((Type.Struct) type).fields()) {
        FieldVector childVector = (FieldVector) struct.getChild(child.name());
        if (child.required()) {
          setPlaceholder(childVector, index, child.type());
        } else {
          setNull(childVector, index, child.type());
        }
      }
    } else if (vector instanceof ListVector list) {
      list.setNull(index);
    } else {
      throw new IllegalStateException("cannot set null in " + vector.getClass().getSimpleName());
    }
  }

  private static void setPlaceholder(FieldVector vector, int index, Type type) {
    if (vector instanceof StructVector struct) {
      struct.setIndexDefined(index);
      for (Field child : ((Type.Struct) type).fields()) {
        setPlaceholder((FieldVector) struct.getChild(child.name()), index, child.type());
      }
    } else if (vector instanceof ListVector list) {
      list.startNewValue(index);
      list.endValue(index, 0);
    } else if (vector instanceof BaseVariableWidthVector variable) {
      variable.setSafe(index, new byte[0]);
    } else if (vector instanceof FixedSizeBinaryVector fixed) {
      fixed.setSafe(index, new byte[fixed.getByteWidth()]);
    } else if (vector instanceof BaseFixedWidthVector fixed) {
      fixed.setIndexDefined(index);
    }
  }

  private static void setValue(FieldVector vector, int index, Type type, Object value, String unit,
      long number, String path) {
    if (type instanceof Type.Primitive primitive) {
      switch (primitive) {
        case BOOLEAN -> ((BitVector) vector).setSafe(index, Values.toBoolean(value, type) ? 1 : 0);
        case INT -> ((IntVector) vector).setSafe(index,
            (int) Values.toLong(value, type, Integer.MIN_VALUE, Integer.MAX_VALUE));
        case LONG -> ((BigIntVector) vector).setSafe(index,
            Values.toLong(value, type, Long.MIN_VALUE, Long.MAX_VALUE));
        case FLOAT -> ((Float4Vector) vector).setSafe(index, Values.toFloat(value, type));
        case DOUBLE -> ((Float8Vector) vector).setSafe(index, Values.toDouble(value, type));
        case DATE -> ((DateDayVector) vector).setSafe(index, Values.toEpochDay(value, type));
        case TIME -> ((TimeMicroVector) vector).setSafe(index, Values.toTimeMicros(value, type));
        case TIMESTAMP, TIMESTAMPTZ -> ((TimeStampVector) vector).setSafe(index,
            Values.toTimestampMicros(value, type));
        case STRING -> ((VarCharVector) vector).setSafe(index,
            Values.toStringValue(value, type).getBytes(StandardCharsets.UTF_8));
        case UUID -> ((FixedSizeBinaryVector) vector).setSafe(index, Values.toUuidBytes(value, type));
        case BINARY -> ((VarBinaryVector) vector).setSafe(index, Values.toBytes(value, type));
        default -> throw new IllegalStateException("unhandled type " + primitive);
      }
    } else if (type instanceof Type.Decimal decimal) {
      ((DecimalVector) vector).setSafe(index, Values.toDecimal(value, decimal));
    } else if (type instanceof Type.Fixed) {
      ((FixedSizeBinaryVector) vector).setSafe(index, Values.toBytes(value, type));
    } else if (type instanceof Type.Struct struct) {
      if (!(value instanceof Map<?, ?> map)) {
        throw Values.bad(value, type);
      }
      StructVector structVector = (StructVector) vector;
      for (Object key : map.keySet()) {
        if (struct.fields().stream().noneMatch(f -> f.name().equals(key))) {
          throw new ValidationException(unit + " " + number + ": unknown field '" + path + "." + key + "'");
        }
      }
      structVector.setIndexDefined(index);
      for (Field child : struct.fields()) {
        set((FieldVector) structVector.getChild(child.name()), index, child.type(), child.required(),
            map.get(child.name()), unit, number, path + "." + child.name());
      }
    } else if (type instanceof Type.ListOf list) {
      if (!(value instanceof Collection<?> items)) {
        throw Values.bad(value, type);
      }
      ListVector listVector = (ListVector) vector;
      int offset = listVector.startNewValue(index);
      int i = 0;
      for (Object item : items) {
        set(listVector.getDataVector(), offset + i, list.element(), list.elementRequired(), item, unit, number,
            path + "[" + i + "]");
        i++;
      }
      listVector.endValue(index, items.size());
    } else if (type instanceof Type.MapOf mapType) {
      if (!(value instanceof Map<?, ?> map)) {
        throw Values.bad(value, type);
      }
      MapVector mapVector = (MapVector) vector;
      StructVector entries = (StructVector) mapVector.getDataVector();
      int offset = mapVector.startNewValue(index);
      int i = 0;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        entries.setIndexDefined(offset + i);
        set((FieldVector) entries.getChild("key"), offset + i, mapType.key(), true, entry.getKey(), unit, number,
            path + ".key");
        set((FieldVector) entries.getChild("value"), offset + i, mapType.value(),
            mapType.valueRequired(), entry.getValue(), unit, number, path + "[" + entry.getKey() + "]");
        i++;
      }
      mapVector.endValue(index, map.size());
    }
  }
}
