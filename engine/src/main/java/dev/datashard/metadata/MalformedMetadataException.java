package dev.datashard.metadata;

import dev.datashard.DataShardException;

/** A metadata file (JSON or Avro) that cannot be read as what the Iceberg spec says it is. */
public final class MalformedMetadataException extends DataShardException {
  public MalformedMetadataException(String file, String problem, Throwable cause) {
    super("malformed metadata file " + file + ": " + problem, cause);
  }
}
