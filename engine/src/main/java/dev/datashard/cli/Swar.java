package dev.datashard.cli;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Tests eight bytes at a time ("SIMD within a register"): the text scans' inner loops. */
final class Swar {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Swar() {}

  /** The eight bytes at {@code i}, the first in the lowest bits. */
  static long word(byte[] bytes, int i) {
    return (long) LONGS.get(bytes, i);
  }

  /** Whether any of the word's bytes is not ASCII. */
  static boolean hasNonAscii(long word) {
    return (word & HIGH_BITS) != 0;
  }

  /**
   * A mask whose lowest set bit is the high bit of the word's first byte equal to {@code b} (bytes
   * above that one may be marked wrongly); zero when no byte is.
   */
  static long matches(long word, byte b) {
    long x = word ^ (ONES * (b & 0xff));
    return (x - ONES) & ~x & HIGH_BITS;
  }

  /** The index within the word of the byte a {@link #matches} mask marks first. */
  static int firstMatch(long mask) {
    return Long.numberOfTrailingZeros(mask) >>> 3;
  }
}
