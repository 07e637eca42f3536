package dev.datashard;

/**
 * The store did not tell whether a commit was published and DataShard could not find out either.
 * Reload the table and look for the commit id in the snapshot summaries before retrying.
 */
public final class AmbiguousCommitException extends DataShardException {
  public AmbiguousCommitException(String message, Throwable cause) {
    super(message, cause);
  }
}
