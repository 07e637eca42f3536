package dev.datashard.io.parquet;

import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.memory.util.MemoryUtil;

/** The per-column-chunk dictionaries of dictionary encoding: value to id, ids in insertion order. */
final class Dictionaries {
  /** Returned by {@code idOf} when adding the value would make the dictionary exceed its byte limit. */
  static final int FULL = -1;

  private Dictionaries() {}

  /**
   * Fixed-width values (int32, int64, float, double, as raw bits in a long) in an open-addressing
   * table.
   */
  static final class Longs {
    private final int width;
    private final int limitBytes;
    private long[] keys = new long[0];
    private int size;
    private int[] table = new int[64]; // id + 1, 0 = empty
    private int mask = 63;

    Longs(int width, int limitBytes) {
      this.width = width;
      this.limitBytes = limitBytes;
    }

    int size() {
      return size;
    }

    /** Bytes of the plain-encoded dictionary page. */
    long bytes() {
      return (long) size * width;
    }

    long key(int id) {
      return keys[id];
    }

    /** Whether {@code key} was added by the last {@link #idOf} call (a value not seen before). */
    private boolean added;

    boolean added() {
      return added;
    }

    /** The value's id, adding it when new; {@link #FULL} when it is new and would not fit. */
    int idOf(long key) {
      int slot = mix(key) & mask;
      while (true) {
        int entry = table[slot];
        if (entry == 0) {
          break;
        }
        if (keys[entry - 1] == key) {
          added = false;
          return entry - 1;
        }
        slot = (slot + 1) & mask;
      }
      if ((long) (size + 1) * width > limitBytes) {
        return FULL;
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, Math.max(16, size * 2));
      }
      keys[size] = key;
      table[slot] = ++size;
      added = true;
      if (size * 2 > mask) {
        rehash();
      }
      return size - 1;
    }

    private void rehash() {
      int capacity = table.length * 2;
      table = new int[capacity];
      mask = capacity - 1;
      for (int id = 0; id < size; id++) {
        int slot = mix(keys[id]) & mask;
        while (table[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        table[slot] = id + 1;
      }
    }

    private static int mix(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }

    /** The dictionary page body: every value, plain-encoded. */
    void writePlain(ByteSink out) {
      out.ensure(size * width);
      for (int id = 0; id < size; id++) {
        if (width == 4) {
          out.putIntLE((int) keys[id]);
        } else {
          out.putLongLE(keys[id]);
        }
      }
    }
  }

  /** Variable-length byte strings, compared and hashed in Arrow memory, copied once when new. */
  static final class Binary {
    private final int limitBytes;
    private final ByteSink arena = new ByteSink(1024);
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private int[] hashes = new int[16];
    private int size;
    private int[] table = new int[64];
    private int mask = 63;
    private long plainBytes;
    private boolean added;

    Binary(int limitBytes) {
      this.limitBytes = limitBytes;
    }

    int size() {
      return size;
    }

    long bytes() {
      return plainBytes;
    }

    boolean added() {
      return added;
    }

    byte[] arena() {
      return arena.array();
    }

    int offset(int id) {
      return offsets[id];
    }

    int length(int id) {
      return lengths[id];
    }

    /** Values of up to 8 bytes, keyed by their bytes as one little-endian word (ids, words). */
    private int[] shortTable = new int[64];
    private int shortMask = 63;
    private long[] words = new long[16];

    /**
     * The id of the bytes {@code data[start, start + length)}, adding them when new; or
     * {@link #FULL}. The caller has checked the range against the buffer.
     */
    int idOf(ArrowBuf data, int start, int length) {
      if (length <= 8) {
        return shortIdOf(data, start, length);
      }
      int hash = ByteFunctionHelpers.hash(data, start, start + length);
      int slot = spread(hash) & mask;
      byte[] bytes = arena.array();
      while (true) {
        int entry = table[slot];
        if (entry == 0) {
          break;
        }
        int id = entry - 1;
        if (hashes[id] == hash && lengths[id] == length
            && ByteFunctionHelpers.compare(data, start, start + length, bytes, offsets[id], offsets[id] + length) == 0) {
          added = false;
          return id;
        }
        slot = (slot + 1) & mask;
      }
      if (plainBytes + 4 + length > limitBytes) {
        return FULL;
      }
      int id = add(data, start, length, hash);
      table[slot] = id + 1;
      if (size * 2 > mask) {
        rehash();
      }
      return id;
    }

    private int shortIdOf(ArrowBuf data, int start, int length) {
      long word = word(data, start, length);
      int slot = spreadWord(word, length) & shortMask;
      while (true) {
        int entry = shortTable[slot];
        if (entry == 0) {
          break;
        }
        int id = entry - 1;
        if (words[id] == word && lengths[id] == length) {
          added = false;
          return id;
        }
        slot = (slot + 1) & shortMask;
      }
      if (plainBytes + 4 + length > limitBytes) {
        return FULL;
      }
      int id = add(data, start, length, 0);
      words[id] = word;
      shortTable[slot] = id + 1;
      if (size * 2 > shortMask) {
        int capacity = shortTable.length * 2;
        shortTable = new int[capacity];
        shortMask = capacity - 1;
        for (int other = 0; other < size; other++) {
          if (lengths[other] <= 8) {
            int at = spreadWord(words[other], lengths[other]) & shortMask;
            while (shortTable[at] != 0) {
              at = (at + 1) & shortMask;
            }
            shortTable[at] = other + 1;
          }
        }
      }
      return id;
    }

    /** Up to 8 bytes as a little-endian word, zero above the value. */
    private static long word(ArrowBuf data, int start, int length) {
      if (length == 0) {
        return 0;
      }
      long address = data.memoryAddress() + start;
      if (start + 8L <= data.capacity()) {
        long word = MemoryUtil.getLong(address);
        return length == 8 ? word : word & ((1L << (8 * length)) - 1);
      }
      long word = 0;
      for (int b = 0; b < length; b++) {
        word |= (MemoryUtil.getByte(address + b) & 0xFFL) << (8 * b);
      }
      return word;
    }

    private static int spreadWord(long word, int length) {
      long h = (word + length) * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 29));
    }

    /** Appends a new entry; returns its id. */
    private int add(ArrowBuf data, int start, int length, int hash) {
      if (size == offsets.length) {
        offsets = Arrays.copyOf(offsets, size * 2);
        lengths = Arrays.copyOf(lengths, size * 2);
        hashes = Arrays.copyOf(hashes, size * 2);
        words = Arrays.copyOf(words, size * 2);
      }
      offsets[size] = arena.size();
      lengths[size] = length;
      hashes[size] = hash;
      arena.writeFrom(data, start, length);
      plainBytes += 4 + length;
      added = true;
      return size++;
    }

    private void rehash() {
      int capacity = table.length * 2;
      table = new int[capacity];
      mask = capacity - 1;
      for (int id = 0; id < size; id++) {
        if (lengths[id] <= 8) {
          continue;
        }
        int slot = spread(hashes[id]) & mask;
        while (table[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        table[slot] = id + 1;
      }
    }

    private static int spread(int hash) {
      int h = hash * 0x9E3779B9;
      return h ^ (h >>> 16);
    }

    /** Appends value {@code id} plain-encoded (length, then bytes). */
    void writePlain(int id, ByteSink out) {
      out.ensure(4 + lengths[id]);
      out.putIntLE(lengths[id]);
      out.write(arena.array(), offsets[id], lengths[id]);
    }

    void writePlain(ByteSink out) {
      for (int id = 0; id < size; id++) {
        writePlain(id, out);
      }
    }
  }
}
