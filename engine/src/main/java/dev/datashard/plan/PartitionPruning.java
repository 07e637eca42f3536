package dev.datashard.plan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datashard.Expression;
import dev.datashard.Schema;
import dev.datashard.ValidationException;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.partition.PartitionSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The first two levels of a scan's pruning: manifests by their partition summaries in the
 * manifest list, then data files by their partition tuples. Each manifest is judged with its own
 * spec (specs change as a table evolves). Counts what it kept, for {@link PlanStatistics}.
 */
final class PartitionPruning {
  private final TableMetadata metadata;
  private final Schema schema;
  private final Expression filter;
  private final Map<Integer, Optional<PartitionFilter>> filters = new HashMap<>();
  private int manifests;
  private int manifestsRead;
  private int files;
  private int filesKept;

  /** @param schema the schema the filter's columns are resolved in (the snapshot's) */
  PartitionPruning(TableMetadata metadata, Schema schema, Expression filter) {
    this.metadata = requireNonNull(metadata, "metadata");
    this.schema = requireNonNull(schema, "schema");
    this.filter = requireNonNull(filter, "filter");
  }

  /** The manifests whose summaries do not rule out the filter: the only ones to read. */
  List<ManifestFile> manifests(List<ManifestFile> all) {
    List<ManifestFile> kept = all.stream().filter(m -> filter(m.specId()).map(f -> f.mightMatch(m.partitions()))
        .orElse(true)).toList();
    manifests += all.size();
    manifestsRead += kept.size();
    return kept;
  }

  /** Whether a live file of a manifest of spec {@code specId} may hold a matching row by its partition. */
  boolean mightMatch(int specId, DataFile file) {
    files++;
    boolean kept = filter(specId).map(f -> f.mightMatch(file.partition())).orElse(true);
    if (kept) {
      filesKept++;
    }
    return kept;
  }

  /** The counts so far, with {@code planned} files left after the column bounds. */
  PlanStatistics statistics(int planned) {
    return new PlanStatistics(manifests, manifestsRead, files, filesKept, planned);
  }

  /** Spec {@code specId}'s projection of the filter; empty when nothing can be pruned by it. */
  private Optional<PartitionFilter> filter(int specId) {
    if (filter instanceof Expression.True) {
      return Optional.empty();
    }
    return filters.computeIfAbsent(specId, id -> spec(id).filter(PartitionSpec::isPartitioned)
        .map(spec -> new PartitionFilter(spec, filter)));
  }

  /**
   * The spec bound to the scan's schema. Empty when it cannot be: an old spec whose source column
   * was dropped since, a transform DataShard does not know, or an id the metadata lacks; such
   * manifests are read whole.
   */
  private Optional<PartitionSpec> spec(int specId) {
    for (JsonNode json : metadata.partitionSpecs()) {
      if (json.path("spec-id").asInt(-1) == specId) {
        try {
          return Optional.of(PartitionSpec.fromJson(schema, json));
        } catch (ValidationException | IllegalArgumentException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
