package dev.datashard.plan;

import dev.datashard.Schema;

/**
 * The columns of a scan, as the planner resolved them.
 *
 * @param read the columns read from the files (resolved in each file by field id): those of
 *     {@code output}, then the columns only the filter needs
 * @param output the columns handed out, in order: the first {@code output.fields().size()} of
 *     {@code read}
 */
public record Projection(Schema read, Schema output) {}
