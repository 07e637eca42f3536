package dev.datashard.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.Field;
import dev.datashard.Type;
import dev.datashard.Type.Primitive;
import dev.datashard.arrow.ArrowSchemas;
import dev.datashard.arrow.Values;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Transforms on values and on vectors, against the spec's examples and each other. */
class TransformTest {
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void close() {
    allocator.close(); // fails the test if a vector leaked
  }

  /** The spec's appendix B: the hashes of sample values. */
  @Test
  void hashesAreTheSpecExamples() {
    assertThat(TransformValues.hash(34)).isEqualTo(2017239379);
    assertThat(TransformValues.hash(34L)).isEqualTo(2017239379);
    assertThat(TransformValues.hash(new BigDecimal("14.20"))).isEqualTo(-500754589);
    assertThat(TransformValues.hash(Values.toEpochDay("2017-11-16", Primitive.DATE))).isEqualTo(-653330422);
    assertThat(TransformValues.hash(Values.toTimeMicros("22:31:08", Primitive.TIME))).isEqualTo(-662762989);
    assertThat(TransformValues.hash(Values.toTimestampMicros("2017-11-16T22:31:08", Primitive.TIMESTAMP)))
        .isEqualTo(-2047944441);
    assertThat(TransformValues.hash(Values.toTimestampMicros("2017-11-16T22:31:08.000001", Primitive.TIMESTAMP)))
        .isEqualTo(-1207196810);
    assertThat(TransformValues.hash(Values.toTimestampMicros("2017-11-16T14:31:08-08:00", Primitive.TIMESTAMPTZ)))
        .isEqualTo(-2047944441);
    assertThat(TransformValues.hash("iceberg".getBytes(StandardCharsets.UTF_8))).isEqualTo(1210000089);
    assertThat(TransformValues.hash(Values.toUuidBytes("f79c3e09-677c-4bbd-a479-3f349cb785e7", Primitive.UUID)))
        .isEqualTo(1488055340);
    assertThat(TransformValues.hash(new byte[] {0, 1, 2, 3})).isEqualTo(-188683207);
  }

  @Test
  void bucketsAreTheHashModuloN() {
    Transform bucket = new Transform.Bucket(100);
    // -653330422 & MAX_VALUE = 1494153226
    assertThat(bucket.apply(Primitive.DATE, Values.toEpochDay("2017-11-16", Primitive.DATE))).isEqualTo(26);
    assertThat(bucket.apply(Primitive.INT, 34)).isEqualTo(2017239379 % 100);
  }

  /** The spec's "Truncate Transform Details" examples. */
  @Test
  void truncatesAsTheSpecShows() {
    Transform ten = new Transform.Truncate(10);
    assertThat(ten.apply(Primitive.INT, 1)).isEqualTo(0);
    assertThat(ten.apply(Primitive.INT, -1)).isEqualTo(-10);
    assertThat(ten.apply(Primitive.LONG, 1L)).isEqualTo(0L);
    assertThat(ten.apply(Primitive.LONG, -1L)).isEqualTo(-10L);
    assertThat(new Transform.Truncate(50).apply(new Type.Decimal(9, 2), new BigDecimal("10.65")))
        .isEqualTo(new BigDecimal("10.50"));
    assertThat(new Transform.Truncate(3).apply(Primitive.STRING, utf8("iceberg"))).isEqualTo(utf8("ice"));
    assertThat(new Transform.Truncate(3).apply(Primitive.BINARY, new byte[] {1, 2, 3, 4})).isEqualTo(new byte[] {1, 2, 3});
    // Code points, not chars or bytes: an emoji is one code point, two chars, four bytes.
    assertThat(new Transform.Truncate(2).apply(Primitive.STRING, utf8("\uD83D\uDE00é\uD83D\uDE00")))
        .isEqualTo(utf8("\uD83D\uDE00é"));
    assertThat(new Transform.Truncate(5).apply(Primitive.STRING, utf8(""))).isEqualTo(utf8(""));
  }

  @Test
  void timeTransformsCountFrom1970AndFloorBeforeIt() {
    long beforeEpoch = Values.toTimestampMicros("1969-12-31T23:59:59.999999", Primitive.TIMESTAMP);
    assertThat(Transform.YEAR.apply(Primitive.TIMESTAMP, beforeEpoch)).isEqualTo(-1);
    assertThat(Transform.MONTH.apply(Primitive.TIMESTAMP, beforeEpoch)).isEqualTo(-1);
    assertThat(Transform.DAY.apply(Primitive.TIMESTAMP, beforeEpoch)).isEqualTo(-1);
    assertThat(Transform.HOUR.apply(Primitive.TIMESTAMP, beforeEpoch)).isEqualTo(-1);
    long micros = Values.toTimestampMicros("2026-03-04T05:06:07", Primitive.TIMESTAMP);
    assertThat(Transform.YEAR.apply(Primitive.TIMESTAMP, micros)).isEqualTo(56);
    assertThat(Transform.MONTH.apply(Primitive.TIMESTAMP, micros)).isEqualTo(56 * 12 + 2);
    assertThat(Transform.DAY.apply(Primitive.TIMESTAMP, micros))
        .isEqualTo((int) LocalDate.of(2026, 3, 4).toEpochDay());
    assertThat(Transform.HOUR.apply(Primitive.TIMESTAMP, micros))
        .isEqualTo((int) LocalDate.of(2026, 3, 4).toEpochDay() * 24 + 5);
  }

  /** The allocation-free year and month agree with java.time over the whole range of Iceberg dates. */
  @Test
  void yearsAndMonthsAgreeWithJavaTime() {
    for (LocalDate date = LocalDate.of(1, 1, 1); date.getYear() < 10000; date = date.plusDays(13)) {
      int days = (int) date.toEpochDay();
      assertThat(TransformValues.yearsFromDays(days)).as("%s", date).isEqualTo(date.getYear() - 1970);
      assertThat(TransformValues.monthsFromDays(days)).as("%s", date)
          .isEqualTo((date.getYear() - 1970) * 12 + date.getMonthValue() - 1);
    }
  }

  @Test
  void transformsAcceptTheSpecsTypes() {
    assertThat(Transform.DAY.canTransform(Primitive.STRING)).isFalse();
    assertThat(Transform.HOUR.canTransform(Primitive.DATE)).isFalse();
    assertThat(new Transform.Bucket(4).canTransform(Primitive.DOUBLE)).isFalse();
    assertThat(new Transform.Bucket(4).canTransform(new Type.Fixed(3))).isTrue();
    assertThat(new Transform.Truncate(4).canTransform(new Type.Fixed(3))).isFalse();
    assertThat(new Transform.Truncate(4).resultType(new Type.Decimal(9, 2))).isEqualTo(new Type.Decimal(9, 2));
    assertThat(Transform.DAY.resultType(Primitive.TIMESTAMPTZ)).isEqualTo(Primitive.DATE);
    assertThat(Transform.MONTH.resultType(Primitive.DATE)).isEqualTo(Primitive.INT);
    assertThatThrownBy(() -> Transform.DAY.apply(Primitive.STRING, utf8("x")))
        .hasMessageContaining("day cannot transform string");
  }

  @Test
  void transformNamesRoundTrip() {
    for (Transform transform : List.of(Transform.IDENTITY, new Transform.Bucket(16), new Transform.Truncate(4),
        Transform.YEAR, Transform.MONTH, Transform.DAY, Transform.HOUR, Transform.VOID)) {
      assertThat(Transform.fromString(transform.toString())).isEqualTo(transform);
    }
    assertThatThrownBy(() -> Transform.fromString("bucket[0]")).hasMessageContaining("positive");
    assertThatThrownBy(() -> Transform.fromString("minute")).hasMessageContaining("unknown partition transform");
  }

  @Test
  void orderSatisfaction() {
    assertThat(Transform.HOUR.satisfiesOrderOf(Transform.DAY)).isTrue();
    assertThat(Transform.DAY.satisfiesOrderOf(Transform.HOUR)).isFalse();
    assertThat(Transform.IDENTITY.satisfiesOrderOf(Transform.MONTH)).isTrue();
    assertThat(Transform.IDENTITY.satisfiesOrderOf(new Transform.Bucket(2))).isFalse();
    assertThat(new Transform.Bucket(2).satisfiesOrderOf(new Transform.Bucket(2))).isTrue();
  }

  /** Every transform of every type it takes: the vector's values are the single-value results, nulls kept. */
  @Test
  void vectorsAgreeWithValues() {
    Random random = new Random(15);
    List<Type> types = List.of(Primitive.INT, Primitive.LONG, Primitive.DATE, Primitive.TIME, Primitive.TIMESTAMP,
        Primitive.TIMESTAMPTZ, Primitive.STRING, Primitive.UUID, Primitive.BINARY, new Type.Fixed(5),
        new Type.Decimal(9, 2), new Type.Decimal(38, 10));
    List<Transform> transforms = List.of(Transform.IDENTITY, new Transform.Bucket(1), new Transform.Bucket(16),
        new Transform.Bucket(Integer.MAX_VALUE), new Transform.Truncate(1), new Transform.Truncate(3),
        new Transform.Truncate(1000), Transform.YEAR, Transform.MONTH, Transform.DAY, Transform.HOUR,
        Transform.VOID);
    for (Type type : types) {
      List<Object> values = new ArrayList<>();
      for (int row = 0; row < 200; row++) {
        values.add(row % 7 == 3 ? null : randomValue(type, random));
      }
      try (FieldVector source = vector(type, values)) {
        for (Transform transform : transforms) {
          if (!transform.canTransform(type)) {
            continue;
          }
          Field result = Field.optional(1000, "p", transform.resultType(type));
          try (FieldVector out = VectorTransforms.apply(transform, type, source, result, allocator)) {
            assertThat(out.getValueCount()).isEqualTo(values.size());
            for (int row = 0; row < values.size(); row++) {
              Object value = values.get(row);
              Object expected = value == null ? null : transform.apply(type, value);
              assertThat(PartitionValues.read(out, row, result.type()))
                  .as("%s of %s row %d", transform, type, row).isEqualTo(expected);
            }
          }
        }
      }
    }
  }

  @Test
  void vectorsOfAnotherTypeAreRejected() {
    try (FieldVector ints = vector(Primitive.INT, List.of(1))) {
      assertThatThrownBy(() -> VectorTransforms.apply(Transform.DAY, Primitive.DATE, ints,
          Field.optional(1000, "d", Primitive.DATE), allocator)).hasMessageContaining("not the Arrow form of date");
    }
  }

  private static Object randomValue(Type type, Random random) {
    if (type instanceof Type.Decimal decimal) {
      long unscaled = switch (random.nextInt(4)) {
        case 0 -> -1;
        case 1 -> random.nextInt(1000) - 500;
        default -> random.nextLong() % 1_000_000_000L;
      };
      BigDecimal value = BigDecimal.valueOf(unscaled, decimal.scale());
      return decimal.precision() > 18 && random.nextBoolean()
          ? new BigDecimal(new java.math.BigInteger(120, random).negate(), decimal.scale()) : value;
    }
    if (type instanceof Type.Fixed fixed) {
      byte[] bytes = new byte[fixed.length()];
      random.nextBytes(bytes);
      return bytes;
    }
    return switch ((Primitive) type) {
      case INT -> random.nextBoolean() ? random.nextInt() : random.nextInt(21) - 10;
      case LONG -> random.nextBoolean() ? random.nextLong() : (long) random.nextInt(21) - 10;
      case DATE -> random.nextInt(2_000_000) - 1_000_000;
      case TIME -> Math.floorMod(random.nextLong(), 86_400_000_000L);
      case TIMESTAMP, TIMESTAMPTZ -> random.nextLong() % 60_000_000_000_000_000L;
      case STRING -> {
        String[] pieces = {"a", "é", "\uD83D\uDE00", "\uFFFF", "z"};
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(6); i > 0; i--) {
          text.append(pieces[random.nextInt(pieces.length)]);
        }
        yield utf8(text.toString());
      }
      case UUID -> {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        yield bytes;
      }
      case BINARY -> {
        byte[] bytes = new byte[random.nextInt(8)];
        random.nextBytes(bytes);
        yield bytes;
      }
      default -> throw new IllegalArgumentException(type.typeName());
    };
  }

  /** A vector in DataShard's Arrow form of {@code type} holding storage-form values. */
  private FieldVector vector(Type type, List<Object> values) {
    FieldVector vector = ArrowSchemas.toArrow(Field.optional(1, "c", type)).createVector(allocator);
    vector.setInitialCapacity(values.size());
    vector.allocateNew();
    for (int row = 0; row < values.size(); row++) {
      Object value = values.get(row);
      if (value == null) {
        vector.setNull(row);
      } else if (vector instanceof IntVector v) {
        v.set(row, (Integer) value);
      } else if (vector instanceof BigIntVector v) {
        v.set(row, (Long) value);
      } else if (vector instanceof DateDayVector v) {
        v.set(row, (Integer) value);
      } else if (vector instanceof TimeMicroVector v) {
        v.set(row, (Long) value);
      } else if (vector instanceof TimeStampVector v) {
        v.set(row, (Long) value);
      } else if (vector instanceof DecimalVector v) {
        v.setSafe(row, (BigDecimal) value);
      } else if (vector instanceof FixedSizeBinaryVector v) {
        v.set(row, (byte[]) value);
      } else {
        ((BaseVariableWidthVector) vector).setSafe(row, (byte[]) value);
      }
    }
    vector.setValueCount(values.size());
    return vector;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
