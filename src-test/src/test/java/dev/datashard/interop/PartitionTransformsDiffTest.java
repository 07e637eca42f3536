package dev.datashard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datashard.Field;
import dev.datashard.arrow.RecordBatches;
import dev.datashard.metadata.Json;
import dev.datashard.partition.PartitionField;
import dev.datashard.partition.PartitionGroups;
import dev.datashard.partition.PartitionKey;
import dev.datashard.partition.PartitionSpec;
import dev.datashard.partition.PartitionValues;
import dev.datashard.partition.Transform;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpecParser;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SingleValueParser;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SerializableFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DataShard's partition transforms against Iceberg's library: for every transform and every
 * primitive column of {@link AllTypes}, which types it takes, its result type, and its value for
 * random rows (fixed seed, {@link RandomValues}' edge cases: extreme and negative numbers, dates
 * and times before 1970, empty strings, 4-byte code points, nulls), computed over Arrow vectors;
 * the partition paths and JSON values of those results; and the metadata JSON of the specs.
 */
class PartitionTransformsDiffTest {
  static final List<Transform> TRANSFORMS = List.of(Transform.IDENTITY, new Transform.Bucket(1),
      new Transform.Bucket(16), new Transform.Bucket(Integer.MAX_VALUE), new Transform.Truncate(1),
      new Transform.Truncate(3), new Transform.Truncate(10), new Transform.Truncate(1000),
      new Transform.Truncate(Integer.MAX_VALUE), Transform.YEAR, Transform.MONTH, Transform.DAY,
      Transform.HOUR, Transform.VOID);
  private static final int ROWS = 600;

  private final Schema icebergSchema = IcebergSchemas.allTypes();
  private final dev.datashard.Schema schema = IcebergSchemas.toDataShard(icebergSchema);
  private RootAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  /**
   * Every transform, every primitive column: DataShard takes a column's type where Iceberg does,
   * with the same result type. (Iceberg's void also takes structs, lists and maps; the spec allows
   * only primitive source columns.)
   */
  @Test
  void transformsTakeTheTypesIcebergTakes() {
    for (Transform transform : TRANSFORMS) {
      org.apache.iceberg.transforms.Transform<?, ?> iceberg = Transforms.fromString(transform.toString());
      for (Types.NestedField column : icebergSchema.columns()) {
        if (!column.type().isPrimitiveType()) {
          assertThat(transform.canTransform(schema.field(column.name()).orElseThrow().type())).isFalse();
          continue;
        }
        dev.datashard.Type type = schema.field(column.name()).orElseThrow().type();
        assertThat(transform.canTransform(type)).as("%s of %s", transform, column.type())
            .isEqualTo(iceberg.canTransform(column.type()));
        if (transform.canTransform(type)) {
          assertThat(transform.resultType(type).typeName()).as("%s of %s", transform, column.type())
              .isEqualTo(iceberg.getResultType(column.type()).toString());
        }
      }
    }
  }

  /**
   * One spec with a field per transform and column it takes: DataShard's partition values of a
   * batch (over its vectors), of each value alone, its paths and JSON values are Iceberg's.
   */
  @Test
  void partitionValuesAreIcebergs() {
    PartitionSpec spec = everyTransformOfEveryColumn();
    org.apache.iceberg.PartitionSpec icebergSpec = PartitionSpecParser.fromJson(icebergSchema, spec.toJson().toString());
    assertThat(icebergSpec.fields()).hasSize(spec.fields().size());
    List<Map<String, Object>> rows = randomRows(new Random(1515));
    try (VectorSchemaRoot batch = RecordBatches.fromRecords(allocator, schema, rows)) {
      PartitionGroups groups = spec.partitionKeys(batch, allocator);
      InternalRecordWrapper internal = new InternalRecordWrapper(icebergSchema.asStruct());
      int nonNull = 0;
      for (int row = 0; row < rows.size(); row++) {
        StructLike source = internal.wrap(IcebergWrites.record(icebergSchema.asStruct(), rows.get(row)));
        PartitionKey key = groups.key(groups.groupOf(row));
        GenericRecord icebergKey = GenericRecord.create(icebergSpec.partitionType());
        for (int f = 0; f < spec.fields().size(); f++) {
          PartitionField field = spec.fields().get(f);
          org.apache.iceberg.PartitionField icebergField = icebergSpec.fields().get(f);
          Type sourceType = icebergSchema.findType(icebergField.sourceId());
          Object sourceValue = source.get(icebergSchema.columns().indexOf(icebergSchema.findField(
              icebergField.sourceId())), Object.class);
          Object expected = bind(icebergField, sourceType).apply(sourceValue);
          icebergKey.set(f, expected);
          String what = field.name() + " = " + field.transform() + "(" + describe(sourceValue) + ")";
          assertThat(key.get(f)).as(what).isEqualTo(storage(expected));
          if (sourceValue != null) {
            nonNull++;
            dev.datashard.Type type = spec.sourceField(field).type();
            assertThat(field.transform().apply(type, storage(sourceValue))).as(what).isEqualTo(storage(expected));
          }
          Type resultType = icebergSpec.partitionType().fields().get(f).type();
          JsonNode json = PartitionValues.toJson(spec.partitionType().get(f).type(), key.get(f));
          assertThat(json.toString()).as(what).isEqualTo(SingleValueParser.toJson(resultType, expected));
        }
        assertThat(PartitionValues.toPath(spec, key)).isEqualTo(icebergSpec.partitionToPath(icebergKey));
      }
      assertThat(nonNull).isGreaterThan(ROWS * spec.fields().size() / 2);
    }
  }

  /**
   * Every pair of transforms: DataShard's order satisfaction is Iceberg's, but that Iceberg claims
   * a wider truncation satisfies a narrower one, which holds for strings only.
   */
  @Test
  void orderSatisfactionIsNeverClaimedBeyondIcebergs() {
    List<String> differences = new ArrayList<>();
    for (Transform transform : TRANSFORMS) {
      for (Transform other : TRANSFORMS) {
        boolean iceberg = Transforms.fromString(transform.toString())
            .satisfiesOrderOf(Transforms.fromString(other.toString()));
        boolean widerTruncation = transform instanceof Transform.Truncate wider
            && other instanceof Transform.Truncate narrower && wider.width() > narrower.width();
        if (transform.satisfiesOrderOf(other) != iceberg && !widerTruncation) {
          differences.add(transform + " of " + other + ": Iceberg " + iceberg);
        }
      }
    }
    assertThat(differences).as("order satisfaction differences").isEmpty();
  }

  /** The partition spec in the metadata of a table Iceberg created reads as the same spec. */
  @Test
  void readsTheSpecsOfTablesIcebergCreated(@TempDir Path warehouse) throws IOException {
    org.apache.iceberg.PartitionSpec icebergSpec = org.apache.iceberg.PartitionSpec.builderFor(icebergSchema)
        .day("ts").bucket("u", 8).truncate("s", 4).identity("l").year("date").truncate("dec9", 2)
        .hour("tstz").bucket("bin", 3, "bins").build();
    org.apache.iceberg.Table table = IcebergWrites.create(warehouse.resolve("t").toString(), icebergSchema,
        icebergSpec);
    String metadataFile = ((HasTableOperations) table).operations().current().metadataFileLocation();
    JsonNode metadata = Json.parse(Files.readString(Path.of(URI.create(metadataFile).getPath())), metadataFile);
    JsonNode specJson = metadata.get("partition-specs").get(0);
    dev.datashard.Schema tableSchema = IcebergSchemas.toDataShard(table.schema());

    PartitionSpec spec = PartitionSpec.fromJson(tableSchema, specJson);

    assertThat(spec.specId()).isEqualTo(table.spec().specId());
    assertThat(spec.toJson()).isEqualTo(Json.parse(PartitionSpecParser.toJson(table.spec()), "iceberg spec"));
    assertThat(spec.lastFieldId()).isEqualTo(metadata.get("last-partition-id").asInt());
    for (int f = 0; f < spec.fields().size(); f++) {
      assertThat(spec.partitionType().get(f).type().typeName())
          .isEqualTo(table.spec().partitionType().fields().get(f).type().toString());
    }
  }

  /** Default names: Iceberg's builder names fields as DataShard's spec text does. */
  @Test
  void defaultNamesAreIcebergs() {
    PartitionSpec spec = PartitionSpec.parse(schema, 0,
        "day(ts), bucket(16, i), truncate(4, s), identity(l), void(bin), hour(tstz), year(date), truncate(2, dec9)");
    org.apache.iceberg.PartitionSpec iceberg = org.apache.iceberg.PartitionSpec.builderFor(icebergSchema)
        .day("ts").bucket("i", 16).truncate("s", 4).identity("l").alwaysNull("bin")
        .hour("tstz").year("date").truncate("dec9", 2).build();
    assertThat(spec.toJson()).isEqualTo(Json.parse(PartitionSpecParser.toJson(iceberg), "iceberg spec"));
  }

  private PartitionSpec everyTransformOfEveryColumn() {
    List<PartitionField> fields = new ArrayList<>();
    for (Transform transform : TRANSFORMS) {
      for (String column : RandomValues.COLUMNS) {
        Field source = schema.field(column).orElseThrow();
        if (transform.canTransform(source.type())) {
          fields.add(new PartitionField(source.id(), PartitionField.FIRST_FIELD_ID + fields.size(),
              "p" + fields.size() + "_" + column, transform));
        }
      }
    }
    return new PartitionSpec(schema, 0, fields);
  }

  static List<Map<String, Object>> randomRows(Random random) {
    RandomValues values = new RandomValues(random);
    List<Map<String, Object>> rows = new ArrayList<>();
    while (rows.size() < ROWS) {
      rows.addAll(values.file(rows.size(), 20)); // each file draws new values for its palette
    }
    return rows;
  }

  @SuppressWarnings("unchecked")
  static SerializableFunction<Object, Object> bind(org.apache.iceberg.PartitionField field, Type sourceType) {
    return (SerializableFunction<Object, Object>) ((org.apache.iceberg.transforms.Transform<Object, Object>)
        field.transform()).bind(sourceType);
  }

  /** An Iceberg value (internal form: days, micros, CharSequence, ByteBuffer, UUID) in DataShard's storage form. */
  static Object storage(Object value) {
    if (value instanceof CharSequence text) {
      return text.toString().getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return bytes;
    }
    if (value instanceof UUID uuid) {
      return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
          .putLong(uuid.getLeastSignificantBits()).array();
    }
    return value;
  }

  private static String describe(Object value) {
    Object shown = storage(value);
    return shown instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : String.valueOf(shown);
  }
}
