package dev.datashard.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The columns of a table comparing DataShard's stores with Iceberg Java, which runs on local disk
 * only: one column per DataShard store, Iceberg's, then the ratios that compare like with like
 * (each local store's speed-up over Iceberg; s3's time over local's, the cost of the S3 path).
 */
record StoreColumns(List<String> stores, String unit) {
  static final String NOTE = "Iceberg Java runs on local disk only (the issue compares it there): a "
      + "speed-up is a local store's over Iceberg; `s3 / local` is the time on S3Proxy over the time on "
      + "`local`, both DataShard, the same run.";

  static boolean isLocal(String store) {
    return store.startsWith("local");
  }

  String[] header(String first) {
    List<String> header = new ArrayList<>(List.of(first));
    stores.forEach(s -> header.add("DataShard `" + s + "`: " + unit));
    header.add("Iceberg Java (local): " + unit);
    stores.stream().filter(StoreColumns::isLocal).forEach(s -> header.add("`" + s + "` speed-up over Iceberg"));
    if (hasS3AndLocal()) {
      header.add("s3 / local");
    }
    return header.toArray(String[]::new);
  }

  /** {@code ours} in the order of {@link #stores}; times are the results' medians. */
  String[] cells(String first, List<Optional<JmhResult>> ours, Optional<JmhResult> peer,
      Function<JmhResult, String> cell) {
    List<String> cells = new ArrayList<>(List.of(first));
    ours.forEach(r -> cells.add(r.map(cell).orElse("not run")));
    cells.add(peer.map(cell).orElse("not run"));
    for (int i = 0; i < stores.size(); i++) {
      if (isLocal(stores.get(i))) {
        cells.add(Format.ratio(ratio(peer, ours.get(i))));
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
