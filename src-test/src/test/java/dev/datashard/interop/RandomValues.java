package dev.datashard.interop;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * Random values for the primitive columns of {@link AllTypes}, drawn mostly from each type's edge
 * cases: NaN, -0.0 and +0.0, infinities, extreme integers and decimals, uuids on both sides of the
 * signed/unsigned boundary, strings mixing 4-byte code points with characters around
 * U+E000..U+FFFF (and long enough to be truncated in bounds), bytes around 0x7F/0x80.
 */
final class RandomValues {
  static final List<String> COLUMNS = List.of("b", "i", "l", "f", "d", "dec9", "dec18", "dec38", "date",
      "time", "ts", "tstz", "s", "u", "fx", "bin");
  private static final String[] TEXT = {"a", "b", "é", "\uD7FF", "\uE000", "\uFFFD", "\uFFFF",
      "\uD83D\uDE00", "\uD800\uDC00", "\uDBFF\uDFFF"};
  private static final byte[] BYTES = {0, 1, 0x7F, (byte) 0x80, (byte) 0xFF};

  private final Random random;
  private final Map<String, List<Object>> drawn = new HashMap<>();

  RandomValues(Random random) {
    this.random = random;
  }

  /**
   * Rows with ids {@code from..from+count-1}: {@link AllTypes}' rows (for their nested columns)
   * with every primitive column drawn from a few values for this file, about a sixth of them null.
   */
  List<Map<String, Object>> file(int from, int count) {
    Map<String, List<Object>> palettes = new HashMap<>();
    for (String column : COLUMNS) {
      List<Object> palette = new ArrayList<>();
      int size = 1 + random.nextInt(4);
      for (int k = 0; k < size; k++) {
        Object value = draw(column);
        palette.add(value);
        drawn.computeIfAbsent(column, c -> new ArrayList<>()).add(value);
      }
      palettes.put(column, palette);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      Map<String, Object> row = AllTypes.row(n);
      for (String column : COLUMNS) {
        List<Object> palette = palettes.get(column);
        row.put(column, random.nextInt(6) == 0 ? null : palette.get(random.nextInt(palette.size())));
      }
      rows.add(row);
    }
    return rows;
  }

  /** A literal for a filter on {@code column}: mostly a value in the data, else a new one. */
  Object literal(String column) {
    List<Object> values = drawn.get(column);
    return random.nextInt(3) > 0 ? values.get(random.nextInt(values.size())) : draw(column);
  }

  /** A prefix for 'starts with': the first code points of a string in the data, or new text. */
  String prefix() {
    String text = random.nextBoolean() ? (String) literal("s") : text(random.nextInt(3));
    int codePoints = Math.min(random.nextInt(4), text.codePointCount(0, text.length()));
    return text.substring(0, text.offsetByCodePoints(0, codePoints));
  }

  Object draw(String column) {
    return switch (column) {
      case "b" -> random.nextBoolean();
      case "i" -> pick(Integer.MIN_VALUE, -1000, -1, 0, 1, 7, 1000, Integer.MAX_VALUE, random.nextInt());
      case "l" -> pick(Long.MIN_VALUE, -(1L << 40), -1L, 0L, 1L, 1L << 40, Long.MAX_VALUE, random.nextLong());
      case "f" -> pick(Float.NaN, -0.0f, 0.0f, Float.NaN, -0.0f, 0.0f, Float.NEGATIVE_INFINITY,
          Float.POSITIVE_INFINITY, -1.5f, 1.5f, Float.MIN_VALUE, -Float.MAX_VALUE, random.nextFloat() * 10 - 5);
      case "d" -> pick(Double.NaN, -0.0, 0.0, Double.NaN, -0.0, 0.0, Double.NEGATIVE_INFINITY,
          Double.POSITIVE_INFINITY, -1.5, 1.5, Double.MIN_VALUE, -Double.MAX_VALUE, random.nextDouble() * 10 - 5);
      case "dec9" -> BigDecimal.valueOf((Long) pick(-999_999_999L, -1L, 0L, 1L, 12_345L, 999_999_999L,
          (long) random.nextInt(2_000_000) - 1_000_000), 2);
      case "dec18" -> BigDecimal.valueOf((Long) pick(-999_999_999_999_999_999L, -1L, 0L, 5L,
          100_000_000_000_000_000L, random.nextLong() % 1_000_000_000_000_000_000L), 6);
      case "dec38" -> new BigDecimal((BigInteger) pick(BigInteger.TEN.pow(38).subtract(BigInteger.ONE).negate(),
          BigInteger.ONE.negate(), BigInteger.ZERO, BigInteger.ONE, BigInteger.TEN.pow(37),
          new BigInteger(120, random).subtract(BigInteger.ONE.shiftLeft(119))), 10);
      case "date" -> DateTimeUtil.dateFromDays((Integer) pick(-719_162, -1, 0, 1, 19_782, 2_932_896,
          random.nextInt(40_000) - 20_000));
      case "time" -> DateTimeUtil.timeFromMicros((Long) pick(0L, 1L, 43_200_000_000L, 86_399_999_999L,
          (long) (random.nextDouble() * 86_400_000_000L)));
      case "ts" -> DateTimeUtil.timestampFromMicros(micros());
      case "tstz" -> DateTimeUtil.timestamptzFromMicros(micros());
      case "s" -> text(random.nextInt(4) == 0 ? 14 + random.nextInt(6) : random.nextInt(4));
      case "u" -> pick(new UUID(0, 0), new UUID(0, 1), new UUID(Long.MAX_VALUE, -1), new UUID(Long.MIN_VALUE, 0),
          new UUID(-1, -1), new UUID(0, Long.MAX_VALUE), new UUID(0, Long.MIN_VALUE),
          new UUID(Long.MAX_VALUE - random.nextInt(3), random.nextLong()),
          new UUID(Long.MIN_VALUE + random.nextInt(3), random.nextLong()),
          new UUID(random.nextLong(), random.nextLong()));
      case "fx" -> bytes(5);
      case "bin" -> bytes(random.nextInt(21));
      default -> throw new IllegalArgumentException(column);
    };
  }

  /** Within about 285 years of 1970: DataShard converts Java times to micros through nanoseconds. */
  private long micros() {
    return (Long) pick(-9_000_000_000_000_000L, -1L, 0L, 1L, 1_700_000_000_000_000L, 9_000_000_000_000_000L,
        (long) (random.nextDouble() * 4e15) - 2_000_000_000_000_000L);
  }

  private String text(int pieces) {
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < pieces; k++) {
      text.append(TEXT[random.nextInt(TEXT.length)]);
    }
    return text.toString();
  }

  private byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    for (int k = 0; k < length; k++) {
      bytes[k] = BYTES[random.nextInt(BYTES.length)];
    }
    return bytes;
  }

  private Object pick(Object... choices) {
    return choices[random.nextInt(choices.length)];
  }
}
