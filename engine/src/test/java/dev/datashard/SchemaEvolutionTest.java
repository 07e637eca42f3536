package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Schema changes by the Iceberg spec's rules, and reads that resolve columns by field id. */
class SchemaEvolutionTest {
  static final Schema SCHEMA = Schema.fromJson("""
      {"schema_id": 0, "fields": [
        {"id": 1, "name": "id", "type": "long", "required": true},
        {"id": 2, "name": "name", "type": "string", "required": false},
        {"id": 3, "name": "count", "type": "int", "required": false},
        {"id": 4, "name": "ratio", "type": "float", "required": false},
        {"id": 5, "name": "price", "type": "decimal(9, 2)", "required": false},
        {"id": 6, "name": "address", "type": {"type": "struct", "fields": [
          {"id": 7, "name": "city", "type": "string", "required": false},
          {"id": 8, "name": "zip", "type": "int", "required": false}]}, "required": false}]}""");

  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse();
  private Table table;

  @BeforeEach
  void create() {
    table = warehouse.shard().createTable("t", SCHEMA);
  }

  private static Map<String, Object> row(long id, String name, Integer count, Float ratio, String price,
      String city, Integer zip) {
    Map<String, Object> row = new HashMap<>();
    row.put("id", id);
    row.put("name", name);
    row.put("count", count);
    row.put("ratio", ratio);
    row.put("price", price == null ? null : new BigDecimal(price));
    Map<String, Object> address = new HashMap<>();
    address.put("city", city);
    address.put("zip", zip);
    row.put("address", address);
    return row;
  }

  private List<Map<String, Object>> sortedRows(Scan scan) {
    List<Map<String, Object>> rows = new ArrayList<>(scan.toRecords());
    rows.sort((a, b) -> Long.compare((Long) a.get("id"), (Long) b.get("id")));
    return rows;
  }

  @Test
  void addedColumnsGetNewIdsAndTheNewSchemaANewId() {
    Schema schema = table.updateSchema().addColumn("email", Type.Primitive.STRING)
        .addColumn("address.country", Type.Primitive.STRING).commit();

    assertThat(schema.schemaId()).isEqualTo(1);
    assertThat(schema.field("email").orElseThrow()).isEqualTo(Field.optional(9, "email", Type.Primitive.STRING));
    Type.Struct address = (Type.Struct) schema.field("address").orElseThrow().type();
    assertThat(address.fields()).extracting(Field::name).containsExactly("city", "zip", "country");
    assertThat(address.fields().get(2).id()).isEqualTo(10);
    assertThat(table.metadata().lastColumnId()).isEqualTo(10);
    assertThat(table.metadata().schemas()).hasSize(2);
    // A second handle loads what was committed.
    assertThat(warehouse.shard().loadTable("t").schema()).isEqualTo(schema);
  }

  @Test
  void renameMoveDropAndPromoteInOneCommit() {
    int versionsBefore = table.operations().current().number();
    Schema schema = table.updateSchema().renameColumn("name", "full_name").moveFirst("full_name")
        .moveAfter("price", "full_name").deleteColumn("ratio").updateColumn("count", Type.Primitive.LONG)
        .updateColumn("price", new Type.Decimal(20, 2)).makeColumnOptional("id").renameColumn("address.zip", "postcode")
        .commit();

    assertThat(table.operations().current().number()).isEqualTo(versionsBefore + 1);
    assertThat(schema.fields()).extracting(Field::name)
        .containsExactly("full_name", "price", "id", "count", "address");
    assertThat(schema.field("count").orElseThrow().type()).isEqualTo(Type.Primitive.LONG);
    assertThat(schema.field("count").orElseThrow().id()).isEqualTo(3);
    assertThat(schema.field("price").orElseThrow().type()).isEqualTo(new Type.Decimal(20, 2));
    assertThat(schema.field("id").orElseThrow().required()).isFalse();
    assertThat(((Type.Struct) schema.field("address").orElseThrow().type()).fields())
        .extracting(Field::name).containsExactly("city", "postcode");
    assertThat(table.metadata().lastColumnId()).isEqualTo(8);
  }

  @Test
  void refusalsNameTheColumnAndTheRuleAndChangeNothing() {
    String before = table.metadataFile();
    assertRefused(() -> table.updateSchema().updateColumn("id", Type.Primitive.INT).commit(),
        "column 'id'", "long to int");
    assertRefused(() -> table.updateSchema().updateColumn("price", new Type.Decimal(20, 3)).commit(),
        "column 'price'", "decimal(P,S) to decimal(P',S)");
    assertRefused(() -> table.updateSchema().addColumn("name", Type.Primitive.STRING).commit(),
        "column 'name'", "names must be unique");
    assertRefused(() -> table.updateSchema().renameColumn("name", "count").commit(),
        "column 'name'", "names must be unique");
    assertRefused(() -> table.updateSchema().deleteColumn("nope").commit(), "unknown column 'nope'", "columns: id");
    assertRefused(() -> table.updateSchema().requireColumn("name"), "column 'name'", "cannot be made required");
    assertRefused(() -> table.updateSchema().addRequiredColumn("x", Type.Primitive.INT), "column 'x'",
        "format version 2");
    assertRefused(() -> table.updateSchema().addColumn("name.x", Type.Primitive.INT).commit(), "column 'name.x'",
        "structs only");
    assertRefused(() -> table.updateSchema().moveAfter("id", "address.city").commit(), "column 'id'",
        "within their struct");
    // A later change may not refer to a column an earlier one dropped.
    assertRefused(() -> table.updateSchema().deleteColumn("count").renameColumn("count", "c").commit(),
        "unknown column 'count'", "");
    assertThat(table.refresh().metadataFile()).isEqualTo(before);
  }

  @Test
  void identifierAndPartitionColumnsCannotBeDropped() throws java.io.IOException {
    Table withIdentifier = warehouse.shard().createTable("keyed", new Schema(0, SCHEMA.fields(), java.util.Set.of(1)));
    assertRefused(() -> withIdentifier.updateSchema().deleteColumn("id").commit(), "column 'id'",
        "identifier field");
    assertRefused(() -> withIdentifier.updateSchema().makeColumnOptional("id").commit(), "column 'id'",
        "identifier field");
    assertThat(warehouse.shard().loadTable("keyed").schema().identifierFieldIds()).containsExactly(1);
    OtherEngine.partitionByIdentity(warehouse.root().resolve("t"), 3);
    assertRefused(() -> table.refresh().updateSchema().deleteColumn("count").commit(), "column 'count'",
        "partition spec");
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable change, String column,
      String rule) {
    assertThatThrownBy(change).isInstanceOf(ValidationException.class).hasMessageContaining(column)
        .hasMessageContaining(rule);
  }

  @Test
  void anUpdateWithoutChangesCommitsNothing() {
    String before = table.metadataFile();
    assertThat(table.updateSchema().commit()).isEqualTo(SCHEMA);
    assertThat(table.refresh().metadataFile()).isEqualTo(before);
  }

  @Test
  void undoingAChangeReturnsToTheEarlierSchemaId() {
    table.updateSchema().renameColumn("name", "n").commit();
    Schema back = table.updateSchema().renameColumn("n", "name").commit();
    assertThat(back.schemaId()).isEqualTo(0);
    assertThat(table.metadata().schemas()).hasSize(2);
  }

  @Test
  void oldFilesReadUnderTheNewSchemaByFieldId() {
    table.appendRecords(List.of(row(1, "a", 7, 1.5f, "1.25", "Oslo", 150)));
    long firstSnapshot = table.currentSnapshot().orElseThrow().snapshotId();
    table.updateSchema().renameColumn("name", "full_name").deleteColumn("ratio")
        .addColumn("ratio", Type.Primitive.DOUBLE).updateColumn("count", Type.Primitive.LONG)
        .updateColumn("price", new Type.Decimal(20, 2)).renameColumn("address.zip", "postcode")
        .addColumn("address.country", Type.Primitive.STRING).moveFirst("count").commit();
    Map<String, Object> newRow = new HashMap<>();
    newRow.put("id", 2L);
    newRow.put("full_name", "b");
    newRow.put("count", 5_000_000_000L);
    newRow.put("ratio", 0.5d);
    newRow.put("price", new BigDecimal("123456789012.50"));
    newRow.put("address", Map.of("city", "Rome", "postcode", 100, "country", "IT"));
    table.appendRecords(List.of(newRow));

    List<Map<String, Object>> rows = sortedRows(table.newScan());
    Map<String, Object> old = rows.get(0);
    assertThat(old.keySet()).containsExactly("count", "id", "full_name", "price", "address", "ratio");
    assertThat(old.get("count")).isEqualTo(7L);
    assertThat(old.get("full_name")).isEqualTo("a");
    assertThat(old.get("ratio")).as("a dropped column's data is never read under a new column's name").isNull();
    assertThat(old.get("price")).isEqualTo(new BigDecimal("1.25"));
    Map<String, Object> oldAddress = new LinkedHashMap<>();
    oldAddress.put("city", "Oslo");
    oldAddress.put("postcode", 150);
    oldAddress.put("country", null);
    assertThat(old.get("address")).isEqualTo(oldAddress);
    assertThat(rows.get(1).get("count")).isEqualTo(5_000_000_000L);
    assertThat(rows.get(1).get("price")).isEqualTo(new BigDecimal("123456789012.50"));

    // Time travel reads with the snapshot's schema.
    List<Map<String, Object>> then = table.newScan().useSnapshot(firstSnapshot).toRecords();
    assertThat(then).hasSize(1);
    assertThat(then.get(0).keySet()).containsExactly("id", "name", "count", "ratio", "price", "address");
    assertThat(then.get(0).get("ratio")).isEqualTo(1.5f);
    assertThat(then.get(0).get("count")).isEqualTo(7);
    // Old names select and filter a time-travel read, whichever is chosen first.
    assertThat(table.newScan().select("name").filter(Expression.parse("name = 'a'")).useSnapshot(firstSnapshot)
        .toRecords()).containsExactly(Map.of("name", "a"));
    assertThatThrownBy(() -> table.newScan().select("name").toRecords()).isInstanceOf(ValidationException.class)
        .hasMessageContaining("unknown column 'name'");
    assertThatThrownBy(() -> table.newScan().select("nothing")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("unknown column 'nothing'");
  }

  @Test
  void filtersAndPruningOnPromotedAndRenamedColumns() {
    table.appendRecords(List.of(row(1, "a", 7, 1.5f, "1.25", "Oslo", 150)));
    table.appendRecords(List.of(row(2, "b", 70, 2.5f, "2.50", "Rome", 100)));
    table.updateSchema().updateColumn("count", Type.Primitive.LONG).updateColumn("ratio", Type.Primitive.DOUBLE)
        .renameColumn("name", "label").commit();
    Map<String, Object> big = new HashMap<>();
    big.put("id", 3L);
    big.put("count", 10_000_000_000L);
    table.appendRecords(List.of(big));

    assertThat(table.newScan().filter(Expression.parse("count > 10")).files()).hasSize(2);
    assertThat(table.newScan().filter(Expression.parse("count > 10")).select("id").toRecords())
        .extracting(r -> r.get("id")).containsExactlyInAnyOrder(2L, 3L);
    assertThat(table.newScan().filter(Expression.parse("count < 8")).files()).hasSize(1);
    assertThat(table.newScan().filter(Expression.parse("ratio > 2.0")).select("id").toRecords())
        .extracting(r -> r.get("id")).containsExactly(2L);
    assertThat(table.newScan().filter(Expression.parse("label = 'a'")).select("id", "label").toRecords())
        .containsExactly(Map.of("id", 1L, "label", "a"));
    assertThat(table.newScan().filter(Expression.parse("label = 'a'")).rowCount()).isEqualTo(1);
  }

  @Test
  void aScanOfOnlyAnAddedColumnReadsNullsForOldFiles() {
    table.appendRecords(List.of(row(1, "a", 7, 1.5f, "1.25", "Oslo", 150), row(2, "b", 8, 1f, "1", "X", 1)));
    table.updateSchema().addColumn("note", Type.Primitive.STRING).commit();
    List<Map<String, Object>> rows = table.newScan().select("note").toRecords();
    assertThat(rows).hasSize(2);
    assertThat(rows).allSatisfy(r -> assertThat(r.get("note")).isNull());
  }

  @Test
  void appendsWriteTheCurrentSchemaAndRefuseDroppedOrMistypedColumns() {
    table.updateSchema().deleteColumn("ratio").renameColumn("name", "label").commit();
    Map<String, Object> dropped = new HashMap<>(Map.of("id", 1L, "ratio", 1.5f));
    assertThatThrownBy(() -> table.appendRecords(List.of(dropped))).isInstanceOf(ValidationException.class)
        .hasMessageContaining("ratio");
    Map<String, Object> oldName = new HashMap<>(Map.of("id", 1L, "name", "x"));
    assertThatThrownBy(() -> table.appendRecords(List.of(oldName))).isInstanceOf(ValidationException.class)
        .hasMessageContaining("name");
    assertThat(table.currentSnapshot()).isEmpty();

    table.appendRecords(List.of(new HashMap<>(Map.of("id", 1L, "label", "x"))));
    Snapshot snapshot = table.currentSnapshot().orElseThrow();
    assertThat(snapshot.schemaId()).isEqualTo(table.schema().schemaId());
    assertThat(table.newScan().select("label").toRecords()).containsExactly(Map.of("label", "x"));
  }

  @Test
  void anAppendThatLosesTheRaceToASchemaChangeFailsWithoutCommittingItsFiles() {
    Table other = warehouse.shard().loadTable("t");
    try (Transaction tx = table.newTransaction()) {
      tx.appendRecords(List.of(row(1, "a", 7, 1.5f, "1.25", "Oslo", 150)));
      other.updateSchema().renameColumn("name", "label").commit();
      assertThatThrownBy(tx::commit).isInstanceOf(CommitFailedException.class)
          .hasMessageContaining("schema").hasMessageContaining("changed while appending");
    }
    assertThat(table.refresh().currentSnapshot()).isEmpty();
    assertThat(LocalWarehouse.filesBelow(warehouse.root().resolve("t/data"))).isEmpty();
    // Appending again on the refreshed table writes the new schema's columns.
    table.appendRecords(List.of(new HashMap<>(Map.of("id", 1L, "label", "a"))));
    assertThat(other.refresh().newScan().select("label").toRecords()).containsExactly(Map.of("label", "a"));
  }
}
