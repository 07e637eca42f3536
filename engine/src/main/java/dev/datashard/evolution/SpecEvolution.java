package dev.datashard.evolution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.partition.PartitionField;
import dev.datashard.partition.PartitionSpec;
import dev.datashard.partition.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A table's new partition spec from spec text, with ids as Iceberg's {@code UpdatePartitionSpec}
 * assigns them in format version 2: a field of an earlier spec (same source column and transform,
 * and name if one is given) keeps its field id and name, every other field takes the next id after
 * {@code last-partition-id};
 * a field left out is simply absent (only version 1 keeps removed fields as {@code void}). A spec
 * with the same fields as one the table has keeps that spec's id; otherwise it takes the next id.
 */
public final class SpecEvolution {
  private SpecEvolution() {}

  /** The spec {@code text} describes, over the table's current schema; bad text is a ValidationException. */
  public static PartitionSpec evolve(TableMetadata base, String text) {
    requireNonNull(base, "base");
    requireNonNull(text, "text");
    List<PartitionField> earlier = earlierFields(base);
    PartitionSpec parsed = PartitionSpec.parse(base.schema(), 0, text);
    int nextId = base.lastPartitionId() + 1;
    List<PartitionField> fields = new ArrayList<>();
    for (PartitionField field : parsed.fields()) {
      String source = parsed.sourceField(field).name();
      // A field named by default matches an earlier one of any name, as Iceberg's does when added
      // without a name; one named with 'as' only an earlier one of that name.
      boolean defaultName = field.name().equals(source + field.transform().nameSuffix());
      Optional<PartitionField> same = earlier.stream().filter(e -> e.sourceId() == field.sourceId()
          && e.transform().equals(field.transform()) && (defaultName || e.name().equals(field.name()))).findFirst();
      if (same.isPresent()) {
        fields.add(same.get());
      } else {
        String name = defaultName ? addedName(source, field.transform()) : field.name();
        fields.add(new PartitionField(field.sourceId(), nextId++, name, field.transform()));
      }
    }
    return new PartitionSpec(base.schema(), specId(base, fields), fields);
  }

  /**
   * The default name of a field added to an existing table: Iceberg's {@code UpdatePartitionSpec}
   * names bucket and truncate fields with their argument ({@code user_id_bucket_16}), unlike its
   * spec builder at create ({@code user_id_bucket}).
   */
  private static String addedName(String source, Transform transform) {
    if (transform instanceof Transform.Bucket bucket) {
      return source + "_bucket_" + bucket.numBuckets();
    }
    if (transform instanceof Transform.Truncate truncate) {
      return source + "_trunc_" + truncate.width();
    }
    return source + transform.nameSuffix();
  }

  private static int specId(TableMetadata base, List<PartitionField> fields) {
    int highest = -1;
    for (JsonNode spec : base.partitionSpecs()) {
      int id = spec.path("spec-id").asInt();
      if (fieldsOf(spec).equals(fields.stream().map(Optional::of).toList())) {
        return id;
      }
      highest = Math.max(highest, id);
    }
    return highest + 1;
  }

  /** Every field of every spec the table has had. */
  private static List<PartitionField> earlierFields(TableMetadata base) {
    List<PartitionField> fields = new ArrayList<>();
    for (JsonNode spec : base.partitionSpecs()) {
      fieldsOf(spec).forEach(field -> field.ifPresent(fields::add));
    }
    return fields;
  }

  /**
   * A spec's fields read from its JSON alone, as an old spec may name a column dropped since;
   * empty for a field whose transform DataShard does not know (it equals no new field).
   */
  private static List<Optional<PartitionField>> fieldsOf(JsonNode spec) {
    List<Optional<PartitionField>> fields = new ArrayList<>();
    for (JsonNode field : spec.path("fields")) {
      try {
        fields.add(Optional.of(new PartitionField(field.path("source-id").asInt(), field.path("field-id").asInt(),
            field.path("name").asText(), Transform.fromString(field.path("transform").asText()))));
      } catch (IllegalArgumentException e) {
        fields.add(Optional.empty());
      }
    }
    return fields;
  }
}
