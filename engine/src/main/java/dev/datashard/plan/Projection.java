package dev.datashard.plan;

import dev.datashard.Schema;

/**
 * The columns of a scan, as the planner resolved them.
 *
 * @param read the columns read from the files (resolved in each file by field id): those of
 *     {@code output}, then the columns only the filter needs, then the columns only equality
 *     deletes compare
 * @param output the columns handed out, in order: the first {@code output.fields().size()} of
 *     {@code read}
 * @param filtered how many leading columns of {@code read} the filter sees: output and filter
 *     columns, without those read for deletes only
 */
public record Projection(Schema read, Schema output, int filtered) {
  public Projection {
    if (filtered < output.fields().size() || filtered > read.fields().size()) {
      throw new IllegalArgumentException("the filter's " + filtered + " columns must include the "
          + output.fields().size() + " output columns and lie within the " + read.fields().size() + " read");
    }
  }

  /** A projection without columns read for deletes only. */
  public Projection(Schema read, Schema output) {
    this(read, output, read.fields().size());
  }

  /** The columns the filter sees (see {@link #filtered}). */
  public Schema filterColumns() {
    return new Schema(read.schemaId(), read.fields().subList(0, filtered));
  }
}
