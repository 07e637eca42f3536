package dev.datashard.bench.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The latency table as an SVG bar chart on a logarithmic millisecond axis: per operation, the
 * original's published figure, DataShard's median and Iceberg Java's median. Plain SVG text.
 */
final class LatencyChart {
  private static final int WIDTH = 960;
  private static final int LABEL_WIDTH = 330;
  private static final int PLOT_LEFT = LABEL_WIDTH + 10;
  private static final int PLOT_RIGHT = WIDTH - 80;
  private static final int TOP = 50;
  private static final int BAR = 12;
  private static final int GROUP_GAP = 16;
  private static final String[] COLORS = {"#9ca3af", "#2563eb", "#ea580c"};
  private static final String[] SERIES = {"Original (Python, published)", "DataShard (median)",
      "Iceberg Java (median)"};

  private LatencyChart() {}

  static String render(Results results, String store) {
    List<double[]> groups = new ArrayList<>();
    for (LatencySection.Row row : LatencySection.ROWS) {
      groups.add(new double[] {row.published().millis,
          median(results.find("DataShardLatency." + row.dataShard(), "store=" + store)),
          median(results.find("IcebergLatency." + row.iceberg()))});
    }
    // A decade below the smallest value, so even a bar at exactly 1 ms has length.
    double low = Math.floor(Math.log10(0.9 * groups.stream().flatMapToDouble(Arrays::stream)
        .filter(v -> v > 0).min().orElse(0.1)));
    double high = Math.ceil(Math.log10(groups.stream().flatMapToDouble(Arrays::stream)
        .filter(v -> v > 0).max().orElse(100)));
    int groupHeight = 3 * BAR + GROUP_GAP;
    int plotBottom = TOP + groups.size() * groupHeight;
    int height = plotBottom + 60;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
    svg.append(text(10, 24, "Latency, median, store " + escape(store) + " (log scale: shorter is faster)", 15, "start"));
    for (double decade = low; decade <= high; decade++) {
      double x = x(Math.pow(10, decade), low, high);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e7eb\"/>%n",
          x, TOP - 8, x, plotBottom));
      String tick = new BigDecimal(Double.toString(Math.pow(10, decade))).stripTrailingZeros().toPlainString();
      svg.append(text(x, plotBottom + 16, tick + " ms", 11, "middle"));
    }
    for (int g = 0; g < groups.size(); g++) {
      int y = TOP + g * groupHeight;
      svg.append(text(LABEL_WIDTH, y + BAR * 2 - 2, escape(LatencySection.ROWS.get(g).operation()), 12, "end"));
      for (int s = 0; s < 3; s++) {
        double value = groups.get(g)[s];
        if (Double.isNaN(value)) {
          continue;
        }
        double end = x(value, low, high);
        int barY = y + s * BAR;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
            PLOT_LEFT, barY, Math.max(end - PLOT_LEFT, 1), BAR - 2, COLORS[s]));
        String label = s == 0 ? LatencySection.ROWS.get(g).published().text : Format.millis(value);
        svg.append(text(end + 4, barY + BAR - 3, escape(label), 10, "start"));
      }
    }
    for (int s = 0; s < 3; s++) {
      int x = PLOT_LEFT + s * 210;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
          x, plotBottom + 30, COLORS[s]));
      svg.append(text(x + 16, plotBottom + 40, SERIES[s], 11, "start"));
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
