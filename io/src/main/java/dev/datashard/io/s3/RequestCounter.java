package dev.datashard.io.s3;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the S3 requests one storage sent, per operation name (GetObject, PutObject, ...). */
public final class RequestCounter {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void record(String operation) {
    counts.computeIfAbsent(operation, name -> new LongAdder()).increment();
  }

  /** The counts so far, by operation name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((operation, count) -> copy.put(operation, count.sum()));
    return copy;
  }

  /** The sum over all operations. */
  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public void reset() {
    counts.clear();
  }
}
