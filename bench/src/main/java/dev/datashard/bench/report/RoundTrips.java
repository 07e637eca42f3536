package dev.datashard.bench.report;

import dev.datashard.bench.S3ModelCheck;
import dev.datashard.bench.S3ModelCheck.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The round-trip check's medians ({@link S3ModelCheck}'s TSV): per operation and delay, those of
 * the last round with that delay (an earlier 0 ms round only warmed the JIT up).
 *
 * @param n iterations per round
 * @param medians p50 in ms by operation, then by delay in ms
 */
record RoundTrips(int n, Map<Operation, Map<Long, Double>> medians) {

  /** The check's results, or empty when the run did not make it (no file). */
  static Optional<RoundTrips> read(Path file) {
    if (file == null || !Files.exists(file)) {
      return Optional.empty();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the round-trip check " + file, e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(S3ModelCheck.HEADER)) {
      throw new IllegalArgumentException(file + " does not start with " + S3ModelCheck.HEADER);
    }
    int n = 0;
    Map<Operation, Map<Long, Double>> medians = new EnumMap<>(Operation.class);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t");
      n = Integer.parseInt(f[3]);
      // Rounds come in order: a later round of the same delay replaces an earlier one.
      medians.computeIfAbsent(Operation.valueOf(f[2]), o -> new TreeMap<>())
          .put(Long.parseLong(f[1]), Double.parseDouble(f[4]));
    }
    return medians.isEmpty() ? Optional.empty() : Optional.of(new RoundTrips(n, medians));
  }

  /** The delays above 0 ms, ascending. */
  List<Long> delays() {
    List<Long> delays = new ArrayList<>();
    medians.values().forEach(byDelay -> byDelay.keySet().stream()
        .filter(d -> d > 0 && !delays.contains(d)).forEach(delays::add));
    delays.sort(null);
    return delays;
  }

  double p50(Operation operation, long delay) {
    return medians.getOrDefault(operation, Map.of()).getOrDefault(delay, Double.NaN);
  }

  /** Sequential round trips: the time the delay added to the median, in units of the delay. */
  double roundTrips(Operation operation, long delay) {
    return (p50(operation, delay) - p50(operation, 0)) / delay;
  }

  /** The largest count over the delays, to the nearest whole round trip: what a target is held to. */
  long wholeRoundTrips(Operation operation) {
    return Math.round(delays().stream().mapToDouble(d -> roundTrips(operation, d)).max().orElse(Double.NaN));
  }
}
