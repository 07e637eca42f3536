package dev.datashard.arrow;

import dev.datashard.Field;
import dev.datashard.Type;
import dev.datashard.ValidationException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Refuses {@code time} values outside a day in Arrow batches, nested ones included. Parquet stores
 * any microsecond count, but one outside a day would make every later read of the table fail.
 */
final class TimeOfDayCheck {
  private TimeOfDayCheck() {}

  static void check(Field column, FieldVector vector, int rows, int batchNumber) {
    if (!holdsTimes(column.type())) {
      return;
    }
    for (int row = 0; row < rows; row++) {
      Long outside = firstOutsideADay(vector, row, column.type());
      if (outside != null) {
        throw new ValidationException("column '" + column.name() + "' holds the time " + outside
            + " in batch " + batchNumber + " (row " + row + "): microseconds since midnight are 0 to "
            + (Values.MICROS_PER_DAY - 1));
      }
    }
  }

  private static boolean holdsTimes(Type type) {
    if (type instanceof Type.Struct struct) {
      return struct.fields().stream().anyMatch(f -> holdsTimes(f.type()));
    }
    if (type instanceof Type.ListOf list) {
      return holdsTimes(list.element());
    }
    if (type instanceof Type.MapOf map) {
      return holdsTimes(map.key()) || holdsTimes(map.value());
    }
    return type == Type.Primitive.TIME;
  }

  /** The first time value outside a day in the value at {@code index}, or null. */
  private static Long firstOutsideADay(FieldVector vector, int index, Type type) {
    if (vector.isNull(index) || !holdsTimes(type)) {
      return null;
    }
    if (type == Type.Primitive.TIME) {
      long micros = ((TimeMicroVector) vector).get(index);
      return Values.isTimeOfDay(micros) ? null : micros;
    }
    if (type instanceof Type.Struct struct) {
      for (Field child : struct.fields()) {
        Long outside = firstOutsideADay((FieldVector) ((StructVector) vector).getChild(child.name()), index,
            child.type());
        if (outside != null) {
          return outside;
        }
      }
      return null;
    }
    // Lists and maps (a list of key-value structs).
    ListVector list = (ListVector) vector;
    for (int i = list.getElementStartIndex(index); i < list.getElementEndIndex(index); i++) {
      Long outside = type instanceof Type.MapOf map
          ? firstInEntry((StructVector) list.getDataVector(), i, map)
          : firstOutsideADay(list.getDataVector(), i, ((Type.ListOf) type).element());
      if (outside != null) {
        return outside;
      }
    }
    return null;
  }

  private static Long firstInEntry(StructVector entries, int index, Type.MapOf map) {
    Long key = firstOutsideADay((FieldVector) entries.getChildrenFromFields().get(0), index, map.key());
    return key != null ? key
        : firstOutsideADay((FieldVector) entries.getChildrenFromFields().get(1), index, map.value());
  }
}
