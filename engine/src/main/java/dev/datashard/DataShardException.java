package dev.datashard;

/** Base of every error DataShard raises on purpose; its message says what is wrong and where. */
public class DataShardException extends RuntimeException {
  public DataShardException(String message) {
    super(message);
  }

  public DataShardException(String message, Throwable cause) {
    super(message, cause);
  }
}
