package dev.datashard.io.parquet;

import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;

/** A growable heap byte array with little-endian writes: page bodies are built in these. */
final class ByteSink extends OutputStream {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] bytes;
  private int size;

  ByteSink(int capacity) {
    bytes = new byte[Math.max(capacity, 16)];
  }

  int size() {
    return size;
  }

  byte[] array() {
    return bytes;
  }

  void reset() {
    size = 0;
  }

  /** Makes room for {@code more} bytes. */
  void ensure(int more) {
    long needed = (long) size + more;
    if (needed > bytes.length) {
      if (needed > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("a Parquet page or dictionary would exceed 2 GiB");
      }
      bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16,
          Math.max(needed, (long) bytes.length + (bytes.length >> 1))));
    }
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int offset, int length) {
    ensure(length);
    System.arraycopy(b, offset, bytes, size, length);
    size += length;
  }

  void writeIntLE(int value) {
    ensure(4);
    INT.set(bytes, size, value);
    size += 4;
  }

  void writeLongLE(long value) {
    ensure(8);
    LONG.set(bytes, size, value);
    size += 8;
  }

  /** Unchecked: the caller ensured room. */
  void putIntLE(int value) {
    INT.set(bytes, size, value);
    size += 4;
  }

  /** Unchecked: the caller ensured room. */
  void putLongLE(long value) {
    LONG.set(bytes, size, value);
    size += 8;
  }

  /** Overwrites 4 bytes at an earlier position. */
  void setIntLE(int position, int value) {
    INT.set(bytes, position, value);
  }

  /** Copies {@code length} bytes of Arrow memory. */
  void writeFrom(ArrowBuf buffer, long index, int length) {
    ensure(length);
    buffer.getBytes(index, bytes, size, length);
    size += length;
  }

  void writeTo(ByteSink other) {
    other.write(bytes, 0, size);
  }

  /** Unsigned LEB128, as the RLE/bit-packing hybrid's run headers. */
  void writeUnsignedVarInt(int value) {
    ensure(5);
    while ((value & ~0x7F) != 0) {
      bytes[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    bytes[size++] = (byte) value;
  }

  static int readIntLE(byte[] array, int position) {
    return (int) INT.get(array, position);
  }

  static long readLongLE(byte[] array, int position) {
    return (long) LONG.get(array, position);
  }
}
