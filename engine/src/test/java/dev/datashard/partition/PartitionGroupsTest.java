package dev.datashard.partition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.Schema;
import dev.datashard.Type.Primitive;
import dev.datashard.arrow.ArrowSchemas;
import dev.datashard.arrow.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A batch's rows grouped by partition key, computed over vectors. */
class PartitionGroupsTest {
  private static final Schema SCHEMA = PartitionSpecTest.SCHEMA.select(List.of("ts", "user_id", "name"));
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void close() {
    allocator.close();
  }

  @Test
  void groupsAreTheDistinctKeysWithTheirRowsInOrder() {
    PartitionSpec spec = PartitionSpec.parse(SCHEMA, 0, "day(ts), bucket(4, user_id), truncate(1, name)");
    Random random = new Random(7);
    int rows = 5000;
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(ArrowSchemas.toArrow(SCHEMA), allocator)) {
      TimeStampVector ts = (TimeStampVector) batch.getVector("ts");
      IntVector userId = (IntVector) batch.getVector("user_id");
      VarCharVector name = (VarCharVector) batch.getVector("name");
      Map<PartitionKey, List<Integer>> expected = new HashMap<>();
      List<PartitionKey> firstSeen = new ArrayList<>();
      for (int row = 0; row < rows; row++) {
        Long micros = random.nextInt(10) == 0 ? null : (random.nextInt(40) - 20) * 36_000_000_000L;
        Integer user = random.nextInt(10) == 0 ? null : random.nextInt();
        String text = random.nextInt(10) == 0 ? null : List.of("ab", "ax", "é", "", "b").get(random.nextInt(5));
        if (micros == null) {
          ts.setNull(row);
        } else {
          ts.setSafe(row, micros);
        }
        if (user == null) {
          userId.setNull(row);
        } else {
          userId.setSafe(row, user);
        }
        if (text == null) {
          name.setNull(row);
        } else {
          name.setSafe(row, text.getBytes(StandardCharsets.UTF_8));
        }
        List<Object> key = new ArrayList<>();
        key.add(micros == null ? null : Transform.DAY.apply(Primitive.TIMESTAMP, micros));
        key.add(user == null ? null : new Transform.Bucket(4).apply(Primitive.INT, user));
        key.add(text == null ? null : new Transform.Truncate(1).apply(Primitive.STRING,
            text.getBytes(StandardCharsets.UTF_8)));
        PartitionKey partition = new PartitionKey(key);
        if (!expected.containsKey(partition)) {
          firstSeen.add(partition);
        }
        expected.computeIfAbsent(partition, k -> new ArrayList<>()).add(row);
      }
      batch.setRowCount(rows);

      PartitionGroups groups = spec.partitionKeys(batch, allocator);

      assertThat(groups.keys()).containsExactlyElementsOf(firstSeen);
      assertThat(groups.size()).isGreaterThan(100); // enough to make the table grow
      for (int group = 0; group < groups.size(); group++) {
        List<Integer> rowsOfGroup = new ArrayList<>();
        for (int row : groups.rows(group)) {
          rowsOfGroup.add(row);
          assertThat(groups.groupOf(row)).isEqualTo(group);
        }
        assertThat(rowsOfGroup).isEqualTo(expected.get(groups.key(group)));
      }
    }
  }

  @Test
  void keysNameTheirPartitionDirectories() {
    PartitionSpec spec = PartitionSpec.parse(SCHEMA, 0, "hour(ts), name, bucket(4, user_id)");
    long micros = Values.toTimestampMicros("2026-01-03T10:15:00", Primitive.TIMESTAMP);
    int hour = (Integer) Transform.HOUR.apply(Primitive.TIMESTAMP, micros);
    PartitionKey key = new PartitionKey(java.util.Arrays.asList(hour, "a b/é".getBytes(StandardCharsets.UTF_8), null));
    assertThat(PartitionValues.toPath(spec, key)).isEqualTo("ts_hour=2026-01-03-10/name=a+b%2F%C3%A9/user_id_bucket=null");
  }

  @Test
  void humanStringsAreIcebergs() {
    assertThat(PartitionValues.toHumanString(Transform.YEAR, Primitive.DATE, -1)).isEqualTo("1969");
    assertThat(PartitionValues.toHumanString(Transform.MONTH, Primitive.DATE, -1)).isEqualTo("1969-12");
    assertThat(PartitionValues.toHumanString(Transform.DAY, Primitive.DATE, -1)).isEqualTo("1969-12-31");
    assertThat(PartitionValues.toHumanString(Transform.HOUR, Primitive.TIMESTAMP, -1)).isEqualTo("1969-12-31-23");
    assertThat(PartitionValues.toHumanString(new Transform.Bucket(3), Primitive.STRING, 2)).isEqualTo("2");
    assertThat(PartitionValues.toHumanString(Transform.IDENTITY, Primitive.BINARY, new byte[] {1, 2})).isEqualTo("AQI=");
    assertThat(PartitionValues.toHumanString(Transform.VOID, Primitive.INT, null)).isEqualTo("null");
  }
}
