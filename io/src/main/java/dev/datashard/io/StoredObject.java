package dev.datashard.io;

import static java.util.Objects.requireNonNull;

/** One object found by {@link Storage#list}. */
public record StoredObject(String location, long size, long lastModifiedMillis) {
  public StoredObject {
    requireNonNull(location, "location");
  }
}
