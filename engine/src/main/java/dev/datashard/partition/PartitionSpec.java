package dev.datashard.partition;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.ValidationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * How a table's rows are partitioned: an id and fields, each a transform of a top-level primitive
 * column of {@link #schema()}. Immutable. The constructor checks what every spec must satisfy
 * (known source columns, transforms valid for their types, unique names and field ids);
 * {@link #parse} also rejects what Iceberg's builder rejects in new specs: redundant fields and
 * names of other columns.
 */
public final class PartitionSpec {
  private final Schema schema;
  private final int specId;
  private final List<PartitionField> fields;
  private final List<Field> partitionType;

  public PartitionSpec(Schema schema, int specId, List<PartitionField> fields) {
    this.schema = requireNonNull(schema, "schema");
    this.specId = specId;
    this.fields = List.copyOf(requireNonNull(fields, "fields"));
    Set<String> names = new HashSet<>();
    Set<Integer> ids = new HashSet<>();
    List<Field> types = new ArrayList<>();
    for (PartitionField field : this.fields) {
      Field source = source(schema, field);
      if (!field.transform().canTransform(source.type())) {
        throw new ValidationException(field.transform() + " cannot partition column '" + source.name()
            + "' of type " + source.type().typeName() + "; " + field.transform() + " takes "
            + acceptedTypes(field.transform()));
      }
      if (!names.add(field.name())) {
        throw new ValidationException("partition field name '" + field.name() + "' is used twice");
      }
      if (!ids.add(field.fieldId())) {
        throw new ValidationException("partition field id " + field.fieldId() + " is used twice");
      }
      types.add(Field.optional(field.fieldId(), field.name(), field.transform().resultType(source.type())));
    }
    this.partitionType = List.copyOf(types);
  }

  /** The spec of an unpartitioned table. */
  public static PartitionSpec unpartitioned(Schema schema) {
    return new PartitionSpec(schema, 0, List.of());
  }

  /**
   * A new spec from the CLI's text, {@code "day(ts), bucket(16, user_id), truncate(4, name),
   * region"}; field ids from {@link PartitionField#FIRST_FIELD_ID}, default names as Iceberg's.
   */
  public static PartitionSpec parse(Schema schema, int specId, String text) {
    return PartitionSpecParser.parse(schema, specId, text, PartitionField.FIRST_FIELD_ID);
  }

  /** A spec of the table metadata's {@code partition-specs}, e.g. as {@code TableMetadata} keeps them. */
  public static PartitionSpec fromJson(Schema schema, JsonNode json) {
    return PartitionSpecJson.parse(schema, json);
  }

  /** The metadata JSON form: {@code {"spec-id": 0, "fields": [{"name", "transform", "source-id", "field-id"}]}}. */
  public JsonNode toJson() {
    return PartitionSpecJson.toJson(this);
  }

  public Schema schema() {
    return schema;
  }

  public int specId() {
    return specId;
  }

  public List<PartitionField> fields() {
    return fields;
  }

  public boolean isPartitioned() {
    return fields.stream().anyMatch(field -> !(field.transform() instanceof Transform.Void));
  }

  /** The highest partition field id, or {@code FIRST_FIELD_ID - 1} without fields (metadata's last-partition-id). */
  public int lastFieldId() {
    return fields.stream().mapToInt(PartitionField::fieldId).max().orElse(PartitionField.FIRST_FIELD_ID - 1);
  }

  /** The column a field transforms. */
  public Field sourceField(PartitionField field) {
    return source(schema, field);
  }

  /**
   * The partition tuple's fields: per partition field its id, name and the transform's result
   * type, all optional (any transform maps null to null), in spec order.
   */
  public List<Field> partitionType() {
    return partitionType;
  }

  /**
   * The partition values of every row of {@code batch} (which holds at least the source columns,
   * by name), one vector per partition field named as the field. The caller closes the root.
   */
  public VectorSchemaRoot partitionValues(VectorSchemaRoot batch, BufferAllocator allocator) {
    requireNonNull(batch, "batch");
    List<FieldVector> vectors = new ArrayList<>();
    try {
      for (int i = 0; i < fields.size(); i++) {
        PartitionField field = fields.get(i);
        Field source = sourceField(field);
        FieldVector column = batch.getVector(source.name());
        if (column == null) {
          throw new ValidationException("the batch has no column '" + source.name() + "', which partition field '"
              + field.name() + "' transforms");
        }
        vectors.add(VectorTransforms.apply(field.transform(), source.type(), column, partitionType.get(i),
            allocator));
      }
      VectorSchemaRoot values = new VectorSchemaRoot(vectors);
      values.setRowCount(batch.getRowCount());
      return values;
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
  }

  /** The rows of {@code batch} grouped by partition, for writing one file per partition. */
  public PartitionGroups partitionKeys(VectorSchemaRoot batch, BufferAllocator allocator) {
    try (VectorSchemaRoot values = partitionValues(batch, allocator)) {
      return PartitionGroups.of(this, values);
    }
  }

  /** Types that {@code transform} accepts, for error messages. */
  static String acceptedTypes(Transform transform) {
    List<String> accepted = new ArrayList<>();
    for (Type.Primitive primitive : Type.Primitive.values()) {
      if (transform.canTransform(primitive)) {
        accepted.add(primitive.typeName());
      }
    }
    if (transform.canTransform(new Type.Decimal(9, 2))) {
      accepted.add("decimal(P,S)");
    }
    if (transform.canTransform(new Type.Fixed(1))) {
      accepted.add("fixed[L]");
    }
    return String.join(", ", accepted);
  }

  private static Field source(Schema schema, PartitionField field) {
    return schema.fields().stream().filter(column -> column.id() == field.sourceId()).findFirst()
        .orElseThrow(() -> new ValidationException("partition field '" + field.name() + "' transforms column id "
            + field.sourceId() + ", which is no top-level column of the schema"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PartitionSpec other && specId == other.specId && fields.equals(other.fields)
        && schema.sameStructure(other.schema);
  }

  @Override
  public int hashCode() {
    return 31 * specId + fields.hashCode();
  }

  @Override
  public String toString() {
    return "partition spec " + specId + " " + fields;
  }
}
