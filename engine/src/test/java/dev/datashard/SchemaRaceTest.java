package dev.datashard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.io.local.LocalStorage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema changes and appends that lose the race to publish a version to another writer's schema
 * change: applied again on the winner's version when they still apply, refused clearly when not,
 * and never committed with stale field ids.
 */
class SchemaRaceTest {
  private RacingStorage store;
  @RegisterExtension final LocalWarehouse warehouse = new LocalWarehouse(
      root -> store = new RacingStorage(new LocalStorage(root, false)));
  private Table table;

  @BeforeEach
  void create() {
    table = warehouse.shard().createTable("t", SchemaEvolutionTest.SCHEMA);
  }

  /** Commits {@code change} through a second DataShard over the same warehouse. */
  private void rival(java.util.function.Consumer<Table> change) {
    store.beforeNextPublish(() -> {
      try (DataShard other = warehouse.openAnother()) {
        change.accept(other.loadTable("t"));
      }
    });
  }

  @Test
  void aSchemaChangeThatLosesIsAppliedAgainOnTheWinnersSchema() {
    rival(other -> other.updateSchema().addColumn("a", Type.Primitive.INT).commit());
    Schema both = table.updateSchema().addColumn("b", Type.Primitive.INT).commit();

    assertThat(both.fields()).extracting(Field::name).endsWith("a", "b");
    assertThat(both.field("a").orElseThrow().id()).isEqualTo(9);
    assertThat(both.field("b").orElseThrow().id()).as("ids are assigned on the winner's last-column-id")
        .isEqualTo(10);
    assertThat(table.metadata().schemas()).extracting(Schema::schemaId).containsExactly(0, 1, 2);
  }

  @Test
  void aSchemaChangeThatNoLongerAppliesIsRefusedNamingTheColumn() {
    table.updateSchema().addColumn("a", Type.Primitive.INT).commit();
    rival(other -> other.updateSchema().deleteColumn("a").commit());
    assertThatThrownBy(() -> table.updateSchema().renameColumn("a", "c").commit())
        .isInstanceOf(ValidationException.class).hasMessageContaining("unknown column 'a'")
        .hasMessageContaining("another writer");
    assertThat(table.refresh().schema().field("a")).isEmpty();
    assertThat(table.schema().field("c")).isEmpty();
  }

  @Test
  void anAppendThatLosesToASchemaChangeFailsAndLeavesNoFiles() {
    rival(other -> other.updateSchema().renameColumn("name", "label").commit());
    Map<String, Object> row = new HashMap<>(Map.of("id", 1L, "name", "x"));
    assertThatThrownBy(() -> table.appendRecords(List.of(row))).isInstanceOf(CommitFailedException.class)
        .hasMessageContaining("schema").hasMessageContaining("changed while appending");

    assertThat(table.refresh().currentSnapshot()).isEmpty();
    assertThat(LocalWarehouse.filesBelow(warehouse.root().resolve("t/data"))).isEmpty();
    table.appendRecords(List.of(new HashMap<>(Map.of("id", 1L, "label", "x"))));
    assertThat(table.newScan().select("label").toRecords()).containsExactly(Map.of("label", "x"));
  }
}
