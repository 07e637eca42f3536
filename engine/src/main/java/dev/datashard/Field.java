package dev.datashard;

import static java.util.Objects.requireNonNull;

/** A named column (or nested field) with its Iceberg field id. */
public record Field(int id, String name, Type type, boolean required, String doc) {
  public Field {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    if (id < 0) {
      throw new IllegalArgumentException("field id must not be negative: " + name + " has " + id);
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException("field " + id + " has an empty name");
    }
  }

  public static Field required(int id, String name, Type type) {
    return new Field(id, name, type, true, null);
  }

  public static Field optional(int id, String name, Type type) {
    return new Field(id, name, type, false, null);
  }
}
