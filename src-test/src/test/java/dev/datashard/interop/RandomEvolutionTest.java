package dev.datashard.interop;

import static dev.datashard.interop.Interop.assertSameRows;
import static dev.datashard.interop.Interop.datashardRows;
import static dev.datashard.interop.Interop.icebergRows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.DataShard;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.io.StorageConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random schema changes mixed with appends, checked after every step against an in-memory model
 * of the rows (values kept by field id, as written), and at the end against Iceberg's reads of
 * every snapshot. Seeded: a failure names its seed and step, and reruns the same way.
 */
class RandomEvolutionTest {
  private static final int STEPS = 40;
  private static final Type DECIMAL_9_2 = new Type.Decimal(9, 2);
  private static final Type DECIMAL_20_2 = new Type.Decimal(20, 2);

  @TempDir Path warehouse;
  private RootAllocator allocator;
  private DataShard shard;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
    shard = DataShard.open(StorageConfig.local(warehouse), allocator);
  }

  @AfterEach
  void closeAndCheckLeaks() {
    shard.close();
    allocator.close();
  }

  /** The expected table: rows by field id (values as written) and the current columns. */
  private static final class Model {
    final List<Map<Integer, Object>> rows = new ArrayList<>();
    long nextId;

    /** The rows as the current schema reads them: columns by current name, values widened. */
    List<Map<String, Object>> expected(Schema schema) {
      List<Map<String, Object>> result = new ArrayList<>();
      for (Map<Integer, Object> row : rows) {
        Map<String, Object> read = new LinkedHashMap<>();
        for (Field field : schema.fields()) {
          read.put(field.name(), widen(row.get(field.id()), field.type()));
        }
        result.add(read);
      }
      return result;
    }

    private static Object widen(Object value, Type type) {
      if (value instanceof Integer i && type == Type.Primitive.LONG) {
        return i.longValue();
      }
      if (value instanceof Float f && type == Type.Primitive.DOUBLE) {
        return f.doubleValue();
      }
      return value;
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void randomEvolutionsAndAppendsReadAsTheModelSays(long seed) {
    Random random = new Random(seed);
    dev.datashard.Table table = shard.createTable("t" + seed, new Schema(0, List.of(
        Field.required(1, "id", Type.Primitive.LONG), Field.optional(2, "c0", Type.Primitive.INT))));
    Model model = new Model();
    List<String> usedNames = new ArrayList<>(List.of("c0"));
    int names = 1;
    for (int step = 0; step < STEPS; step++) {
      String where = "seed " + seed + ", step " + step;
      Schema schema = table.schema();
      List<Field> others = schema.fields().stream().filter(f -> !f.name().equals("id")).toList();
      int choice = random.nextInt(10);
      String description;
      if (choice < 4 || others.isEmpty()) {
        description = append(table, model, random);
      } else if (choice == 4) {
        // A dropped column's name comes back now and then: it must never read the old data.
        String name = random.nextInt(3) == 0 ? usedNames.get(random.nextInt(usedNames.size())) : "c" + names++;
        if (schema.field(name).isPresent()) {
          name = "c" + names++;
        }
        Type type = List.of(Type.Primitive.INT, Type.Primitive.FLOAT, Type.Primitive.STRING, DECIMAL_9_2)
            .get(random.nextInt(4));
        usedNames.add(name);
        table.updateSchema().addColumn(name, type).commit();
        description = "add " + name + " " + type.typeName();
      } else if (choice == 5) {
        Field field = others.get(random.nextInt(others.size()));
        String name = "r" + names++;
        usedNames.add(name);
        table.updateSchema().renameColumn(field.name(), name).commit();
        description = "rename " + field.name() + " to " + name;
      } else if (choice == 6 && others.size() > 1) {
        Field field = others.get(random.nextInt(others.size()));
        table.updateSchema().deleteColumn(field.name()).commit();
        description = "drop " + field.name();
      } else if (choice == 7) {
        Field field = others.get(random.nextInt(others.size()));
        Type wider = field.type() == Type.Primitive.INT ? Type.Primitive.LONG
            : field.type() == Type.Primitive.FLOAT ? Type.Primitive.DOUBLE
            : field.type().equals(DECIMAL_9_2) ? DECIMAL_20_2 : null;
        if (wider == null) {
          description = append(table, model, random);
        } else {
          table.updateSchema().updateColumn(field.name(), wider).commit();
          description = "promote " + field.name() + " to " + wider.typeName();
        }
      } else {
        Field field = schema.fields().get(random.nextInt(schema.fields().size()));
        Field after = schema.fields().get(random.nextInt(schema.fields().size()));
        if (field.equals(after)) {
          table.updateSchema().moveFirst(field.name()).commit();
          description = "move " + field.name() + " first";
        } else {
          table.updateSchema().moveAfter(field.name(), after.name()).commit();
          description = "move " + field.name() + " after " + after.name();
        }
      }
      Schema now = table.schema();
      List<Map<String, Object>> actual = datashardRows(table.newScan());
      assertThat(actual).as(where + " (" + description + ")").isEqualTo(Interop.sorted(model.expected(now)));
      if (!actual.isEmpty()) {
        assertThat(List.copyOf(actual.get(0).keySet())).as(where + ": column order")
            .isEqualTo(now.fields().stream().map(Field::name).toList());
      }
    }
    // Iceberg reads every snapshot, each with its own schema, as DataShard does.
    org.apache.iceberg.Table iceberg = Interop.icebergTable(table.location());
    for (org.apache.iceberg.Snapshot snapshot : iceberg.snapshots()) {
      assertSameRows(datashardRows(table.newScan().useSnapshot(snapshot.snapshotId())),
          icebergRows(iceberg, snapshot.snapshotId()));
    }
    assertSameRows(datashardRows(table.newScan()), icebergRows(iceberg, null));
  }

  /** One to four rows of random values (a fifth null) for the current columns. */
  private static String append(dev.datashard.Table table, Model model, Random random) {
    Schema schema = table.schema();
    int count = 1 + random.nextInt(4);
    List<Map<String, Object>> records = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      Map<String, Object> record = new HashMap<>();
      Map<Integer, Object> byId = new HashMap<>();
      long id = model.nextId++;
      record.put("id", id);
      byId.put(1, id);
      for (Field field : schema.fields()) {
        if (field.id() == 1 || random.nextInt(5) == 0) {
          continue;
        }
        Object value = value(field.type(), random);
        record.put(field.name(), value);
        byId.put(field.id(), value);
      }
      records.add(record);
      model.rows.add(byId);
    }
    table.appendRecords(records);
    return "append " + count + " rows";
  }

  private static Object value(Type type, Random random) {
    if (type instanceof Type.Decimal decimal) {
      return BigDecimal.valueOf(random.nextInt(1_000_000) - 500_000, decimal.scale());
    }
    return switch ((Type.Primitive) type) {
      case INT -> random.nextInt();
      case LONG -> random.nextLong();
      case FLOAT -> random.nextInt(1000) / 4f; // exact in binary: widening to double keeps it equal
      case DOUBLE -> random.nextInt(1000) / 8d;
      case STRING -> "s" + random.nextInt(100);
      default -> throw new IllegalStateException("the test adds no column of type " + type);
    };
  }
}
