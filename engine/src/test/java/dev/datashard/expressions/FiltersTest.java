package dev.datashard.expressions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.LocalWarehouse;
import dev.datashard.Schema;
import dev.datashard.Table;
import dev.datashard.metadata.DataFile;
import dev.datashard.partition.PartitionKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Filter semantics: one order per type, Iceberg's, for row filtering and file pruning alike. */
class FiltersTest {
  private static final Schema SCHEMA = Schema.fromJson("""
      {"fields": [{"id": 1, "name": "id", "type": "long", "required": true},
                  {"id": 2, "name": "d", "type": "double", "required": false},
                  {"id": 3, "name": "u", "type": "uuid", "required": false},
                  {"id": 4, "name": "s", "type": "string", "required": false}]}""");
  private static final UUID LOW = UUID.fromString("00000000-0000-0000-0000-000000000001");
  private static final UUID HIGH = UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff");

  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();
  private DataShard shard;
  private Table table;

  @BeforeEach
  void open() {
    shard = warehouse.shard();
    table = shard.createTable("t", SCHEMA);
  }

  private static Map<String, Object> row(long id, String column, Object value) {
    Map<String, Object> row = new HashMap<>();
    row.put("id", id);
    row.put(column, value);
    return row;
  }

  /** One data file per call. */
  private void appendFile(Map<String, Object>... rows) {
    table.appendRecords(List.of(rows));
  }

  private List<Long> ids(Expression filter) {
    return table.newScan().filter(filter).toRecords().stream().map(r -> (Long) r.get("id")).sorted().toList();
  }

  private List<Long> ids(String filter) {
    return ids(Expression.parse(filter));
  }

  private int files(String filter) {
    return table.newScan().filter(Expression.parse(filter)).files().size();
  }

  private static byte[] bytes(UUID uuid) {
    return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits()).array();
  }

  private static boolean mightMatch(String filter, DataFile file) {
    return Filters.bind(Expression.parse(filter), SCHEMA).mightMatch(file);
  }

  /** A data file as another writer may describe it: these counts and bounds for column {@code id}. */
  private static DataFile file(int id, long values, long nulls, Long nans, byte[] lower, byte[] upper) {
    Map<Integer, Long> nanCounts = nans == null ? Map.of() : Map.of(id, nans);
    return new DataFile("file:///elsewhere/f.parquet", "PARQUET", values, 100, Map.of(),
        Map.of(id, values), Map.of(id, nulls), nanCounts, Map.of(id, lower), Map.of(id, upper),
        PartitionKey.UNPARTITIONED);
  }

  private static byte[] doubleBytes(double value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array();
  }

  @Test
  void uuidsOrderAsUnsignedBytesInRows() {
    appendFile(row(1, "u", LOW), row(2, "u", HIGH));
    assertThat(ids("u > '00000000-0000-0000-0000-000000000001'")).containsExactly(2L);
    assertThat(ids("u < 'ffffffff-ffff-ffff-ffff-ffffffffffff'")).containsExactly(1L);
    assertThat(ids("u >= '80000000-0000-0000-0000-000000000000'")).containsExactly(2L);
    assertThat(ids("u between '00000000-0000-0000-0000-000000000000' and '7fffffff-ffff-ffff-ffff-ffffffffffff'"))
        .containsExactly(1L);
    assertThat(ids("u = 'ffffffff-ffff-ffff-ffff-ffffffffffff'")).containsExactly(2L);
  }

  @Test
  void uuidBoundsOfIcebergWrittenFilesAreReadInUnsignedOrder() {
    // Iceberg's Parquet writer takes uuid bounds from Parquet's statistics: unsigned bytes.
    DataFile both = file(3, 2, 0, null, bytes(LOW), bytes(HIGH));
    assertThat(mightMatch("u = 'ffffffff-ffff-ffff-ffff-ffffffffffff'", both)).isTrue();
    assertThat(mightMatch("u = '80000000-0000-0000-0000-000000000000'", both)).isTrue();
    assertThat(mightMatch("u > '00000000-0000-0000-0000-000000000001'", both)).isTrue();
    assertThat(mightMatch("u < '00000000-0000-0000-0000-000000000001'", both)).isFalse();
    assertThat(mightMatch("u > 'ffffffff-ffff-ffff-ffff-ffffffffffff'", both)).isFalse();
    DataFile middle = file(3, 2, 0, null, bytes(UUID.fromString("10000000-0000-0000-0000-000000000000")),
        bytes(UUID.fromString("f0000000-0000-0000-0000-000000000000")));
    assertThat(mightMatch("u in ('ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-0000-0000-000000000002')",
        middle)).isFalse();
    assertThat(mightMatch("u in ('ffffffff-ffff-ffff-ffff-ffffffffffff', '80000000-0000-0000-0000-000000000002')",
        middle)).isTrue();
  }

  @Test
  void nanIsOneValueAboveAllOthersForRowsAndPruningAlike() {
    appendFile(row(1, "d", 1.0), row(2, "d", Double.NaN));
    appendFile(row(3, "d", 2.0), row(4, "d", Double.NaN));
    assertThat(ids("d not in (1.0)")).containsExactly(2L, 3L, 4L);
    assertThat(files("d not in (1.0)")).isEqualTo(2);
    assertThat(ids("d != 1.0")).containsExactly(2L, 3L, 4L);
    assertThat(ids("not (d = 1.0)")).containsExactly(2L, 3L, 4L);
    assertThat(ids(Expression.in("d", Double.NaN))).containsExactly(2L, 4L);
    assertThat(table.newScan().filter(Expression.in("d", Double.NaN)).files()).hasSize(2);
    assertThat(ids("d = 'NaN'")).containsExactly(2L, 4L);
    assertThat(ids("d > 1.5")).containsExactly(2L, 3L, 4L);
    assertThat(files("d > 1.5")).isEqualTo(2);
    assertThat(ids("d <= 2.0")).containsExactly(1L, 3L);
    assertThat(ids("not (d > 2.0)")).containsExactly(1L, 3L);
    assertThat(ids("d < 'NaN'")).containsExactly(1L, 3L);
  }

  @Test
  void nanCountsDecideWhetherAFileMayHoldNaN() {
    DataFile noNaN = file(2, 3, 0, 0L, doubleBytes(1.0), doubleBytes(1.0));
    assertThat(mightMatch("d != 1.0", noNaN)).isFalse();
    assertThat(mightMatch("d > 1.0", noNaN)).isFalse();
    assertThat(mightMatch("d = 'NaN'", noNaN)).isFalse();
    DataFile someNaN = file(2, 3, 0, 1L, doubleBytes(1.0), doubleBytes(1.0));
    assertThat(mightMatch("d != 1.0", someNaN)).isTrue();
    assertThat(mightMatch("d > 1.0", someNaN)).isTrue();
    assertThat(mightMatch("d not in (1.0)", someNaN)).isTrue();
    assertThat(mightMatch("d < 1.0", someNaN)).isFalse();
    DataFile unknownNaN = file(2, 3, 0, null, doubleBytes(1.0), doubleBytes(1.0));
    assertThat(mightMatch("d > 1.0", unknownNaN)).isTrue();
    DataFile onlyNaN = file(2, 3, 0, 3L, doubleBytes(1.0), doubleBytes(1.0));
    assertThat(mightMatch("d <= 5.0", onlyNaN)).isFalse();
    assertThat(mightMatch("d = 'NaN'", onlyNaN)).isTrue();
  }

  @Test
  void negativeZeroOrdersBelowPositiveZero() {
    appendFile(row(1, "d", -0.0));
    appendFile(row(2, "d", 0.0));
    assertThat(ids("d = 0.0")).containsExactly(2L);
    assertThat(ids("d = -0.0")).containsExactly(1L);
    assertThat(files("d = -0.0")).isEqualTo(1);
    assertThat(ids("d < 0.0")).containsExactly(1L);
    assertThat(files("d < 0.0")).isEqualTo(1);
    assertThat(ids("d > -0.0")).containsExactly(2L);
    assertThat(ids("d in (-0.0, 0.0)")).containsExactly(1L, 2L);
  }

  @Test
  void stringsOrderByCodePointSoFourByteCharactersSortLast() {
    appendFile(row(1, "s", "\uE000"), row(2, "s", "\uFFFD"));
    appendFile(row(3, "s", "\uD83D\uDE00")); // U+1F600, a surrogate pair in Java
    assertThat(ids("s > '\uFFFF'")).containsExactly(3L);
    assertThat(files("s > '\uFFFF'")).isEqualTo(1);
    assertThat(ids("s < '\uD83D\uDE00'")).containsExactly(1L, 2L);
    assertThat(files("s < '\uD83D\uDE00'")).isEqualTo(1);
    assertThat(ids("s between '\uE000' and '\uFFFF'")).containsExactly(1L, 2L);
  }

  @Test
  void comparisonsWithNullAreNeverTrue() {
    appendFile(row(1, "d", 1.0), row(2, "d", null), row(3, "d", Double.NaN));
    assertThat(ids("d != 1.0")).containsExactly(3L);
    assertThat(ids("d not in (1.0, 5.0)")).containsExactly(3L);
    assertThat(ids("not (d = 1.0)")).containsExactly(3L);
    assertThat(ids("not (d < 2.0 or d > 2.0)")).isEmpty();
    assertThat(ids("d is null")).containsExactly(2L);
    assertThat(ids("not (d is null)")).containsExactly(1L, 3L);
    assertThat(ids("s not in ('a')")).isEmpty();
    assertThat(ids("not (s starts with 'a')")).isEmpty();
  }

  @Test
  void nanBoundsDoNotPrune() {
    // ORC writers have reported NaN bounds for files whose first value was NaN.
    DataFile nanBounds = file(2, 3, 0, null, doubleBytes(Double.NaN), doubleBytes(Double.NaN));
    assertThat(mightMatch("d = 1.0", nanBounds)).isTrue();
    assertThat(mightMatch("d < 1.0", nanBounds)).isTrue();
  }

  @Test
  void uuidBoundsThatASignedMergeOfRowGroupsMayHaveGotWrongDoNotPrune() {
    // Row groups [0000.., a000..] and [9000.., f000..] merged in signed order: [9000.., f000..].
    DataFile merged = file(3, 2, 0, null, bytes(UUID.fromString("90000000-0000-0000-0000-000000000000")),
        bytes(UUID.fromString("f0000000-0000-0000-0000-000000000000")));
    assertThat(mightMatch("u = '00000000-0000-0000-0000-000000000005'", merged)).isTrue();
    assertThat(mightMatch("u > 'f0000000-0000-0000-0000-000000000000'", merged)).isFalse();
    DataFile lowHalf = file(3, 2, 0, null, bytes(LOW), bytes(UUID.fromString("7fffffff-0000-0000-0000-000000000000")));
    assertThat(mightMatch("u >= '80000000-0000-0000-0000-000000000000'", lowHalf)).isTrue();
    assertThat(mightMatch("u < '00000000-0000-0000-0000-000000000001'", lowHalf)).isFalse();
  }

  @Test
  void notStartsWithPrunesFilesWhoseEveryValueHasThePrefix() {
    appendFile(row(1, "s", "apple"), row(2, "s", "apricot"), row(3, "s", null));
    appendFile(row(4, "s", "banana"));
    assertThat(files("not (s starts with 'ap')")).isEqualTo(1);
    assertThat(ids("not (s starts with 'ap')")).containsExactly(4L);
    assertThat(files("s starts with 'ap'")).isEqualTo(1);
  }
}
