package dev.datashard.bench.report;

/**
 * JMH's GC profiler figures: Java heap allocated per operation and collections during the
 * measured iterations. Arrow buffers live off-heap and are not counted here.
 */
final class GcSection {
  private GcSection() {}

  static String render(Results results) {
    MarkdownTable table = new MarkdownTable("Benchmark", "Params", "Heap allocated per op", "GC count",
        "GC time");
    for (JmhResult r : results.all()) {
      r.metric("gc.alloc.rate.norm").ifPresent(bytes -> table.row("`" + r.name() + "`",
          r.params().toString().replaceAll("[{}]", ""), Format.bytes(bytes),
          Format.count(r.metric("gc.count").orElse(0.0)),
          Format.count(r.metric("gc.time").orElse(0.0)) + " ms"));
    }
    return table.isEmpty() ? "Not measured: the run had no `-prof gc`.\n" : table.render();
  }
}
