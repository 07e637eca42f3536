package dev.datashard.evolution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.ValidationException;
import dev.datashard.metadata.TableMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies schema changes to a table's current schema by the Iceberg spec's evolution rules. Every
 * refusal is a {@link ValidationException} naming the column and the rule; nothing is changed.
 * Fields are edited by path but keep their ids, which is what makes the change safe for files
 * written before it: readers resolve columns by id.
 */
public final class SchemaChanges {
  private SchemaChanges() {}

  /** The new schema (its id not yet assigned) and the table's new {@code last-column-id}. */
  public record Result(Schema schema, int lastColumnId) {
    public Result {
      requireNonNull(schema, "schema");
    }
  }

  public static Result apply(TableMetadata base, List<SchemaChange> changes) {
    Schema current = base.schema();
    Editor editor = new Editor(current.fields(), Math.max(base.lastColumnId(), current.highestFieldId()));
    Set<Integer> partitionSources = partitionSourceIds(base.partitionSpecs());
    for (SchemaChange change : changes) {
      editor.apply(change, partitionSources, current.identifierFieldIds());
    }
    Schema result;
    try {
      result = new Schema(current.schemaId(), editor.toFields(editor.top), current.identifierFieldIds());
    } catch (IllegalArgumentException e) {
      throw new ValidationException("the schema change cannot apply: " + e.getMessage(), e);
    }
    return new Result(result, editor.lastColumnId);
  }

  /** Whether values of {@code from} can be read as {@code to} (the spec's allowed promotions). */
  public static boolean canPromote(Type from, Type to) {
    if (from.equals(to)) {
      return true;
    }
    if (from == Type.Primitive.INT && to == Type.Primitive.LONG
        || from == Type.Primitive.FLOAT && to == Type.Primitive.DOUBLE) {
      return true;
    }
    return from instanceof Type.Decimal a && to instanceof Type.Decimal b
        && a.scale() == b.scale() && b.precision() >= a.precision();
  }

  /** Source field ids of every partition field of every partition spec. */
  private static Set<Integer> partitionSourceIds(JsonNode specs) {
    Set<Integer> ids = new HashSet<>();
    for (JsonNode spec : specs) {
      for (JsonNode field : spec.path("fields")) {
        if (field.has("source-id")) {
          ids.add(field.get("source-id").asInt());
        }
        field.path("source-ids").forEach(id -> ids.add(id.asInt()));
      }
    }
    return ids;
  }

  /** A field under edit; {@code children} is non-null for structs, whose fields may be edited too. */
  private static final class Node {
    final int id;
    String name;
    Type type;
    boolean required;
    final String doc;
    final List<Node> children;

    Node(int id, String name, Type type, boolean required, String doc, List<Node> children) {
      this.id = id;
      this.name = name;
      this.type = type;
      this.required = required;
      this.doc = doc;
      this.children = children;
    }
  }

  /** Where a path points: the field and the struct that holds it ({@code null} parent: top level). */
  private record Located(Node node, Node parent, List<Node> siblings) {}

  private static final class Editor {
    final List<Node> top;
    int lastColumnId;

    Editor(List<Field> fields, int lastColumnId) {
      this.top = nodes(fields);
      this.lastColumnId = lastColumnId;
    }

    private static List<Node> nodes(List<Field> fields) {
      List<Node> nodes = new ArrayList<>();
      for (Field field : fields) {
        List<Node> children = field.type() instanceof Type.Struct struct ? nodes(struct.fields()) : null;
        nodes.add(new Node(field.id(), field.name(), field.type(), field.required(), field.doc(), children));
      }
      return nodes;
    }

    List<Field> toFields(List<Node> nodes) {
      List<Field> fields = new ArrayList<>();
      for (Node node : nodes) {
        Type type = node.children != null ? new Type.Struct(toFields(node.children)) : node.type;
        fields.add(new Field(node.id, node.name, type, node.required, node.doc));
      }
      return fields;
    }

    void apply(SchemaChange change, Set<Integer> partitionSources, Set<Integer> identifiers) {
      String column = change.column();
      if (change instanceof SchemaChange.AddColumn add) {
          int dot = column.lastIndexOf('.');
          List<Node> siblings = top;
          String name = column;
          if (dot > 0 && find(column) == null) {
            String parentPath = column.substring(0, dot);
            Located parent = locate(parentPath);
            if (parent.node.children == null) {
              throw refuse(column, "its parent '" + parentPath + "' is a " + parent.node.type.typeName()
                  + ", not a struct; fields can be added to structs only");
            }
            siblings = parent.node.children;
            name = column.substring(dot + 1);
          }
          checkName(column, name);
          String newName = name;
          if (siblings.stream().anyMatch(n -> n.name.equals(newName))) {
            throw refuse(column, "a column of that name exists already; names must be unique");
          }
          Type type = freshIds(add.type());
          siblings.add(new Node(++lastColumnId, name, type, false, add.doc(),
              type instanceof Type.Struct struct ? nodes(struct.fields()) : null));
      } else if (change instanceof SchemaChange.Rename rename) {
          Located located = locate(column);
          checkName(column, rename.newName());
          if (located.siblings.stream().anyMatch(n -> n != located.node && n.name.equals(rename.newName()))) {
            throw refuse(column, "cannot be renamed to '" + rename.newName()
                + "': a column of that name exists already; names must be unique");
          }
          located.node.name = rename.newName();
      } else if (change instanceof SchemaChange.Drop) {
          Located located = locate(column);
          Set<Integer> ids = new HashSet<>();
          collectIds(located.node, ids);
          for (int id : ids) {
            if (partitionSources.contains(id)) {
              throw refuse(column, "a partition spec of the table uses it (field id " + id
                  + "); a column that partitions data cannot be dropped");
            }
            if (identifiers.contains(id)) {
              throw refuse(column, "it is an identifier field (field id " + id
                  + "); identifier fields cannot be dropped");
            }
          }
          if (located.siblings.size() == 1) {
            throw refuse(column, located.parent == null ? "it is the table's only column; a schema needs at least one"
                : "it is the only field of struct '" + located.parent.name + "'; a struct needs at least one");
          }
          located.siblings.remove(located.node);
      } else if (change instanceof SchemaChange.Promote promote) {
          Located located = locate(column);
          Type from = located.node.type;
          if (!from.isPrimitive() || !canPromote(from, promote.newType())) {
            throw refuse(column, "cannot change type " + from.typeName() + " to "
                + promote.newType().typeName() + "; the only promotions are int to long, float to double"
                + " and decimal(P,S) to decimal(P',S) with P' > P");
          }
          located.node.type = promote.newType();
      } else if (change instanceof SchemaChange.MakeOptional) {
          Located located = locate(column);
          if (identifiers.contains(located.node.id)) {
            throw refuse(column, "it is an identifier field, and identifier fields must be required");
          }
          located.node.required = false;
      } else if (change instanceof SchemaChange.Move move) {
          Located located = locate(column);
          List<Node> siblings = located.siblings;
          int referenceIndex = 0;
          if (move.placement() != SchemaChange.Move.Placement.FIRST) {
            Located reference = locate(move.reference());
            if (reference.siblings != siblings) {
              throw refuse(column, "it cannot move next to '" + move.reference()
                  + "', which is in another struct; columns move within their struct only");
            }
            if (reference.node == located.node) {
              throw refuse(column, "it cannot move relative to itself");
            }
          }
          siblings.remove(located.node);
          if (move.placement() != SchemaChange.Move.Placement.FIRST) {
            Node reference = locate(move.reference()).node;
            referenceIndex = siblings.indexOf(reference)
                + (move.placement() == SchemaChange.Move.Placement.AFTER ? 1 : 0);
          }
          siblings.add(referenceIndex, located.node);
      }
    }

    /** A path resolves to a top-level column of that exact name first, then through structs by dots. */
    private Located find(String path) {
      for (Node node : top) {
        if (node.name.equals(path)) {
          return new Located(node, null, top);
        }
      }
      String[] parts = path.split("\\.", -1);
      List<Node> siblings = top;
      Node parent = null;
      for (int i = 0; i < parts.length; i++) {
        String part = parts[i];
        Node match = siblings == null ? null
            : siblings.stream().filter(n -> n.name.equals(part)).findFirst().orElse(null);
        if (match == null) {
          return null;
        }
        if (i == parts.length - 1) {
          return new Located(match, parent, siblings);
        }
        parent = match;
        siblings = match.children;
      }
      return null;
    }

    private Located locate(String path) {
      Located located = find(path);
      if (located == null) {
        throw new ValidationException("unknown column '" + path + "' (columns: "
            + top.stream().map(n -> n.name).collect(Collectors.joining(", ")) + ")");
      }
      return located;
    }

    private static void checkName(String column, String name) {
      if (name.isBlank()) {
        throw refuse(column, "a column name must not be empty");
      }
    }

    /** A new column's nested fields get new ids too: ids are never reused. */
    private Type freshIds(Type type) {
      if (type instanceof Type.Struct struct) {
        List<Field> fields = new ArrayList<>();
        for (Field field : struct.fields()) {
          fields.add(new Field(++lastColumnId, field.name(), freshIds(field.type()), field.required(), field.doc()));
        }
        return new Type.Struct(fields);
      }
      if (type instanceof Type.ListOf list) {
        int elementId = ++lastColumnId;
        return new Type.ListOf(elementId, freshIds(list.element()), list.elementRequired());
      }
      if (type instanceof Type.MapOf map) {
        int keyId = ++lastColumnId;
        int valueId = ++lastColumnId;
        return new Type.MapOf(keyId, freshIds(map.key()), valueId, freshIds(map.value()), map.valueRequired());
      }
      return type;
    }

    private static void collectIds(Node node, Set<Integer> ids) {
      ids.add(node.id);
      if (node.children != null) {
        node.children.forEach(child -> collectIds(child, ids));
      }
    }
  }

  private static ValidationException refuse(String column, String rule) {
    return new ValidationException("column '" + column + "': " + rule);
  }
}
