package dev.datashard.bench.report;

import dev.datashard.bench.S3ModelCheck.Operation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The latency table of every store in one SVG bar chart on a logarithmic millisecond axis: per
 * operation, the original's published figures (local disk and S3), DataShard's median per store
 * and, when the round-trip check ran, on S3 with 20 ms added per request, and Iceberg Java's
 * median on local disk. A series without any figure (a partial run) is left out. Plain SVG text.
 */
final class LatencyChart {
  private static final int WIDTH = 960;
  private static final int LABEL_WIDTH = 290;
  private static final int PLOT_LEFT = LABEL_WIDTH + 10;
  private static final int PLOT_RIGHT = WIDTH - 70;
  private static final int TOP = 50;
  private static final int BAR = 10;
  private static final int GROUP_GAP = 16;
  private static final int LEGEND_LINE = 18;
  /** The check's delay the chart shows: about a request's latency to S3 within its region. */
  private static final long REGION_DELAY = 20;
  /** The latency table's rows; Iceberg's read by its faster (Arrow) reader only. */
  private static final List<LatencySection.Row> ROWS = LatencySection.ROWS.stream()
      .filter(r -> !r.iceberg().equals("read50kGeneric")).toList();
  /** The round-trip check's operation for a DataShard benchmark (the Arrow append is not checked). */
  private static final Map<String, Operation> CHECKED = Map.of("createTable", Operation.CREATE,
      "append100Records", Operation.APPEND_100, "append10kRecords", Operation.APPEND_10K,
      "read50k", Operation.SCAN_AGAIN);
  private static final String[] STORE_COLORS = {"#1d4ed8", "#60a5fa", "#15803d", "#a855f7"};
  private static final String[] ICEBERG_COLORS = {"#ea580c", "#fdba74"};

  /** Bars of one colour: a value per row of {@link #ROWS}, NaN where there is none. */
  private record Series(String name, String color, double[] values, String[] labels) {
    boolean isEmpty() {
      return Arrays.stream(values).allMatch(Double::isNaN);
    }
  }

  private LatencyChart() {}

  static String render(Results results, Optional<RoundTrips> check) {
    List<Series> series = new ArrayList<>();
    series.add(published("Original, local disk (published)", "#d1d5db", false));
    series.add(published("Original, S3 same region (published)", "#6b7280", true));
    List<String> stores = results.values("DataShardLatency.", "store");
    for (int s = 0; s < stores.size(); s++) {
      String store = stores.get(s);
      series.add(measured("DataShard " + store + (StoreColumns.isLocal(store) ? "" : " (S3Proxy on loopback)"),
          STORE_COLORS[s % STORE_COLORS.length],
          row -> median(results.find("DataShardLatency." + row.dataShard(), "store=" + store))));
    }
    check.ifPresent(c -> series.add(measured("DataShard s3, " + REGION_DELAY + " ms added per request (delay proxy)",
        "#86efac", row -> CHECKED.containsKey(row.dataShard()) ? c.p50(CHECKED.get(row.dataShard()), REGION_DELAY)
            : Double.NaN)));
    List<String> catalogs = IcebergCatalogs.of(results, "IcebergLatency.");
    for (int c = 0; c < catalogs.size(); c++) {
      String catalog = catalogs.get(c);
      series.add(measured(IcebergCatalogs.label(catalog).replace("`", "") + ", local disk (read: its Arrow reader)",
          ICEBERG_COLORS[c % ICEBERG_COLORS.length],
          row -> median(results.find("IcebergLatency." + row.iceberg(), IcebergCatalogs.param(catalog)))));
    }
    return svg(series.stream().filter(s -> !s.isEmpty()).toList());
  }

  private static Series published(String name, String color, boolean s3) {
    double[] values = new double[ROWS.size()];
    String[] labels = new String[ROWS.size()];
    for (int r = 0; r < ROWS.size(); r++) {
      Published p = ROWS.get(r).published();
      values[r] = s3 ? p.s3Millis : p.millis;
      labels[r] = s3 ? p.s3Text : p.text;
    }
    return new Series(name, color, values, labels);
  }

  private static Series measured(String name, String color, ToDoubleFunction<LatencySection.Row> value) {
    double[] values = ROWS.stream().mapToDouble(value).toArray();
    return new Series(name, color, values, Arrays.stream(values).mapToObj(Format::millis).toArray(String[]::new));
  }

  private static String svg(List<Series> series) {
    double[] all = series.stream().flatMapToDouble(s -> Arrays.stream(s.values())).filter(v -> v > 0).toArray();
    // A decade below the smallest value, so even a bar at exactly 1 ms has length.
    double low = Math.floor(Math.log10(0.9 * Arrays.stream(all).min().orElse(0.1)));
    double high = Math.ceil(Math.log10(Arrays.stream(all).max().orElse(100)));
    int groupHeight = series.size() * BAR + GROUP_GAP;
    int plotBottom = TOP + ROWS.size() * groupHeight;
    int height = plotBottom + 36 + series.size() * LEGEND_LINE;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
    svg.append(text(10, 24, "Latency, median (log scale: shorter is faster)", 15, "start"));
    for (double decade = low; decade <= high; decade++) {
      double x = x(Math.pow(10, decade), low, high);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e7eb\"/>%n",
          x, TOP - 8, x, plotBottom));
      String tick = new BigDecimal(Double.toString(Math.pow(10, decade))).stripTrailingZeros().toPlainString();
      svg.append(text(x, plotBottom + 16, tick + " ms", 11, "middle"));
    }
    for (int r = 0; r < ROWS.size(); r++) {
      int y = TOP + r * groupHeight;
      String operation = ROWS.get(r).operation().replaceAll(";.*", "");
      svg.append(text(LABEL_WIDTH, y + series.size() * BAR / 2.0 + 4, escape(operation), 12, "end"));
      for (int s = 0; s < series.size(); s++) {
        double value = series.get(s).values()[r];
        if (Double.isNaN(value)) {
          continue;
        }
        double end = x(value, low, high);
        int barY = y + s * BAR;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
            PLOT_LEFT, barY, Math.max(end - PLOT_LEFT, 1), BAR - 2, series.get(s).color()));
        svg.append(text(end + 4, barY + BAR - 2, escape(series.get(s).labels()[r]), 9, "start"));
      }
    }
    for (int s = 0; s < series.size(); s++) {
      int y = plotBottom + 30 + s * LEGEND_LINE;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
          PLOT_LEFT, y, series.get(s).color()));
      svg.append(text(PLOT_LEFT + 16, y + 10, escape(series.get(s).name()), 11, "start"));
    }
    return svg.append("</svg>\n").toString();
  }

  private static double median(Optional<JmhResult> result) {
    return result.map(JmhResult::median).orElse(Double.NaN);
  }

  private static double x(double millis, double lowDecade, double highDecade) {
    double fraction = (Math.log10(millis) - lowDecade) / (highDecade - lowDecade);
    return PLOT_LEFT + fraction * (PLOT_RIGHT - PLOT_LEFT);
  }

  private static String text(double x, double y, String content, int size, String anchor) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\">%s</text>%n",
        x, y, size, anchor, content);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
