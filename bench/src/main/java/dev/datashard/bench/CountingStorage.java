package dev.datashard.bench;

import dev.datashard.io.ForwardingStorage;
import dev.datashard.io.LocalFile;
import dev.datashard.io.Storage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what a client reads from its store: calls and bytes of {@code readRangeAsync} and {@code
 * readAsync}, split into data files ({@code .parquet}) and everything else (metadata), whole-file
 * {@code fetch} calls, and the peak of range-read bytes requested but not yet answered (in flight).
 */
public final class CountingStorage extends ForwardingStorage {
  public final AtomicLong dataRangeCalls = new AtomicLong();
  public final AtomicLong dataRangeBytes = new AtomicLong();
  public final AtomicLong dataWholeCalls = new AtomicLong();
  public final AtomicLong dataWholeBytes = new AtomicLong();
  public final AtomicLong metadataCalls = new AtomicLong();
  public final AtomicLong metadataBytes = new AtomicLong();
  public final AtomicLong fetchCalls = new AtomicLong();
  public final AtomicLong inFlightBytes = new AtomicLong();
  public final AtomicLong peakInFlightBytes = new AtomicLong();
  public final AtomicLong inFlightCalls = new AtomicLong();
  public final AtomicLong peakInFlightCalls = new AtomicLong();

  public CountingStorage(Storage delegate) {
    super(delegate);
  }

  public Storage delegate() {
    return delegate;
  }

  private static boolean data(String location) {
    return location.endsWith(".parquet");
  }

  @Override
  public CompletableFuture<byte[]> readRangeAsync(String location, long offset, int length) {
    boolean data = data(location);
    (data ? dataRangeCalls : metadataCalls).incrementAndGet();
    peakInFlightBytes.accumulateAndGet(inFlightBytes.addAndGet(length), Math::max);
    peakInFlightCalls.accumulateAndGet(inFlightCalls.incrementAndGet(), Math::max);
    return super.readRangeAsync(location, offset, length).whenComplete((read, failure) -> {
      inFlightBytes.addAndGet(-length);
      inFlightCalls.decrementAndGet();
      if (read != null) {
        (data ? dataRangeBytes : metadataBytes).addAndGet(read.length);
      }
    });
  }

  @Override
  public CompletableFuture<byte[]> readAsync(String location) {
    boolean data = data(location);
    (data ? dataWholeCalls : metadataCalls).incrementAndGet();
    return super.readAsync(location).whenComplete((read, failure) -> {
      if (read != null) {
        (data ? dataWholeBytes : metadataBytes).addAndGet(read.length);
      }
    });
  }

  @Override
  public CompletableFuture<LocalFile> fetch(String location) {
    fetchCalls.incrementAndGet();
    return super.fetch(location);
  }

  public long dataBytes() {
    return dataRangeBytes.get() + dataWholeBytes.get();
  }

  public long dataCalls() {
    return dataRangeCalls.get() + dataWholeCalls.get();
  }

  public void reset() {
    for (AtomicLong counter : new AtomicLong[] {dataRangeCalls, dataRangeBytes, dataWholeCalls, dataWholeBytes,
        metadataCalls, metadataBytes, fetchCalls, peakInFlightBytes, peakInFlightCalls}) {
      counter.set(0);
    }
  }

  /** One line: data requests and bytes, metadata requests and bytes, fetches, peak in flight. */
  public String summary() {
    return String.format(java.util.Locale.ROOT,
        "data: %d range reads %d B, %d whole reads %d B; metadata: %d reads %d B; fetch: %d; "
            + "peak in flight: %d range reads, %d B",
        dataRangeCalls.get(), dataRangeBytes.get(), dataWholeCalls.get(), dataWholeBytes.get(), metadataCalls.get(),
        metadataBytes.get(), fetchCalls.get(), peakInFlightCalls.get(), peakInFlightBytes.get());
  }
}
