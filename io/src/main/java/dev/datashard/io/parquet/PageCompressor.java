package dev.datashard.io.parquet;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compresses one writer's pages: small pages at once in the writing thread, larger ones on a
 * shared pool of daemon threads (one per core), so the writing thread encodes the next page while
 * the last one is compressed. At most {@link #MAX_IN_FLIGHT} pages of a writer wait or run at a
 * time (the writer waits for the oldest beyond that), which bounds the memory they hold.
 */
final class PageCompressor implements AutoCloseable {
  /** Pages below this are compressed in the writing thread: a hand-off would cost more. */
  static final int INLINE_BELOW_BYTES = 32 * 1024;
  static final int MAX_IN_FLIGHT = 8;

  private static final ExecutorService POOL = Executors.newFixedThreadPool(
      Math.max(1, Runtime.getRuntime().availableProcessors()), new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
          Thread thread = new Thread(task, "datashard-parquet-compress-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }
      });

  /** Each thread's compressors (pool threads' and writing threads'), by codec and level. */
  private static final ThreadLocal<Map<ParquetCodec, Map<Integer, ParquetCodec.Compressor>>> POOLED =
      ThreadLocal.withInitial(() -> new EnumMap<>(ParquetCodec.class));

  private final ParquetCodec codec;
  private final Integer level;
  private final ArrayDeque<Page> inFlight = new ArrayDeque<>();
  /**
   * Copies of pages go back here once compressed, for the next pages: at most MAX_IN_FLIGHT + 1
   * exist at a time, so a large append does not allocate its uncompressed bytes again on the heap.
   */
  private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> spare =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  PageCompressor(ParquetCodec codec, Integer level) {
    this.codec = codec;
    this.level = level;
    codec.newCompressor(level).close(); // fails now on a level the codec refuses
  }

  /** A page body being compressed. */
  static final class Page {
    private final CompletableFuture<byte[]> future;
    private byte[] compressed;

    private Page(CompletableFuture<byte[]> future) {
      this.future = future;
    }

    private Page(byte[] compressed) {
      this.future = null;
      this.compressed = compressed;
    }

    boolean isDone() {
      return compressed != null || future.isDone();
    }

    /** The compressed bytes, waiting for them if needed. */
    byte[] bytes() {
      if (compressed == null) {
        try {
          compressed = future.join();
        } catch (CompletionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : e;
        }
      }
      return compressed;
    }
  }

  /** Compresses {@code src[0, length)}; the caller may reuse {@code src} as soon as this returns. */
  Page compress(byte[] src, int length) {
    if (length < INLINE_BELOW_BYTES || codec == ParquetCodec.UNCOMPRESSED) {
      return new Page(pooled().compress(src, 0, length));
    }
    while (!inFlight.isEmpty() && inFlight.peekFirst().isDone()) {
      inFlight.pollFirst();
    }
    if (inFlight.size() >= MAX_IN_FLIGHT) {
      inFlight.pollFirst().bytes();
    }
    byte[] copy = buffer(length);
    System.arraycopy(src, 0, copy, 0, length);
    Page page = new Page(CompletableFuture.supplyAsync(() -> {
      try {
        return pooled().compress(copy, 0, length);
      } finally {
        spare.offer(copy);
      }
    }, POOL));
    inFlight.addLast(page);
    return page;
  }

  /** A spare copy buffer of at least {@code length} bytes, or a new one. */
  private byte[] buffer(int length) {
    byte[] buffer;
    while ((buffer = spare.poll()) != null) {
      if (buffer.length >= length) {
        return buffer;
      }
    }
    return new byte[Math.max(length, INLINE_BELOW_BYTES * 2)];
  }

  /** Compresses at once in this thread (dictionary pages, at flush). */
  byte[] compressNow(byte[] src, int length) {
    return pooled().compress(src, 0, length);
  }

  /**
   * The calling thread's compressor for this codec and level, kept for the thread's life: a
   * writer per small append would otherwise set up a native zstd context each time. A writer may
   * move between threads; it never keeps one.
   */
  private ParquetCodec.Compressor pooled() {
    return POOLED.get().computeIfAbsent(codec, c -> new java.util.HashMap<>())
        .computeIfAbsent(level, l -> codec.newCompressor(l));
  }

  /** Waits for this writer's pages still being compressed. */
  void awaitAll() {
    while (!inFlight.isEmpty()) {
      inFlight.pollFirst().bytes();
    }
  }

  @Override
  public void close() {
    // Compressors belong to their threads.
  }
}
