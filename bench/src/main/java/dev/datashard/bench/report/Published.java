package dev.datashard.bench.report;

/**
 * The Python DataShard's published latency figures, as its documentation states them (no script
 * reproduces them): local disk, and S3 in the same region; and the value a chart draws for each.
 */
enum Published {
  CREATE("<1 ms", 1, "~50 ms", 50),
  APPEND_100("~2 ms", 2, "~100 ms", 100),
  APPEND_10K("~50 ms", 50, "~500 ms", 500),
  READ_50K("~20 ms", 20, "~150 ms", 150);

  final String text;
  final double millis;
  final String s3Text;
  final double s3Millis;

  Published(String text, double millis, String s3Text, double s3Millis) {
    this.text = text;
    this.millis = millis;
    this.s3Text = s3Text;
    this.s3Millis = s3Millis;
  }
}
