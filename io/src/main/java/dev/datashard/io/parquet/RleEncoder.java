package dev.datashard.io.parquet;

/**
 * Parquet's RLE/bit-packing hybrid encoding (repetition and definition levels, dictionary ids):
 * runs of 8 or more equal values become RLE runs, everything else bit-packed groups of 8 values,
 * least significant bit first.
 */
final class RleEncoder {
  /** Bit-packed runs are kept to 63 groups, so their header is one byte, as parquet-java's are. */
  private static final int MAX_GROUPS = 63;

  private RleEncoder() {}

  /** Bits needed for values up to {@code max}. */
  static int bitWidth(int max) {
    return 32 - Integer.numberOfLeadingZeros(max);
  }

  /** Encodes {@code values[0, count)}, each below {@code 2^bitWidth}, onto {@code out}. */
  static void encode(int[] values, int count, int bitWidth, ByteSink out) {
    int i = 0;
    while (i < count) {
      int run = runLength(values, i, count);
      if (run >= 8) {
        writeRle(values[i], run, bitWidth, out);
        i += run;
        continue;
      }
      int start = i;
      int groups = 0;
      do {
        i += 8;
        groups++;
      } while (i < count && groups < MAX_GROUPS && !runOfEightAt(values, i, count));
      writeBitPacked(values, start, Math.min(i, count), groups, bitWidth, out);
      i = Math.min(i, count);
    }
  }

  /** Levels of a page holding {@code count} times the same value: one RLE run. */
  static void encodeRun(int value, int count, int bitWidth, ByteSink out) {
    if (count > 0) {
      writeRle(value, count, bitWidth, out);
    }
  }

  private static int runLength(int[] values, int from, int count) {
    int value = values[from];
    int i = from + 1;
    while (i < count && values[i] == value) {
      i++;
    }
    return i - from;
  }

  private static boolean runOfEightAt(int[] values, int from, int count) {
    if (from + 8 > count) {
      return false;
    }
    int value = values[from];
    for (int k = 1; k < 8; k++) {
      if (values[from + k] != value) {
        return false;
      }
    }
    return true;
  }

  private static void writeRle(int value, int run, int bitWidth, ByteSink out) {
    out.writeUnsignedVarInt(run << 1);
    int bytes = (bitWidth + 7) / 8;
    for (int b = 0; b < bytes; b++) {
      out.write(value >>> (8 * b));
    }
  }

  /** {@code groups * 8} values from {@code start}; those at or past {@code end} are written as 0. */
  private static void writeBitPacked(int[] values, int start, int end, int groups, int bitWidth, ByteSink out) {
    out.writeUnsignedVarInt((groups << 1) | 1);
    out.ensure(groups * bitWidth);
    long buffer = 0;
    int bits = 0;
    int total = groups * 8;
    for (int k = 0; k < total; k++) {
      int index = start + k;
      long value = index < end ? values[index] & 0xFFFFFFFFL : 0;
      buffer |= value << bits;
      bits += bitWidth;
      while (bits >= 8) {
        out.write((int) buffer);
        buffer >>>= 8;
        bits -= 8;
      }
    }
  }
}
