package dev.datashard.io;

/**
 * The store may or may not have applied a conditional write: the request went out but its answer
 * was lost. Only reading the object back can tell.
 */
public final class AmbiguousWriteException extends StorageException {
  public AmbiguousWriteException(String location, Throwable cause) {
    super(Kind.AMBIGUOUS, "the answer to the conditional write of " + location
        + " was lost; the write may or may not have happened", cause);
  }
}
