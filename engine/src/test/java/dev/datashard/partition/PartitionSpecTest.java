package dev.datashard.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.ValidationException;
import dev.datashard.metadata.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec text, its errors, metadata JSON and the partition type. */
class PartitionSpecTest {
  static final Schema SCHEMA = Schema.fromJson("""
      {"fields": [{"id": 1, "name": "id", "type": "long", "required": true},
                  {"id": 2, "name": "ts", "type": "timestamp", "required": false},
                  {"id": 3, "name": "user_id", "type": "int", "required": false},
                  {"id": 4, "name": "name", "type": "string", "required": false},
                  {"id": 5, "name": "region", "type": "string", "required": false},
                  {"id": 6, "name": "x", "type": "double", "required": false},
                  {"id": 7, "name": "price", "type": "decimal(9, 2)", "required": false}]}""");

  @Test
  void parsesTheCliForm() {
    PartitionSpec spec = PartitionSpec.parse(SCHEMA, 0,
        "day(ts), bucket(16, user_id), truncate(4, name), identity(region), id, void(x)");
    assertThat(spec.fields()).containsExactly(
        new PartitionField(2, 1000, "ts_day", Transform.DAY),
        new PartitionField(3, 1001, "user_id_bucket", new Transform.Bucket(16)),
        new PartitionField(4, 1002, "name_trunc", new Transform.Truncate(4)),
        new PartitionField(5, 1003, "region", Transform.IDENTITY),
        new PartitionField(1, 1004, "id", Transform.IDENTITY),
        new PartitionField(6, 1005, "x_null", Transform.VOID));
    assertThat(spec.partitionType()).containsExactly(
        Field.optional(1000, "ts_day", Type.Primitive.DATE),
        Field.optional(1001, "user_id_bucket", Type.Primitive.INT),
        Field.optional(1002, "name_trunc", Type.Primitive.STRING),
        Field.optional(1003, "region", Type.Primitive.STRING),
        Field.optional(1004, "id", Type.Primitive.LONG),
        Field.optional(1005, "x_null", Type.Primitive.DOUBLE));
    assertThat(spec.lastFieldId()).isEqualTo(1005);
    assertThat(spec.isPartitioned()).isTrue();
  }

  @Test
  void acceptsSparkPluralsNamesAndQuotes() {
    PartitionSpec spec = PartitionSpec.parse(SCHEMA, 3, " hours( ts ) as h ,  BUCKET(8,\"user_id\") ");
    assertThat(spec.specId()).isEqualTo(3);
    assertThat(spec.fields()).containsExactly(new PartitionField(2, 1000, "h", Transform.HOUR),
        new PartitionField(3, 1001, "user_id_bucket", new Transform.Bucket(8)));
  }

  @Test
  void emptyTextIsUnpartitioned() {
    PartitionSpec spec = PartitionSpec.parse(SCHEMA, 1, "  ");
    assertThat(spec.fields()).isEmpty();
    assertThat(spec.isPartitioned()).isFalse();
    assertThat(spec).isEqualTo(new PartitionSpec(SCHEMA, 1, List.of()));
  }

  @Test
  void badSpecsAreClearErrors() {
    assertError("day(when)", "day(when) names unknown column 'when' (columns: id, ts, user_id,");
    assertError("nope", "unknown column 'nope'");
    assertError("day(name)", "day cannot partition column 'name' of type string; day takes date, timestamp, "
        + "timestamptz");
    assertError("hour(ts), bucket(2, x)", "bucket[2] cannot partition column 'x' of type double; bucket[2] takes int,"
        + " long, date, time, timestamp, timestamptz, string, uuid, binary, decimal(P,S), fixed[L]");
    assertError("truncate(2, ts)", "truncate[2] cannot partition column 'ts' of type timestamp");
    assertError("bucket(0, id)", "bucket(N, column) needs a number of buckets N from 1 to 2147483647, not 0");
    assertError("bucket(-3, id)", "not -3");
    assertError("truncate(99999999999, name)", "not 99999999999");
    assertError("bucket(id)", "expected bucket(N, column) needs a number of buckets N at position 8");
    assertError("minute(ts)", "unknown transform 'minute'");
    assertError("day(ts), day(ts)", "'day(ts)' and 'day(ts)' both name their field 'ts_day'");
    assertError("day(ts), hour(ts)", "'day(ts)' and 'hour(ts)' partition the same column by time twice");
    assertError("bucket(4, id) as a, bucket(4, id) as b", "partition the same column the same way");
    assertError("region, name as region", "'region' and 'name as region' both name their field 'region'");
    assertError("day(ts) as name", "would name its field 'name', a column of the table");
    assertError("day(ts),", "expected a term after ','");
    assertError("day(ts", "expected ')' at position 7, found the end");
    assertError("day(ts) hour(ts)", "expected ',' at position 9");
  }

  @Test
  void metadataJsonRoundTrips() {
    PartitionSpec spec = PartitionSpec.parse(SCHEMA, 2, "month(ts), truncate(10, price), bucket(3, name)");
    String json = spec.toJson().toString();
    assertThat(json).isEqualTo("{\"spec-id\":2,\"fields\":["
        + "{\"name\":\"ts_month\",\"transform\":\"month\",\"source-id\":2,\"field-id\":1000},"
        + "{\"name\":\"price_trunc\",\"transform\":\"truncate[10]\",\"source-id\":7,\"field-id\":1001},"
        + "{\"name\":\"name_bucket\",\"transform\":\"bucket[3]\",\"source-id\":4,\"field-id\":1002}]}");
    assertThat(PartitionSpec.fromJson(SCHEMA, Json.parse(json, "spec"))).isEqualTo(spec);
  }

  @Test
  void metadataJsonErrorsNameTheSpec() {
    assertThatThrownBy(() -> PartitionSpec.fromJson(SCHEMA, Json.parse("""
        {"spec-id": 4, "fields": [{"name": "a", "transform": "zorder", "source-id": 2, "field-id": 1000}]}""", "s")))
        .hasMessageContaining("partition spec 4: unknown partition transform 'zorder'");
    assertThatThrownBy(() -> PartitionSpec.fromJson(SCHEMA, Json.parse("""
        {"spec-id": 4, "fields": [{"name": "a", "transform": "day", "source-id": 99, "field-id": 1000}]}""", "s")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("column id 99");
    assertThatThrownBy(() -> new PartitionSpec(SCHEMA, 0, List.of(new PartitionField(2, 1000, "a", Transform.DAY),
        new PartitionField(2, 1000, "b", Transform.YEAR)))).hasMessageContaining("partition field id 1000 is used twice");
  }

  private static void assertError(String text, String message) {
    assertThatThrownBy(() -> PartitionSpec.parse(SCHEMA, 0, text)).isInstanceOf(ValidationException.class)
        .hasMessageContaining(message);
  }
}
