package dev.datashard;

/**
 * A commit could not be published: other writers kept winning until the retry budget ran out, or
 * the table changed in a way this commit cannot be rebased onto. The table is unchanged by it.
 */
public final class CommitFailedException extends DataShardException {
  public CommitFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
