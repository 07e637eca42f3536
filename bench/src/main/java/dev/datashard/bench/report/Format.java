package dev.datashard.bench.report;

import java.util.Locale;

/** Number formats of the report: three significant digits, thousands separated. */
final class Format {
  private Format() {}

  static String millis(double ms) {
    return Double.isNaN(ms) ? "n/a" : sig3(ms) + " ms";
  }

  static String sig3(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    double abs = Math.abs(value);
    int decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  /** A limit as written in a target: 1, 2, 10, 0.5. */
  static String plain(double value) {
    return new java.math.BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }

  static String count(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  /** One decimal; two below 1, where a slower DataShard would otherwise read 0.0x. */
  static String ratio(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, value < 1 ? "%.2fx" : "%.1fx", value);
  }

  static String bytes(double value) {
    if (value >= 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", value / 1024 / 1024);
    }
    return value >= 1024 ? String.format(Locale.ROOT, "%.1f KiB", value / 1024) : Format.count(value) + " B";
  }
}
