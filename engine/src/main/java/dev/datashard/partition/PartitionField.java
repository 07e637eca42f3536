package dev.datashard.partition;

import static java.util.Objects.requireNonNull;

/**
 * One field of a partition spec: the partition value named {@code name}, with id {@code fieldId}
 * (1000 and up, unique in the table), is {@code transform} of the column with id {@code sourceId}.
 */
public record PartitionField(int sourceId, int fieldId, String name, Transform transform) {
  /** Partition field ids start here, above the ids of a table's first columns (Iceberg's convention). */
  public static final int FIRST_FIELD_ID = 1000;

  public PartitionField {
    requireNonNull(name, "name");
    requireNonNull(transform, "transform");
    if (name.isBlank()) {
      throw new IllegalArgumentException("partition field " + fieldId + " has an empty name");
    }
    if (fieldId < FIRST_FIELD_ID) {
      throw new IllegalArgumentException("partition field '" + name + "' has id " + fieldId
          + "; partition field ids start at " + FIRST_FIELD_ID);
    }
  }

  @Override
  public String toString() {
    return fieldId + ": " + name + ": " + transform + "(" + sourceId + ")";
  }
}
