package dev.datashard.io;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** A storage operation failed; {@link #kind()} says why, the message names the object and the setting to check. */
public class StorageException extends RuntimeException {

  /** The causes a caller can act on differently. */
  public enum Kind {
    NOT_FOUND,
    ALREADY_EXISTS,
    NO_SUCH_BUCKET,
    ACCESS_DENIED,
    BAD_CREDENTIALS,
    UNREACHABLE,
    MISCONFIGURED,
    UNSUPPORTED,
    AMBIGUOUS,
    TRANSIENT,
    IO
  }

  private final Kind kind;

  public StorageException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public StorageException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }

  /** Waits for a future and rethrows its failure unwrapped, so callers see the storage error itself. */
  public static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException(Kind.IO, "interrupted while waiting for storage", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new StorageException(Kind.IO, cause.getMessage(), cause);
    }
  }

  /** The first cause below any layers of {@link ExecutionException}/{@link CompletionException}. */
  public static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof ExecutionException || current instanceof CompletionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
