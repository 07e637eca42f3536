package dev.datashard.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One benchmark result of JMH's JSON output, reduced to what the report needs: medians over every
 * timed operation and the spread of the per-JVM (fork) medians, which shows how noisy a run was.
 *
 * @param name simple class name and method, e.g. {@code DataShardLatency.append100Records}
 * @param median p50 of every sampled invocation (sample mode) or of every timed operation
 * @param forkMedians the median of each fork alone
 * @param mean JMH's score (the mean) and {@code error} its 99.9% confidence half-width
 * @param secondary secondary metrics (the GC profiler's) by name: their JMH score
 * @param settings forks, warm-up and measurement as run
 * @param jvm the forks' JVM and its options
 */
public record JmhResult(String name, Map<String, String> params, String mode,
    double median, double p90, double[] forkMedians, double mean, double error, int samples,
    Map<String, Double> secondary, String settings, String jvm) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static List<JmhResult> read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JMH results " + file, e);
    }
    List<JmhResult> results = new ArrayList<>();
    root.forEach(node -> results.add(parse(node)));
    return results;
  }

  public String param(String key) {
    return params.getOrDefault(key, "");
  }

  public Optional<Double> metric(String key) {
    return Optional.ofNullable(secondary.get(key));
  }

  /** Lowest and highest fork median: the run-to-run spread on this machine. */
  public double forkMin() {
    return Arrays.stream(forkMedians).min().orElse(Double.NaN);
  }

  public double forkMax() {
    return Arrays.stream(forkMedians).max().orElse(Double.NaN);
  }

  private static JmhResult parse(JsonNode node) {
    String benchmark = node.get("benchmark").asText();
    String[] parts = benchmark.split("\\.");
    String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
    Map<String, String> params = new LinkedHashMap<>();
    if (node.has("params")) {
      node.get("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
    }
    JsonNode primary = node.get("primaryMetric");
    List<List<double[]>> forks = primary.has("rawDataHistogram")
        ? histogramForks(primary.get("rawDataHistogram")) : rawForks(primary.get("rawData"));
    List<double[]> all = forks.stream().flatMap(List::stream).toList();
    Map<String, Double> secondary = new LinkedHashMap<>();
    node.get("secondaryMetrics").fields().forEachRemaining(
        e -> secondary.put(e.getKey(), e.getValue().get("score").asDouble()));
    return new JmhResult(name, params, node.get("mode").asText(),
        quantile(all, 0.5), quantile(all, 0.9),
        forks.stream().mapToDouble(f -> quantile(f, 0.5)).toArray(),
        primary.get("score").asDouble(), primary.get("scoreError").asDouble(Double.NaN),
        (int) all.stream().mapToDouble(v -> v[1]).sum(), secondary, settings(node), jvm(node));
  }

  private static String settings(JsonNode node) {
    String timed = node.get("mode").asText().equals("ss") ? "" : " of " + node.get("measurementTime").asText();
    String warmup = node.get("mode").asText().equals("ss") ? "" : " of " + node.get("warmupTime").asText();
    return node.get("forks").asInt() + " forks x (" + node.get("warmupIterations").asInt() + " warm-up"
        + warmup + " + " + node.get("measurementIterations").asInt() + " measured iterations" + timed + ")";
  }

  private static String jvm(JsonNode node) {
    List<String> args = new ArrayList<>();
    node.get("jvmArgs").forEach(a -> {
      if (!args.contains(a.asText())) {
        args.add(a.asText());
      }
    });
    return node.get("vmName").asText() + " " + node.get("vmVersion").asText() + ", " + String.join(" ", args);
  }

  /** Sample mode: per fork, per iteration, {@code [value, count]} pairs; merged per fork. */
  private static List<List<double[]>> histogramForks(JsonNode histogram) {
    List<List<double[]>> forks = new ArrayList<>();
    for (JsonNode fork : histogram) {
      List<double[]> values = new ArrayList<>();
      for (JsonNode iteration : fork) {
        iteration.forEach(pair -> values.add(new double[] {pair.get(0).asDouble(), pair.get(1).asDouble()}));
      }
      forks.add(values);
    }
    return forks;
  }

  /** Other modes: per fork, one score per iteration, each counted once. */
  private static List<List<double[]>> rawForks(JsonNode raw) {
    List<List<double[]>> forks = new ArrayList<>();
    for (JsonNode fork : raw) {
      List<double[]> values = new ArrayList<>();
      fork.forEach(v -> values.add(new double[] {v.asDouble(), 1}));
      forks.add(values);
    }
    return forks;
  }

  /** The weighted quantile (lower value at ties) of {@code [value, count]} pairs. */
  static double quantile(List<double[]> weighted, double q) {
    if (weighted.isEmpty()) {
      return Double.NaN;
    }
    List<double[]> sorted = new ArrayList<>(weighted);
    sorted.sort((a, b) -> Double.compare(a[0], b[0]));
    double total = sorted.stream().mapToDouble(v -> v[1]).sum();
    double seen = 0;
    for (double[] value : sorted) {
      seen += value[1];
      if (seen >= q * total) {
        return value[0];
      }
    }
    return sorted.get(sorted.size() - 1)[0];
  }
}
