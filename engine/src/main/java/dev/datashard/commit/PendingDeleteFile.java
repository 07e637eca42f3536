package dev.datashard.commit;

import static java.util.Objects.requireNonNull;

import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.metadata.DeleteFile;
import java.util.concurrent.CompletableFuture;

/**
 * A delete file a commit wrote, whose move or upload may still be running.
 *
 * @param specId the partition spec of the data files it applies to, which its manifest takes
 */
public record PendingDeleteFile(DeleteFile file, int specId, CompletableFuture<Void> upload) {
  public PendingDeleteFile {
    requireNonNull(file, "file");
    requireNonNull(upload, "upload");
  }

  /** Deletes the file once its move or upload has settled: the commit that wrote it failed. */
  public void discard(Storage storage) {
    upload.handle((ok, failure) -> null).join();
    try {
      storage.delete(file.location());
    } catch (StorageException e) {
      // An unreferenced leftover; orphan removal deletes it.
    }
  }
}
