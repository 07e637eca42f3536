package dev.datashard.commit;

import static java.util.Objects.requireNonNull;

import dev.datashard.metadata.DataFile;
import java.util.concurrent.CompletableFuture;

/** A data file written locally whose move or upload to its final location may still be running. */
public record PendingFile(DataFile file, CompletableFuture<Void> upload) {
  public PendingFile {
    requireNonNull(file, "file");
    requireNonNull(upload, "upload");
  }
}
