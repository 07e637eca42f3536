package dev.datashard.metadata;

import static java.util.Objects.requireNonNull;

import dev.datashard.partition.PartitionKey;
import java.util.Map;

/**
 * A data file as a manifest describes it: location, size, row count and per-column statistics
 * keyed by field id, and its partition tuple ({@link PartitionKey#UNPARTITIONED} in an unpartitioned
 * table). Bounds are in the Iceberg spec's binary single-value form.
 */
public record DataFile(
    String location,
    String format,
    long recordCount,
    long fileSizeBytes,
    Map<Integer, Long> columnSizes,
    Map<Integer, Long> valueCounts,
    Map<Integer, Long> nullValueCounts,
    Map<Integer, Long> nanValueCounts,
    Map<Integer, byte[]> lowerBounds,
    Map<Integer, byte[]> upperBounds,
    PartitionKey partition) {

  public DataFile {
    requireNonNull(location, "location");
    requireNonNull(format, "format");
    requireNonNull(partition, "partition");
    columnSizes = Map.copyOf(columnSizes);
    valueCounts = Map.copyOf(valueCounts);
    nullValueCounts = Map.copyOf(nullValueCounts);
    nanValueCounts = Map.copyOf(nanValueCounts);
    lowerBounds = Map.copyOf(lowerBounds);
    upperBounds = Map.copyOf(upperBounds);
  }
}
