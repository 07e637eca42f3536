package dev.datashard.arrow;

import dev.datashard.Field;
import dev.datashard.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
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
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Reads one value out of an Arrow vector as the Java object for its Iceberg type: Long, Integer,
 * String, LocalDate, LocalTime, LocalDateTime (timestamp), OffsetDateTime (timestamptz, UTC),
 * BigDecimal, UUID, byte[], Map (struct and map) and List.
 */
public final class ArrowValues {
  private ArrowValues() {}

  public static Object get(FieldVector vector, int index, Type type) {
    if (vector.isNull(index)) {
      return null;
    }
    if (type instanceof Type.Primitive primitive) {
      return switch (primitive) {
        case BOOLEAN -> ((BitVector) vector).get(index) != 0;
        case INT -> vector instanceof IntVector v ? v.get(index) : (int) ((BaseIntVector) vector).getValueAsLong(index);
        case LONG -> ((BaseIntVector) vector).getValueAsLong(index);
        case FLOAT -> ((Float4Vector) vector).get(index);
        case DOUBLE -> vector instanceof Float8Vector v ? v.get(index) : (double) ((Float4Vector) vector).get(index);
        case DATE -> Values.date(((DateDayVector) vector).get(index));
        case TIME -> Values.time(((TimeMicroVector) vector).get(index));
        case TIMESTAMP -> Values.timestamp(((TimeStampVector) vector).get(index));
        case TIMESTAMPTZ -> Values.timestamptz(((TimeStampVector) vector).get(index));
        case STRING -> new String(((BaseVariableWidthVector) vector).get(index), StandardCharsets.UTF_8);
        case UUID -> Values.uuid(((FixedSizeBinaryVector) vector).get(index));
        case BINARY -> ((BaseVariableWidthVector) vector).get(index);
      };
    }
    if (type instanceof Type.Decimal) {
      return ((DecimalVector) vector).getObject(index);
    }
    if (type instanceof Type.Fixed) {
      return ((FixedSizeBinaryVector) vector).get(index);
    }
    if (type instanceof Type.Struct struct) {
      StructVector structVector = (StructVector) vector;
      Map<String, Object> values = new LinkedHashMap<>();
      for (Field field : struct.fields()) {
        values.put(field.name(), get((FieldVector) structVector.getChild(field.name()), index, field.type()));
      }
      return values;
    }
    if (type instanceof Type.MapOf mapType) {
      MapVector mapVector = (MapVector) vector;
      StructVector entries = (StructVector) mapVector.getDataVector();
      FieldVector keys = (FieldVector) entries.getChildrenFromFields().get(0);
      FieldVector values = (FieldVector) entries.getChildrenFromFields().get(1);
      Map<Object, Object> map = new LinkedHashMap<>();
      for (int i = mapVector.getElementStartIndex(index); i < mapVector.getElementEndIndex(index); i++) {
        map.put(get(keys, i, mapType.key()), get(values, i, mapType.value()));
      }
      return map;
    }
    Type.ListOf listType = (Type.ListOf) type;
    ListVector listVector = (ListVector) vector;
    List<Object> items = new ArrayList<>();
    for (int i = listVector.getElementStartIndex(index); i < listVector.getElementEndIndex(index); i++) {
      items.add(get(listVector.getDataVector(), i, listType.element()));
    }
    return items;
  }
}
