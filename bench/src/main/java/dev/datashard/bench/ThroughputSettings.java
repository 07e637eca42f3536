package dev.datashard.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH settings of the bulk operations (ingest and scan of millions of rows): each timed operation
 * runs seconds, so it is timed singly; one untimed operation per JVM warms the JIT up.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {JvmArgs.OPENS, JvmArgs.HEAP, JvmArgs.DIRECT})
@Warmup(iterations = 1)
@Measurement(iterations = 4)
public abstract class ThroughputSettings {}
