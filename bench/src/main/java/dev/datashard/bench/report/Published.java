package dev.datashard.bench.report;

/**
 * The Python DataShard's published latency figures (local disk column; no script reproduces
 * them), as its documentation states them, and the value a chart can draw for each.
 */
enum Published {
  CREATE("<1 ms", 1),
  APPEND_100("~2 ms", 2),
  APPEND_10K("~50 ms", 50),
  READ_50K("~20 ms", 20);

  final String text;
  final double millis;

  Published(String text, double millis) {
    this.text = text;
    this.millis = millis;
  }
}
