package dev.datashard.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.Expression;
import dev.datashard.Schema;
import dev.datashard.Table;
import dev.datashard.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Schema evolution on a real S3 server: changes committed, old files read by field id through ranged reads. */
class S3SchemaEvolutionTest {
  static final String BUCKET = "evolving";
  @RegisterExtension static final S3Shard s3 = new S3Shard(BUCKET);

  private static Map<String, Object> row(Object... keysAndValues) {
    Map<String, Object> row = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      row.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return row;
  }

  @Test
  void evolvesAndReadsBackByFieldId() {
    Table table = s3.shard().createTable("events", Schema.fromJson("""
        {"schema_id": 0, "fields": [
          {"id": 1, "name": "user_id", "type": "long", "required": true},
          {"id": 2, "name": "event", "type": "string", "required": false},
          {"id": 3, "name": "clicks", "type": "int", "required": false}]}"""));
    table.appendRecords(List.of(row("user_id", 1L, "event", "login", "clicks", 3),
        row("user_id", 2L, "event", "buy", "clicks", 30)));
    long before = table.currentSnapshot().orElseThrow().snapshotId();
    table.updateSchema().renameColumn("event", "action").updateColumn("clicks", Type.Primitive.LONG)
        .deleteColumn("user_id").addColumn("user_id", Type.Primitive.STRING).addColumn("note", Type.Primitive.STRING)
        .moveFirst("note").commit();
    table.appendRecords(List.of(row("user_id", "u3", "action", "logout", "clicks", 10_000_000_000L, "note", "n")));

    // Another handle, as another process would see it.
    Table reloaded = s3.shard().loadTable("events");
    assertThat(reloaded.schema().fields()).extracting(dev.datashard.Field::name)
        .containsExactly("note", "action", "clicks", "user_id");
    List<Map<String, Object>> rows = reloaded.newScan().select("action", "clicks", "user_id").toRecords();
    assertThat(rows).containsExactlyInAnyOrder(
        row("action", "login", "clicks", 3L, "user_id", null),
        row("action", "buy", "clicks", 30L, "user_id", null),
        row("action", "logout", "clicks", 10_000_000_000L, "user_id", "u3"));
    // A filter reads footers and column chunks with ranged GETs: by field id too.
    assertThat(reloaded.newScan().filter(Expression.parse("clicks > 5")).select("action").toRecords())
        .containsExactlyInAnyOrder(row("action", "buy"), row("action", "logout"));
    assertThat(reloaded.newScan().filter(Expression.parse("action = 'login'")).rowCount()).isEqualTo(1);
    // Time travel reads with the schema of the snapshot.
    assertThat(reloaded.newScan().useSnapshot(before).select("user_id", "event").toRecords())
        .containsExactlyInAnyOrder(row("user_id", 1L, "event", "login"), row("user_id", 2L, "event", "buy"));
  }
}
