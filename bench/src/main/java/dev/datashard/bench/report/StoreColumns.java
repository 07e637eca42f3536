package dev.datashard.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The columns of a table comparing DataShard's stores with Iceberg Java, which runs on local disk
 * only: one column per DataShard store, one per Iceberg configuration ({@link IcebergCatalogs}),
 * then the ratios that compare like with like (each local store's speed-up over each Iceberg
 * configuration; s3's time over local's, the cost of the S3 path).
 */
record StoreColumns(List<String> stores, List<String> catalogs, String unit) {
  static final String NOTE = "Iceberg Java runs on local disk only (the issue compares it there): a "
      + "speed-up is a local store's over Iceberg; `s3 / local` is the time on S3Proxy over the time on "
      + "`local`, both DataShard, the same run.";

  static boolean isLocal(String store) {
    return store.startsWith("local");
  }

  String[] header(String first) {
    List<String> header = new ArrayList<>(List.of(first));
    stores.forEach(s -> header.add("DataShard `" + s + "`: " + unit));
    catalogs.forEach(c -> header.add(IcebergCatalogs.label(c) + " (local): " + unit));
    for (String store : stores) {
      if (isLocal(store)) {
        catalogs.forEach(c -> header.add("`" + store + "` speed-up over " + IcebergCatalogs.label(c)));
      }
    }
    if (hasS3AndLocal()) {
      header.add("s3 / local");
    }
    return header.toArray(String[]::new);
  }

  /**
   * {@code ours} in the order of {@link #stores}, {@code peers} in that of {@link #catalogs}; times
   * are the results' medians.
   */
  String[] cells(String first, List<Optional<JmhResult>> ours, List<Optional<JmhResult>> peers,
      Function<JmhResult, String> cell) {
    List<String> cells = new ArrayList<>(List.of(first));
    ours.forEach(r -> cells.add(r.map(cell).orElse("not run")));
    peers.forEach(r -> cells.add(r.map(cell).orElse("not run")));
    for (int i = 0; i < stores.size(); i++) {
      if (isLocal(stores.get(i))) {
        for (Optional<JmhResult> peer : peers) {
          cells.add(Format.ratio(ratio(peer, ours.get(i))));
        }
      }
    }
    if (hasS3AndLocal()) {
      cells.add(Format.ratio(ratio(ours.get(stores.indexOf("s3")), ours.get(stores.indexOf("local")))));
    }
    return cells.toArray(String[]::new);
  }

  private boolean hasS3AndLocal() {
    return stores.contains("s3") && stores.contains("local");
  }

  private static double ratio(Optional<JmhResult> numerator, Optional<JmhResult> denominator) {
    return numerator.isPresent() && denominator.isPresent()
        ? numerator.get().median() / denominator.get().median() : Double.NaN;
  }
}
