package dev.datashard.partition;

import org.apache.arrow.memory.ArrowBuf;

/**
 * MurmurHash3 x86 32-bit with seed 0, the hash the Iceberg spec's bucket transform requires (its
 * appendix B). Tail bytes count as unsigned, as the reference implementation and Guava's
 * {@code murmur3_32_fixed} (what Iceberg Java uses) read them.
 */
final class Murmur3 {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Murmur3() {}

  /** The hash of {@code value}'s 8 little-endian bytes: how the spec hashes int, long, date, time and timestamps. */
  static int hashLong(long value) {
    int h = mixH1(0, mixK1((int) value));
    h = mixH1(h, mixK1((int) (value >>> 32)));
    return finish(h, 8);
  }

  static int hash(byte[] bytes) {
    return hash(bytes, bytes.length);
  }

  /** The hash of the first {@code length} bytes. */
  static int hash(byte[] bytes, int length) {
    int h = 0;
    int blocks = length & ~3;
    for (int i = 0; i < blocks; i += 4) {
      int k = (bytes[i] & 0xFF) | (bytes[i + 1] & 0xFF) << 8 | (bytes[i + 2] & 0xFF) << 16
          | (bytes[i + 3] & 0xFF) << 24;
      h = mixH1(h, mixK1(k));
    }
    int k = 0;
    for (int i = length - 1; i >= blocks; i--) {
      k = k << 8 | bytes[i] & 0xFF;
    }
    if (length > blocks) {
      h ^= mixK1(k);
    }
    return finish(h, length);
  }

  /** The hash of {@code length} bytes of an Arrow buffer from {@code offset}, read in place. */
  static int hash(ArrowBuf buffer, long offset, int length) {
    int h = 0;
    int blocks = length & ~3;
    for (int i = 0; i < blocks; i += 4) {
      h = mixH1(h, mixK1(buffer.getInt(offset + i))); // ArrowBuf reads little-endian
    }
    int k = 0;
    for (int i = length - 1; i >= blocks; i--) {
      k = k << 8 | buffer.getByte(offset + i) & 0xFF;
    }
    if (length > blocks) {
      h ^= mixK1(k);
    }
    return finish(h, length);
  }

  private static int mixK1(int k) {
    return Integer.rotateLeft(k * C1, 15) * C2;
  }

  private static int mixH1(int h, int k) {
    return Integer.rotateLeft(h ^ k, 13) * 5 + 0xe6546b64;
  }

  private static int finish(int h, int length) {
    h ^= length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ h >>> 16;
  }
}
