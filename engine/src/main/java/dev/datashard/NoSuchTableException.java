package dev.datashard;

public final class NoSuchTableException extends DataShardException {
  public NoSuchTableException(String location) {
    super("no table at " + location + " (no metadata/v*.metadata.json found)");
  }

  public NoSuchTableException(String location, String reason) {
    super("no table at " + location + ": " + reason);
  }
}
