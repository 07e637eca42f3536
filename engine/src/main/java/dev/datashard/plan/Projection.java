package dev.datashard.plan;

import dev.datashard.Schema;

/**
 * The columns of a scan, as the planner resolved them.
 *
 * @param decode the schema files are decoded with: a column a file lacks reads as nulls
 * @param read the columns read from the files: those of {@code output}, then the columns only the
 *     filter needs
 * @param output the columns handed out, in order: the first {@code output.fields().size()} of
 *     {@code read}
 */
public record Projection(Schema decode, Schema read, Schema output) {}
