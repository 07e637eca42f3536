package dev.datashard.metadata;

import dev.datashard.Field;
import dev.datashard.Type;
import dev.datashard.partition.PartitionKey;
import dev.datashard.partition.PartitionSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * A manifest entry's {@code partition} struct as Iceberg maps it to Avro: one optional field per
 * partition field, its {@code field-id} the partition field id, its type the transform's result
 * type (dates and timestamps as logical types, decimals and uuids as fixed). Values go in and come
 * out in storage form ({@link PartitionKey}).
 */
final class PartitionAvro {
  private PartitionAvro() {}

  /** The struct's fields as Avro schema JSON, for {@code Manifests.manifestEntrySchema}. */
  static String fields(PartitionSpec spec) {
    List<String> fields = new ArrayList<>();
    for (Field field : spec.partitionType()) {
      fields.add("{\"name\": \"" + avroName(field.name()) + "\", \"type\": [\"null\", " + avroType(field)
          + "], \"default\": null, \"field-id\": " + field.id() + "}");
    }
    return String.join(", ", fields);
  }

  private static String avroType(Field field) {
    Type type = field.type();
    if (type instanceof Type.Decimal decimal) {
      return "{\"type\": \"fixed\", \"name\": \"decimal_" + field.id() + "\", \"size\": "
          + decimalBytes(decimal.precision()) + ", \"logicalType\": \"decimal\", \"precision\": "
          + decimal.precision() + ", \"scale\": " + decimal.scale() + "}";
    }
    if (type instanceof Type.Fixed fixed) {
      return "{\"type\": \"fixed\", \"name\": \"fixed_" + field.id() + "\", \"size\": " + fixed.length() + "}";
    }
    return switch ((Type.Primitive) type) {
      case BOOLEAN -> "\"boolean\"";
      case INT -> "\"int\"";
      case LONG -> "\"long\"";
      case FLOAT -> "\"float\"";
      case DOUBLE -> "\"double\"";
      case DATE -> "{\"type\": \"int\", \"logicalType\": \"date\"}";
      case TIME -> "{\"type\": \"long\", \"logicalType\": \"time-micros\"}";
      case TIMESTAMP -> "{\"type\": \"long\", \"logicalType\": \"timestamp-micros\", \"adjust-to-utc\": false}";
      case TIMESTAMPTZ -> "{\"type\": \"long\", \"logicalType\": \"timestamp-micros\", \"adjust-to-utc\": true}";
      case STRING -> "\"string\"";
      case UUID -> "{\"type\": \"fixed\", \"name\": \"uuid_" + field.id() + "\", \"size\": 16, \"logicalType\": \"uuid\"}";
      case BINARY -> "\"bytes\"";
    };
  }

  /** The bytes of the smallest two's complement that holds every unscaled value of {@code precision} digits (Iceberg's). */
  private static int decimalBytes(int precision) {
    BigInteger largest = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE);
    return largest.bitLength() / 8 + 1;
  }

  /** Iceberg's Avro-compatible name: invalid characters as {@code _x} and their hex code, a leading digit after {@code _}. */
  private static String avroName(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean valid = c == '_' || (c < 128 && Character.isLetter(c)) || (i > 0 && c < 128 && Character.isDigit(c));
      if (valid) {
        out.append(c);
      } else if (i == 0 && c < 128 && Character.isDigit(c)) {
        out.append('_').append(c);
      } else {
        out.append("_x").append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT));
      }
    }
    return out.toString();
  }

  /** The struct of the partition tuple {@code key} of the file at {@code location}. */
  static GenericRecord record(org.apache.avro.Schema schema, PartitionSpec spec, PartitionKey key, String location) {
    if (key.size() != spec.fields().size()) {
      throw new IllegalArgumentException(location + " has a partition tuple of " + key.size()
          + " values; partition spec " + spec.specId() + " has " + spec.fields().size() + " fields");
    }
    GenericRecord record = new GenericData.Record(schema);
    for (int i = 0; i < key.size(); i++) {
      org.apache.avro.Schema fieldSchema = schema.getFields().get(i).schema().getTypes().get(1);
      record.put(i, toAvro(fieldSchema, spec.partitionType().get(i).type(), key.get(i)));
    }
    return record;
  }

  private static Object toAvro(org.apache.avro.Schema schema, Type type, Object value) {
    if (value == null) {
      return null;
    }
    if (type instanceof Type.Decimal) {
      byte[] unscaled = ((BigDecimal) value).unscaledValue().toByteArray();
      byte[] fixed = new byte[schema.getFixedSize()];
      Arrays.fill(fixed, 0, fixed.length - unscaled.length, (byte) (unscaled[0] < 0 ? -1 : 0));
      System.arraycopy(unscaled, 0, fixed, fixed.length - unscaled.length, unscaled.length);
      return new GenericData.Fixed(schema, fixed);
    }
    if (schema.getType() == org.apache.avro.Schema.Type.FIXED) {
      return new GenericData.Fixed(schema, (byte[]) value);
    }
    if (type == Type.Primitive.STRING) {
      return new Utf8((byte[]) value);
    }
    if (type == Type.Primitive.BINARY) {
      return ByteBuffer.wrap((byte[]) value);
    }
    return value;
  }

  /** The partition tuple in a manifest entry's struct, in storage form. */
  static PartitionKey key(GenericRecord record) {
    List<Object> values = new ArrayList<>();
    for (org.apache.avro.Schema.Field field : record.getSchema().getFields()) {
      values.add(fromAvro(record.get(field.pos())));
    }
    return values.isEmpty() ? PartitionKey.UNPARTITIONED : new PartitionKey(values);
  }

  private static Object fromAvro(Object value) {
    if (value instanceof CharSequence text) {
      return text.toString().getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return bytes;
    }
    if (value instanceof GenericFixed fixed) {
      LogicalType logical = fixed.getSchema().getLogicalType();
      if (logical instanceof LogicalTypes.Decimal decimal) {
        return new BigDecimal(new BigInteger(fixed.bytes()), decimal.getScale());
      }
      return fixed.bytes().clone();
    }
    return value; // Integer, Long, Float, Double, Boolean or null
  }
}
