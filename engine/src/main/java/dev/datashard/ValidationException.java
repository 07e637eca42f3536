package dev.datashard;

/** Input that does not fit the table (wrong type, missing required value, unknown column...). Nothing was changed. */
public final class ValidationException extends DataShardException {
  public ValidationException(String message) {
    super(message);
  }

  public ValidationException(String message, Throwable cause) {
    super(message, cause);
  }
}
