package dev.datashard.bench.report;

import dev.datashard.bench.IcebergTables;
import java.util.List;

/** Iceberg Java's catalog-free configurations in a run: the Iceberg benchmarks' {@code catalog} parameter. */
final class IcebergCatalogs {
  private IcebergCatalogs() {}

  /**
   * The configurations the results of {@code benchmarkPrefix} ran with; runs from before the
   * parameter (and the contention benchmark, which has none) measured {@code HadoopTables} only.
   */
  static List<String> of(Results results, String benchmarkPrefix) {
    List<String> catalogs = results.values(benchmarkPrefix, "catalog");
    return catalogs.isEmpty() ? List.of(IcebergTables.HADOOP) : catalogs;
  }

  static String label(String catalog) {
    return switch (catalog) {
      case IcebergTables.HADOOP -> "Iceberg Java `HadoopTables`";
      case IcebergTables.NIO -> "Iceberg Java, nio `TableOperations`";
      default -> "Iceberg Java `" + catalog + "`";
    };
  }

  static String param(String catalog) {
    return "catalog=" + catalog;
  }
}
