package dev.datashard.commit;

import static java.util.Objects.requireNonNull;

import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.metadata.DataFile;
import java.util.concurrent.CompletableFuture;

/**
 * A data file for a commit: one this process wrote, whose move or upload to its final location
 * may still be running, or an existing file the commit only references.
 *
 * @param owned whether the commit wrote the file, and so deletes it when the commit fails
 */
public record PendingFile(DataFile file, CompletableFuture<Void> upload, boolean owned) {
  public PendingFile {
    requireNonNull(file, "file");
    requireNonNull(upload, "upload");
  }

  /** Deletes the file if this commit wrote it, once its move or upload has settled. */
  public void discard(Storage storage) {
    if (owned) {
      upload.handle((ok, failure) -> null).join();
      try {
        storage.delete(file.location());
      } catch (StorageException e) {
        // An unreferenced leftover; orphan removal deletes it.
      }
    }
  }
}
