package dev.datashard.metadata;

import dev.datashard.ValidationException;
import dev.datashard.metadata.TableProperty.Choice;
import dev.datashard.metadata.TableProperty.Flag;
import dev.datashard.metadata.TableProperty.LocationSetting;
import dev.datashard.metadata.TableProperty.WholeNumber;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The table properties DataShard interprets, by Iceberg's names, and the check every change of
 * them passes. The retry defaults are DataShard's: it expects many concurrent writers (more
 * retries, a shorter first wait than Iceberg's). How data files are written ({@code write.parquet.*},
 * {@code write.target-file-size-bytes}) has its rules in {@link WriteProperties}. Any other key is
 * stored as given: it may belong to another engine.
 */
public final class TableProperties {
  public static final WholeNumber COMMIT_NUM_RETRIES = new WholeNumber("commit.retry.num-retries", 50);
  public static final WholeNumber COMMIT_MIN_WAIT_MS = new WholeNumber("commit.retry.min-wait-ms", 10);
  public static final WholeNumber COMMIT_MAX_WAIT_MS = new WholeNumber("commit.retry.max-wait-ms", 2_000);
  public static final WholeNumber COMMIT_TOTAL_TIMEOUT_MS =
      new WholeNumber("commit.retry.total-timeout-ms", 600_000);
  public static final Flag MANIFEST_MERGE_ENABLED = new Flag("commit.manifest-merge.enabled", true);
  public static final WholeNumber MANIFEST_MIN_COUNT_TO_MERGE =
      new WholeNumber("commit.manifest.min-count-to-merge", 100);
  public static final WholeNumber METADATA_PREVIOUS_VERSIONS_MAX =
      new WholeNumber("write.metadata.previous-versions-max", 100);
  public static final Flag METADATA_DELETE_AFTER_COMMIT =
      new Flag("write.metadata.delete-after-commit.enabled", false);
  /**
   * How a row-level delete or overwrite removes rows from a file that keeps others: rewrite the
   * file without them, or write a position-delete file naming them (Iceberg's default is
   * copy-on-write too).
   */
  public static final Choice DELETE_MODE =
      new Choice("write.delete.mode", "copy-on-write", List.of("copy-on-write", "merge-on-read"));
  /**
   * Where new data and delete files go instead of the table's {@code data/} (another engine may have
   * set it, as Iceberg's writers honour it). Files there outside the table's location are not
   * listed by orphan removal, nor deleted with the table.
   */
  public static final LocationSetting DATA_PATH = new LocationSetting("write.data.path");
  /** How long an idempotency key outlives its snapshot's expiry (DataShard's own key; 7 days). */
  public static final WholeNumber IDEMPOTENCY_RETENTION_HOURS =
      new WholeNumber("datashard.idempotency.retention-hours", 168);

  /**
   * Iceberg's reserved key that asks for a format version. The metadata holds the version, so
   * like Iceberg DataShard does not store it; the only version it writes is 2.
   */
  static final String FORMAT_VERSION = "format-version";

  private static final Map<String, TableProperty> INTERPRETED = Stream.of(COMMIT_NUM_RETRIES,
      COMMIT_MIN_WAIT_MS, COMMIT_MAX_WAIT_MS, COMMIT_TOTAL_TIMEOUT_MS, MANIFEST_MERGE_ENABLED,
      MANIFEST_MIN_COUNT_TO_MERGE, METADATA_PREVIOUS_VERSIONS_MAX, METADATA_DELETE_AFTER_COMMIT,
      IDEMPOTENCY_RETENTION_HOURS, DELETE_MODE, DATA_PATH)
      .collect(Collectors.toMap(TableProperty::key, Function.identity()));

  private TableProperties() {}

  /**
   * {@code current} with {@code updates} set and {@code removals} removed. Only what changes is
   * checked, so a bad value already stored never blocks a change, least of all its repair.
   *
   * @throws ValidationException naming the key, the value and the rule it breaks
   */
  public static Map<String, String> change(Map<String, String> current, Map<String, String> updates,
      Set<String> removals) {
    Map<String, String> changed = new LinkedHashMap<>(current);
    removals.forEach(changed::remove);
    updates.forEach((key, value) -> {
      check(key, value);
      if (!key.equals(FORMAT_VERSION)) {
        changed.put(key, value);
      }
    });
    Set<String> waits = Set.of(COMMIT_MIN_WAIT_MS.key(), COMMIT_MAX_WAIT_MS.key());
    if (touches(updates, removals, waits)) {
      checkWaits(changed);
    }
    if (touches(updates, removals, WriteProperties.KEYS)) {
      WriteProperties.validate(changed);
    }
    return changed;
  }

  private static boolean touches(Map<String, String> updates, Set<String> removals, Set<String> keys) {
    return updates.keySet().stream().anyMatch(keys::contains) || removals.stream().anyMatch(keys::contains);
  }

  private static void check(String key, String value) {
    if (value == null) {
      throw new ValidationException("table property " + key + " has no value (remove it instead)");
    }
    if (key.equals(FORMAT_VERSION)) {
      if (!value.equals("2")) {
        throw refused(key, value, "must be 2: DataShard reads and writes format version 2 only");
      }
      return;
    }
    WriteProperties.validate(key, value);
    TableProperty property = INTERPRETED.get(key);
    if (property != null) {
      property.brokenRule(value).ifPresent(rule -> {
        throw refused(key, value, rule);
      });
    }
  }

  /** The effective waits, as a commit reads them, must not contradict each other. */
  private static void checkWaits(Map<String, String> properties) {
    if (COMMIT_MIN_WAIT_MS.read(properties) > COMMIT_MAX_WAIT_MS.read(properties)) {
      throw new ValidationException("table properties refused: " + effective(COMMIT_MIN_WAIT_MS, properties)
          + " would exceed " + effective(COMMIT_MAX_WAIT_MS, properties)
          + "; the minimum retry wait must not exceed the maximum");
    }
  }

  private static String effective(WholeNumber property, Map<String, String> properties) {
    return property.key() + "=" + property.read(properties)
        + (property.isSetIn(properties) ? "" : " (the default)");
  }

  private static ValidationException refused(String key, String value, String rule) {
    return new ValidationException("table property " + key + "='" + value + "' refused: it " + rule);
  }
}
