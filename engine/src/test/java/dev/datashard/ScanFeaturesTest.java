package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.io.StorageConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.RootAllocator;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanFeaturesTest {
  @TempDir java.nio.file.Path warehouse;
  private RootAllocator allocator;
  private DataShard shard;
  private Table table;
  private final List<Map<String, Object>> all = new ArrayList<>();

  @BeforeEach
  void tenFilesOfHundredRows() {
    allocator = new RootAllocator();
    shard = DataShard.open(StorageConfig.local(warehouse), allocator);
    table = shard.createTable("events", Schema.fromJson("""
        {"fields": [{"id": 1, "name": "user_id", "type": "long", "required": true},
                    {"id": 2, "name": "event", "type": "string", "required": false},
                    {"id": 3, "name": "score", "type": "double", "required": false}]}"""));
    String[] events = {"login", "logout", "click", "view"};
    Random random = new Random(7);
    for (int file = 0; file < 10; file++) {
      List<Map<String, Object>> records = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Map<String, Object> r = new HashMap<>();
        r.put("user_id", file * 100L + i); // each file holds one disjoint id range
        r.put("event", i % 10 == 0 ? null : events[random.nextInt(events.length)]);
        r.put("score", random.nextDouble());
        records.add(r);
      }
      table.appendRecords(records);
      all.addAll(records);
    }
  }

  @AfterEach
  void close() {
    shard.close();
    allocator.close();
  }

  private List<Long> ids(Scan scan) {
    return scan.toRecords().stream().map(r -> (Long) r.get("user_id")).sorted().toList();
  }

  private List<Long> expected(Predicate<Map<String, Object>> predicate) {
    return all.stream().filter(predicate).map(r -> (Long) r.get("user_id")).sorted().toList();
  }

  @Test
  void selectiveFiltersPruneFilesAndReturnExactlyTheMatchingRows() {
    assertThat(table.newScan().files()).hasSize(10);
    Scan oneFile = table.newScan().filter(Expression.between("user_id", 250, 260));
    assertThat(oneFile.files()).hasSize(1);
    assertThat(ids(oneFile)).isEqualTo(expected(r -> (Long) r.get("user_id") >= 250 && (Long) r.get("user_id") <= 260));

    Scan twoFiles = table.newScan().filter(Expression.parse("user_id < 5 or user_id >= 995"));
    assertThat(twoFiles.files()).hasSize(2);
    assertThat(ids(twoFiles)).hasSize(10);

    assertThat(table.newScan().filter(Expression.parse("user_id > 5000")).files()).isEmpty();
    assertThat(table.newScan().filter(Expression.parse("user_id in (5, 505)")).files()).hasSize(2);
    assertThat(table.newScan().filter(Expression.parse("event starts with 'zz'")).files()).isEmpty();
  }

  @Test
  void everyOperatorAgreesWithABruteForceCheck() {
    Map<String, Predicate<Map<String, Object>>> cases = new java.util.LinkedHashMap<>();
    cases.put("user_id = 42", r -> r.get("user_id").equals(42L));
    cases.put("user_id != 42 and user_id < 100", r -> !r.get("user_id").equals(42L) && (Long) r.get("user_id") < 100);
    cases.put("user_id <= 10", r -> (Long) r.get("user_id") <= 10);
    cases.put("user_id > 990", r -> (Long) r.get("user_id") > 990);
    cases.put("event in ('login', 'logout') and user_id >= 900",
        r -> r.get("event") != null && List.of("login", "logout").contains(r.get("event"))
            && (Long) r.get("user_id") >= 900);
    cases.put("event not in ('login', 'logout')",
        r -> r.get("event") != null && !List.of("login", "logout").contains(r.get("event")));
    cases.put("event is null", r -> r.get("event") == null);
    cases.put("event is not null and user_id between 10 and 20",
        r -> r.get("event") != null && (Long) r.get("user_id") >= 10 && (Long) r.get("user_id") <= 20);
    cases.put("event starts with 'log'", r -> r.get("event") != null && ((String) r.get("event")).startsWith("log"));
    cases.put("not (user_id >= 10)", r -> (Long) r.get("user_id") < 10);
    cases.put("not (event = 'click' or score > 0.5)",
        r -> r.get("event") != null && !r.get("event").equals("click") && (Double) r.get("score") <= 0.5);
    cases.put("score >= 0.25 and score < 0.5", r -> (Double) r.get("score") >= 0.25 && (Double) r.get("score") < 0.5);
    cases.forEach((text, predicate) -> {
      Scan scan = table.newScan().filter(Expression.parse(text));
      assertThat(ids(scan)).as(text).isEqualTo(expected(predicate));
      assertThat(scan.rowCount()).as(text).isEqualTo(expected(predicate).size());
    });
  }

  @Test
  void projectionWithAFilterOnAnotherColumn() {
    List<Map<String, Object>> rows = table.newScan().select("event").filter(Expression.lessThan("user_id", 3)).toRecords();
    assertThat(rows).hasSize(3).allSatisfy(r -> assertThat(r.keySet()).containsExactly("event"));
  }

  @Test
  void badFiltersAreClearErrors() {
    assertThatThrownBy(() -> table.newScan().filter(Expression.parse("colour = 'red'")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("unknown column 'colour'");
    assertThatThrownBy(() -> table.newScan().filter(Expression.parse("user_id = 'abc'")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("user_id");
    assertThatThrownBy(() -> Expression.parse("user_id >> 3")).hasMessageContaining("position");
    assertThatThrownBy(() -> Expression.parse("user_id in (1, 2")).hasMessageContaining("expected ')'");
  }

  @Test
  void duckDbQueriesAScanThroughTheCDataInterface() throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      table.newScan().select("user_id", "event").filter(Expression.parse("user_id < 500")).exportTo(stream);
      connection.unwrap(DuckDBConnection.class).registerArrowStream("events", stream);
      try (Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery(
              "SELECT count(*), sum(user_id), count(event) FROM events")) {
        assertThat(result.next()).isTrue();
        assertThat(result.getLong(1)).isEqualTo(500);
        assertThat(result.getLong(2)).isEqualTo(499L * 500 / 2);
        assertThat(result.getLong(3)).isEqualTo(450);
      }
    }
  }
}
