package dev.datashard.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH settings of the millisecond-scale operations (the original's latency table, commit rounds).
 * Every invocation is timed (sample mode), so the report gives true medians (p50) of thousands of
 * operations from three JVMs: robust to the bursts of other work on a shared 2-core machine,
 * where a mean is not.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {JvmArgs.OPENS, JvmArgs.HEAP, JvmArgs.DIRECT})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class LatencySettings {
  // Benchmarks delete their tables only when the fork ends, and under bench/run.sh only after the
  // last JMH run (Scratch): deleting thousands of fresh tables made the following creates 2-5x
  // slower (file-system aftermath), a cost no real workload pays once a second.

  /**
   * Appends per table before the benchmark moves on to a fresh one, so every engine appends to
   * tables with the same history (0 to 99 snapshots) however fast it is: an append rewrites
   * metadata that grows with the table's snapshots, in DataShard and Iceberg alike.
   */
  public static final int TABLE_HISTORY = 100;
}
