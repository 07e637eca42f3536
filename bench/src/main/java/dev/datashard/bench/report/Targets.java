package dev.datashard.bench.report;

import java.util.Locale;

/** The performance targets, checked against measured medians as the sections render. */
final class Targets {
  private final MarkdownTable table = new MarkdownTable("Target", "Measured (median)", "Verdict");
  private int missed;

  /** A "below a limit" target, e.g. create under 1 ms. */
  void atMost(String target, double measured, double limit, String measuredText) {
    check(target, measuredText, measured <= limit,
        String.format(Locale.ROOT, "missed by %s ms (%.1fx the limit)", Format.sig3(measured - limit), measured / limit));
  }

  /** A "no more than" target of a quantity other than time (bytes, files). */
  void atMostQuantity(String target, double measured, double limit, String measuredText) {
    check(target, measuredText, measured <= limit, String.format(Locale.ROOT, "missed: %.2fx the limit", measured / limit));
  }

  /** An "at least" target, e.g. 2x faster than Iceberg. */
  void atLeast(String target, double measured, double minimum, String measuredText) {
    check(target, measuredText, measured >= minimum,
        String.format(Locale.ROOT, "missed: %.0f%% of the goal", 100 * measured / minimum));
  }

  /** A "round trips at most" target (S3's critical path); {@code measured} is a whole count. */
  void roundTrips(String target, long measured, int limit, String measuredText) {
    check(target, measuredText + ": " + measured + " round trip" + (measured == 1 ? "" : "s"), measured <= limit,
        "missed by " + (measured - limit) + " round trip" + (measured - limit == 1 ? "" : "s"));
  }

  private void check(String target, String measured, boolean met, String shortfall) {
    if (!met) {
      missed++;
    }
    table.row(target, measured, met ? "met" : "**" + shortfall + "**");
  }

  int missed() {
    return missed;
  }

  String render() {
    return table.render();
  }
}
