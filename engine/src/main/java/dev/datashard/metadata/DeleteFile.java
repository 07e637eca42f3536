package dev.datashard.metadata;

import static java.util.Objects.requireNonNull;

import dev.datashard.partition.PartitionKey;
import java.util.List;
import java.util.Map;

/**
 * A delete file as a delete manifest describes it (Iceberg v2, content 1 or 2): which rows of the
 * table's data files it removes, by position or by equality on some columns. The partition tuple
 * is in the partition spec of the manifest listing it; statistics as in {@link DataFile}.
 *
 * @param equalityFieldIds the columns an equality delete compares (empty for position deletes)
 * @param referencedDataFile the one data file a position delete file removes rows from, when the
 *     writer said so, or null
 */
public record DeleteFile(
    String location,
    String format,
    Content content,
    long recordCount,
    long fileSizeBytes,
    List<Integer> equalityFieldIds,
    Map<Integer, Long> columnSizes,
    Map<Integer, Long> valueCounts,
    Map<Integer, Long> nullValueCounts,
    Map<Integer, Long> nanValueCounts,
    Map<Integer, byte[]> lowerBounds,
    Map<Integer, byte[]> upperBounds,
    PartitionKey partition,
    String referencedDataFile) {

  /** The spec's reserved field ids of a position delete file's columns. */
  public static final int FILE_PATH_FIELD_ID = 2147483546;
  public static final int POS_FIELD_ID = 2147483545;

  /** The spec's content codes: 1 and 2 (0 is a data file). */
  public enum Content {
    POSITION_DELETES(1), EQUALITY_DELETES(2);

    private final int code;

    Content(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  public DeleteFile {
    requireNonNull(location, "location");
    requireNonNull(format, "format");
    requireNonNull(content, "content");
    requireNonNull(partition, "partition");
    equalityFieldIds = List.copyOf(equalityFieldIds);
    if ((content == Content.EQUALITY_DELETES) == equalityFieldIds.isEmpty()) {
      throw new IllegalArgumentException(location + ": " + content + " with equality field ids "
          + equalityFieldIds + " (an equality delete needs some, a position delete has none)");
    }
    columnSizes = Map.copyOf(columnSizes);
    valueCounts = Map.copyOf(valueCounts);
    nullValueCounts = Map.copyOf(nullValueCounts);
    nanValueCounts = Map.copyOf(nanValueCounts);
    lowerBounds = Map.copyOf(lowerBounds);
    upperBounds = Map.copyOf(upperBounds);
  }
}
