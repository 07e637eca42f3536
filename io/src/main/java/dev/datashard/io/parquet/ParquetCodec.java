package dev.datashard.io.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.apache.parquet.format.CompressionCodec;

/**
 * The compression codecs DataShard writes, named as Iceberg's {@code write.parquet.compression-codec}
 * names them (case-insensitive). Every one is pure Java or a self-contained native library
 * (zstd-jni); none needs Hadoop.
 */
public enum ParquetCodec {
  /** Levels from zstd's fastest negative levels to 22; default 3, as parquet-java's. */
  ZSTD("zstd", CompressionCodec.ZSTD, Zstd.minCompressionLevel(), Zstd.maxCompressionLevel(), 3),
  SNAPPY("snappy", CompressionCodec.SNAPPY, Integer.MIN_VALUE, Integer.MAX_VALUE, null),
  /** gzip members (RFC 1952), as Hadoop's GzipCodec writes them; levels 0-9, default 6. */
  GZIP("gzip", CompressionCodec.GZIP, 0, 9, 6),
  /** LZ4 blocks in Hadoop's framing, what Iceberg (parquet-java) writes for {@code lz4}. */
  LZ4("lz4", CompressionCodec.LZ4, Integer.MIN_VALUE, Integer.MAX_VALUE, null),
  /** One plain LZ4 block per page (Parquet's newer LZ4 codec). */
  LZ4_RAW("lz4_raw", CompressionCodec.LZ4_RAW, Integer.MIN_VALUE, Integer.MAX_VALUE, null),
  UNCOMPRESSED("uncompressed", CompressionCodec.UNCOMPRESSED, Integer.MIN_VALUE, Integer.MAX_VALUE, null);

  /** Iceberg's default codec for Parquet data files. */
  public static final ParquetCodec DEFAULT = ZSTD;

  private final String propertyValue;
  private final CompressionCodec thrift;
  private final int minLevel;
  private final int maxLevel;
  private final Integer defaultLevel;

  ParquetCodec(String propertyValue, CompressionCodec thrift, int minLevel, int maxLevel, Integer defaultLevel) {
    this.propertyValue = propertyValue;
    this.thrift = thrift;
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
    this.defaultLevel = defaultLevel;
  }

  /** The name in Iceberg's table property. */
  public String propertyValue() {
    return propertyValue;
  }

  CompressionCodec thrift() {
    return thrift;
  }

  /** Whether the codec takes a compression level at all (the others ignore one, as Iceberg does). */
  public boolean hasLevels() {
    return defaultLevel != null;
  }

  /** The level used when none is set, or empty for codecs without levels. */
  public Integer defaultLevel() {
    return defaultLevel;
  }

  /**
   * Checks a compression level for this codec: codecs without levels accept any (and ignore it).
   *
   * @throws IllegalArgumentException naming the valid range
   */
  public void checkLevel(int level) {
    if (level < minLevel || level > maxLevel) {
      throw new IllegalArgumentException(propertyValue + " compression levels are " + minLevel + " to "
          + maxLevel + ", not " + level);
    }
  }

  /**
   * The codec a property value names, case-insensitive.
   *
   * @throws IllegalArgumentException for an unknown or unsupported codec, listing the supported ones
   */
  public static ParquetCodec fromName(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (ParquetCodec codec : values()) {
      if (codec.propertyValue.equals(wanted)) {
        return codec;
      }
    }
    String supported = Arrays.stream(values()).map(c -> c.propertyValue).collect(Collectors.joining(", "));
    if (wanted.equals("brotli") || wanted.equals("lzo")) {
      throw new IllegalArgumentException("compression codec '" + name + "' is valid in Iceberg but not "
          + "supported by DataShard's writer (supported: " + supported + ")");
    }
    throw new IllegalArgumentException("unknown compression codec '" + name + "' (supported: " + supported + ")");
  }

  /** A compressor for one writer (not thread-safe); {@code level} null means the default. */
  Compressor newCompressor(Integer level) {
    int effective = level == null || !hasLevels() ? (defaultLevel == null ? 0 : defaultLevel) : level;
    if (hasLevels()) {
      checkLevel(effective);
    }
    return switch (this) {
      case UNCOMPRESSED -> new Uncompressed();
      case SNAPPY -> new Snappy();
      case GZIP -> new Gzip(effective);
      case LZ4 -> new Lz4Hadoop();
      case LZ4_RAW -> new Lz4Raw();
      case ZSTD -> new ZstdCompressor(effective);
    };
  }

  /** Compresses whole pages; a compressor belongs to one writer and is closed with it. */
  interface Compressor extends AutoCloseable {
    /** Compresses {@code src[offset, offset + length)} and returns exactly the compressed bytes. */
    byte[] compress(byte[] src, int offset, int length);

    @Override
    default void close() {}
  }

  /** A reusable output buffer of at least the requested size. */
  private abstract static class Buffered implements Compressor {
    private byte[] scratch = new byte[0];

    byte[] scratch(int size) {
      if (scratch.length < size) {
        scratch = new byte[Math.max(size, scratch.length + (scratch.length >> 1))];
      }
      return scratch;
    }
  }

  private static final class Uncompressed implements Compressor {
    @Override
    public byte[] compress(byte[] src, int offset, int length) {
      return Arrays.copyOfRange(src, offset, offset + length);
    }
  }

  private static final class Snappy extends Buffered {
    private final SnappyCompressor compressor = new SnappyCompressor();

    @Override
    public byte[] compress(byte[] src, int offset, int length) {
      byte[] out = scratch(compressor.maxCompressedLength(length));
      int n = compressor.compress(src, offset, length, out, 0, out.length);
      return Arrays.copyOf(out, n);
    }
  }

  private static final class Lz4Raw extends Buffered {
    private final Lz4Compressor compressor = new Lz4Compressor();

    @Override
    public byte[] compress(byte[] src, int offset, int length) {
      byte[] out = scratch(compressor.maxCompressedLength(length));
      int n = compressor.compress(src, offset, length, out, 0, out.length);
      return Arrays.copyOf(out, n);
    }
  }

  /**
   * Hadoop's block framing, which parquet-java's LZ4 codec reads: blocks of at most 64 KiB of
   * input (Hadoop's reader decompresses each into a fixed buffer), each as the big-endian
   * uncompressed length, the big-endian compressed length and one LZ4 block. Arrow C++ reads it too.
   */
  private static final class Lz4Hadoop extends Buffered {
    private static final int BLOCK = 64 * 1024;
    private final Lz4Compressor compressor = new Lz4Compressor();

    @Override
    public byte[] compress(byte[] src, int offset, int length) {
      int blocks = Math.max(1, (length + BLOCK - 1) / BLOCK);
      byte[] out = scratch(blocks * (8 + compressor.maxCompressedLength(BLOCK)));
      int position = 0;
      int done = 0;
      do {
        int size = Math.min(BLOCK, length - done);
        int n = compressor.compress(src, offset + done, size, out, position + 8, out.length - position - 8);
        putIntBigEndian(out, position, size);
        putIntBigEndian(out, position + 4, n);
        position += 8 + n;
        done += size;
      } while (done < length);
      return Arrays.copyOf(out, position);
    }

    private static void putIntBigEndian(byte[] out, int at, int value) {
      out[at] = (byte) (value >>> 24);
      out[at + 1] = (byte) (value >>> 16);
      out[at + 2] = (byte) (value >>> 8);
      out[at + 3] = (byte) value;
    }
  }

  /** A gzip member: header, raw deflate data, CRC-32 and length trailer. */
  private static final class Gzip extends Buffered {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();

    Gzip(int level) {
      deflater = new Deflater(level, true);
    }

    @Override
    public byte[] compress(byte[] src, int offset, int length) {
      deflater.reset();
      crc.reset();
      crc.update(src, offset, length);
      deflater.setInput(src, offset, length);
      deflater.finish();
      byte[] out = scratch(HEADER.length + length + length / 1000 + 64 + 8);
      System.arraycopy(HEADER, 0, out, 0, HEADER.length);
      int position = HEADER.length;
      while (!deflater.finished()) {
        if (position == out.length - 8) {
          byte[] bigger = new byte[out.length * 2];
          System.arraycopy(out, 0, bigger, 0, position);
          out = bigger;
        }
        position += deflater.deflate(out, position, out.length - 8 - position);
      }
      putIntLittleEndian(out, position, (int) crc.getValue());
      putIntLittleEndian(out, position + 4, length);
      return Arrays.copyOf(out, position + 8);
    }

    private static void putIntLittleEndian(byte[] out, int at, int value) {
      out[at] = (byte) value;
      out[at + 1] = (byte) (value >>> 8);
      out[at + 2] = (byte) (value >>> 16);
      out[at + 3] = (byte) (value >>> 24);
    }

    @Override
    public void close() {
      deflater.end();
    }
  }

  /** Frees native zstd contexts of compressors nobody references any more (a finished thread's). */
  private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

  private static final class ZstdCompressor extends Buffered {
    private final ZstdCompressCtx context = new ZstdCompressCtx();
    private final java.lang.ref.Cleaner.Cleanable cleanable;

    ZstdCompressor(int level) {
      context.setLevel(level);
      ZstdCompressCtx owned = context;
      cleanable = CLEANER.register(this, owned::close);
    }

    @Override
    public byte[] compress(byte[] src, int offset, int length) {
      byte[] out = scratch((int) Zstd.compressBound(length));
      int n = context.compressByteArray(out, 0, out.length, src, offset, length);
      return Arrays.copyOf(out, n);
    }

    @Override
    public void close() {
      cleanable.clean();
    }
  }
}
