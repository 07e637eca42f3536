package dev.datashard.commit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.datashard.DataShardException;
import dev.datashard.Snapshot;
import dev.datashard.metadata.Json;
import dev.datashard.metadata.TableMetadata;
import dev.datashard.metadata.TableProperties;
import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Where a table remembers the idempotency keys of its appends. A keyed append records its key in
 * its snapshot's summary ({@link Snapshot#IDEMPOTENCY_KEY}), so the key is committed atomically
 * with the data. A key counts as committed while its snapshot is an ancestor of the current one
 * (a rolled-back append is not in the table, so its key is free again). When snapshot expiry
 * removes such an ancestor, the key moves to the table property {@link #EXPIRED_KEYS} with its
 * commit time, and stays there for {@code datashard.idempotency.retention-hours} after it.
 */
public final class IdempotencyKeys {
  /** Table property: a JSON object of the keys of expired ancestors, each with its commit time in ms. */
  public static final String EXPIRED_KEYS = "datashard.idempotency.expired-keys";

  /** An earlier commit of a key: its snapshot (which may have expired since) and when it was made. */
  public record EarlierCommit(long snapshotId, long timestampMillis) {}

  private IdempotencyKeys() {}

  /** The commit that recorded {@code key} in the table as {@code metadata} describes it. */
  public static Optional<EarlierCommit> find(TableMetadata metadata, String key) {
    Long id = metadata.currentSnapshotId();
    while (id != null) {
      Optional<Snapshot> snapshot = metadata.snapshot(id);
      if (snapshot.isEmpty()) {
        break;
      }
      if (key.equals(snapshot.get().summary().get(Snapshot.IDEMPOTENCY_KEY))) {
        return Optional.of(new EarlierCommit(id, snapshot.get().timestampMillis()));
      }
      id = snapshot.get().parentId();
    }
    JsonNode expired = expiredKeys(metadata).get(key);
    return expired == null ? Optional.empty()
        : Optional.of(new EarlierCommit(expired.path("snapshot-id").asLong(), expired.path("timestamp-ms").asLong()));
  }

  /**
   * The properties after expiring {@code expired}: the keys of expired ancestors of the current
   * snapshot join {@link #EXPIRED_KEYS}, and keys older than the retention window leave it.
   */
  public static Map<String, String> afterExpiry(TableMetadata before, Collection<Snapshot> expired, long nowMillis) {
    ObjectNode keys = expiredKeys(before).deepCopy();
    Set<Long> ancestors = ancestorIds(before);
    for (Snapshot snapshot : expired) {
      String key = snapshot.summary().get(Snapshot.IDEMPOTENCY_KEY);
      if (key != null && ancestors.contains(snapshot.snapshotId())) {
        keys.putObject(key).put("snapshot-id", snapshot.snapshotId()).put("timestamp-ms", snapshot.timestampMillis());
      }
    }
    long window = TimeUnit.HOURS.toMillis(TableProperties.IDEMPOTENCY_RETENTION_HOURS.read(before.properties()));
    keys.properties().removeIf(entry -> entry.getValue().path("timestamp-ms").asLong() < nowMillis - window);
    Map<String, String> properties = new LinkedHashMap<>(before.properties());
    if (keys.isEmpty()) {
      properties.remove(EXPIRED_KEYS);
    } else {
      properties.put(EXPIRED_KEYS, keys.toString());
    }
    return properties;
  }

  private static Set<Long> ancestorIds(TableMetadata metadata) {
    Set<Long> ids = new HashSet<>();
    Long id = metadata.currentSnapshotId();
    while (id != null && ids.add(id)) {
      id = metadata.snapshot(id).map(Snapshot::parentId).orElse(null);
    }
    return ids;
  }

  private static ObjectNode expiredKeys(TableMetadata metadata) {
    String value = metadata.properties().get(EXPIRED_KEYS);
    if (value == null) {
      return Json.MAPPER.createObjectNode();
    }
    // Unreadable, the keys it held could not be checked: refuse rather than risk a duplicate.
    IOException cause = null;
    try {
      if (Json.MAPPER.readTree(value) instanceof ObjectNode keys) {
        return keys;
      }
    } catch (IOException e) {
      cause = e;
    }
    throw new DataShardException("table property " + EXPIRED_KEYS + " of " + metadata.location() + " is not a JSON"
        + " object of idempotency keys, so keyed appends cannot be checked; fix or remove it", cause);
  }
}
