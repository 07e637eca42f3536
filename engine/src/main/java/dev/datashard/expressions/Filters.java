package dev.datashard.expressions;

import dev.datashard.Expression;
import dev.datashard.Expression.Comparison;
import dev.datashard.Expression.In;
import dev.datashard.Expression.IsNull;
import dev.datashard.Expression.StartsWith;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.ValidationException;
import dev.datashard.expressions.BoundFilter.ValueCheck;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Binds filters to a schema: pushes every NOT down to the predicates, converts literals to the
 * form {@link ColumnValues} compares, and turns each predicate into the set of values it accepts.
 * The {@link BoundFilter} evaluates rows and data files' statistics by those sets.
 */
public final class Filters {
  private Filters() {}

  /** The filter bound to {@code schema}; errors name the column and value. */
  public static BoundFilter bind(Expression expression, Schema schema) {
    return new BoundFilter(bind(expression, schema, false));
  }

  private static BoundFilter.Node bind(Expression e, Schema schema, boolean negate) {
    if (e instanceof Expression.True) {
      if (negate) {
        throw new ValidationException("a filter of 'not true' matches nothing");
      }
      return new BoundFilter.Always();
    }
    if (e instanceof Expression.Not not) {
      return bind(not.child(), schema, !negate);
    }
    if (e instanceof Expression.And and) {
      BoundFilter.Node left = bind(and.left(), schema, negate);
      BoundFilter.Node right = bind(and.right(), schema, negate);
      return negate ? new BoundFilter.Or(left, right) : new BoundFilter.And(left, right);
    }
    if (e instanceof Expression.Or or) {
      BoundFilter.Node left = bind(or.left(), schema, negate);
      BoundFilter.Node right = bind(or.right(), schema, negate);
      return negate ? new BoundFilter.And(left, right) : new BoundFilter.Or(left, right);
    }
    if (e instanceof IsNull isNull) {
      return new BoundFilter.NullCheck(column(schema, isNull.column()), isNull.negated() == negate);
    }
    if (e instanceof Comparison c) {
      Field field = column(schema, c.column());
      return valueCheck(field, ValueSet.comparison(c.operator(), ColumnValues.literal(field, c.value())), negate);
    }
    if (e instanceof In in) {
      Field field = column(schema, in.column());
      if (in.values().isEmpty()) {
        throw new ValidationException("'" + in.column() + " in ()' needs at least one value");
      }
      List<Object> values = new ArrayList<>();
      for (Object value : in.values()) {
        values.add(ColumnValues.literal(field, value));
      }
      return valueCheck(field, ValueSet.anyOf(values), in.negated() != negate);
    }
    StartsWith startsWith = (StartsWith) e;
    Field field = column(schema, startsWith.column());
    if (field.type() != Type.Primitive.STRING) {
      throw new ValidationException("'starts with' needs a string column; '" + field.name() + "' is "
          + field.type().typeName());
    }
    byte[] prefix = (byte[]) ColumnValues.literal(field, startsWith.prefix());
    return valueCheck(field, ValueSet.startingWith(prefix), startsWith.negated() != negate);
  }

  /** A negated predicate accepts every other value; nulls it rejects all the same. */
  private static ValueCheck valueCheck(Field field, ValueSet accepted, boolean negate) {
    return new ValueCheck(field, negate ? accepted.complement() : accepted);
  }

  /** The columns a filter reads. */
  public static Set<String> columns(Expression e) {
    Set<String> columns = new LinkedHashSet<>();
    collect(e, columns);
    return columns;
  }

  private static void collect(Expression e, Set<String> columns) {
    if (e instanceof Expression.And and) {
      collect(and.left(), columns);
      collect(and.right(), columns);
    } else if (e instanceof Expression.Or or) {
      collect(or.left(), columns);
      collect(or.right(), columns);
    } else if (e instanceof Expression.Not not) {
      collect(not.child(), columns);
    } else if (e instanceof Comparison c) {
      columns.add(c.column());
    } else if (e instanceof In in) {
      columns.add(in.column());
    } else if (e instanceof IsNull n) {
      columns.add(n.column());
    } else if (e instanceof StartsWith s) {
      columns.add(s.column());
    }
  }

  private static Field column(Schema schema, String name) {
    Field field = schema.field(name).orElseThrow(() -> new ValidationException("filter names unknown column '"
        + name + "' (columns: " + String.join(", ", schema.fields().stream().map(Field::name).toList()) + ")"));
    if (!field.type().isPrimitive()) {
      throw new ValidationException("cannot filter on '" + name + "': it is a " + field.type().typeName());
    }
    return field;
  }
}
