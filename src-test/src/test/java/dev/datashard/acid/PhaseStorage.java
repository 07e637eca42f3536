package dev.datashard.acid;

import dev.datashard.io.ForwardingStorage;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A storage that passes everything through, but can be armed to stop a writer dead at one step
 * of a commit, so that the test can kill the process at exactly that moment. The steps, in the
 * order an append takes them:
 *
 * <ol>
 *   <li>{@link Phase#DATA}: the Parquet file is written locally but not yet in place</li>
 *   <li>{@link Phase#MANIFEST}: the data file and the manifest are stored</li>
 *   <li>{@link Phase#MANIFEST_LIST}: the manifest list of an attempt is stored too</li>
 *   <li>{@link Phase#PUBLISH}: about to publish the next metadata version</li>
 *   <li>{@link Phase#PUBLISHED}: the new version is published (the commit is visible) but the
 *       writer has not acknowledged it</li>
 * </ol>
 *
 * <p>When armed step {@code phase} is reached during commit {@code seq} or later, the storage
 * reports it and then blocks the committing thread forever.
 */
final class PhaseStorage extends ForwardingStorage {
  enum Phase {
    DATA, MANIFEST, MANIFEST_LIST, PUBLISH, PUBLISHED;

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Phase of(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  private final Consumer<Phase> onPause;
  private volatile Phase armedPhase;
  private volatile long armedSeq = Long.MAX_VALUE;
  private volatile long currentSeq = -1;

  PhaseStorage(Storage delegate, Consumer<Phase> onPause) {
    super(delegate);
    this.onPause = onPause;
  }

  void arm(Phase phase, long fromSeq) {
    armedSeq = fromSeq;
    armedPhase = phase;
  }

  void currentSeq(long seq) {
    currentSeq = seq;
  }

  private void checkpoint(Phase phase) {
    if (phase == armedPhase && currentSeq >= armedSeq) {
      onPause.accept(phase);
      while (true) { // until the test kills this process
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StorageException(StorageException.Kind.IO, "interrupted while paused at " + phase);
        }
      }
    }
  }

  @Override
  public CompletableFuture<Void> writeAsync(String location, byte[] data) {
    CompletableFuture<Void> write = delegate.writeAsync(location, data);
    if (location.endsWith("-m0.avro")) {
      StorageException.join(write);
      checkpoint(Phase.MANIFEST);
    } else if (location.contains("/metadata/snap-")) {
      StorageException.join(write);
      checkpoint(Phase.MANIFEST_LIST);
    }
    return write;
  }

  @Override
  public boolean publish(String location, byte[] data) {
    boolean commit = location.endsWith(".metadata.json");
    if (commit) {
      checkpoint(Phase.PUBLISH);
    }
    boolean published = delegate.publish(location, data);
    if (commit && published) {
      checkpoint(Phase.PUBLISHED);
    }
    return published;
  }

  @Override
  public CompletableFuture<Void> putFile(Path stagedFile, String location) {
    if (location.contains("/data/")) {
      checkpoint(Phase.DATA);
    }
    return delegate.putFile(stagedFile, location);
  }
}
