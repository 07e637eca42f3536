package dev.datashard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datashard.metadata.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Commits to a local table the way another engine might, without DataShard's checks. */
public final class OtherEngine {
  private OtherEngine() {}

  /** Publishes the next metadata version of the table in {@code tableDirectory} with these properties set. */
  public static void setProperties(Path tableDirectory, Map<String, String> properties) throws IOException {
    publishEdited(tableDirectory, json -> properties.forEach(((ObjectNode) json.get("properties"))::put));
  }

  /** Publishes the next version with a new default partition spec: identity of the field {@code sourceId}. */
  public static void partitionByIdentity(Path tableDirectory, int sourceId) throws IOException {
    publishEdited(tableDirectory, json -> {
      ObjectNode spec = ((com.fasterxml.jackson.databind.node.ArrayNode) json.get("partition-specs")).addObject();
      spec.put("spec-id", 1);
      ObjectNode field = spec.putArray("fields").addObject();
      field.put("source-id", sourceId).put("field-id", 1000).put("name", "p").put("transform", "identity");
      json.put("default-spec-id", 1).put("last-partition-id", 1000);
    });
  }

  private static void publishEdited(Path tableDirectory, java.util.function.Consumer<ObjectNode> edit)
      throws IOException {
    Path metadata = tableDirectory.resolve("metadata");
    int newest;
    try (Stream<Path> files = Files.list(metadata)) {
      newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("v\\d+\\.metadata\\.json"))
          .map(n -> Integer.parseInt(n.substring(1, n.indexOf('.')))).max(Comparator.naturalOrder()).orElseThrow();
    }
    ObjectNode json = (ObjectNode) Json.MAPPER.readTree(metadata.resolve("v" + newest + ".metadata.json").toFile());
    edit.accept(json);
    Files.write(metadata.resolve("v" + (newest + 1) + ".metadata.json"), Json.MAPPER.writeValueAsBytes(json));
  }
}
