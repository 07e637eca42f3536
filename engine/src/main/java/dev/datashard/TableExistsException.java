package dev.datashard;

public final class TableExistsException extends DataShardException {
  public TableExistsException(String location) {
    super("a table already exists at " + location);
  }
}
