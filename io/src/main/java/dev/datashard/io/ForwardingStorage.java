package dev.datashard.io;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Storage} that passes every call to another; subclasses override what they add
 * (instrumentation, fault injection in tests). Closing closes the delegate.
 */
public class ForwardingStorage implements Storage {
  protected final Storage delegate;

  public ForwardingStorage(Storage delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  @Override
  public String tableLocation(String tableName) {
    return delegate.tableLocation(tableName);
  }

  @Override
  public CompletableFuture<byte[]> readAsync(String location) {
    return delegate.readAsync(location);
  }

  @Override
  public CompletableFuture<byte[]> readRangeAsync(String location, long offset, int length) {
    return delegate.readRangeAsync(location, offset, length);
  }

  @Override
  public CompletableFuture<Void> writeAsync(String location, byte[] data) {
    return delegate.writeAsync(location, data);
  }

  @Override
  public CompletableFuture<Void> replaceAsync(String location, byte[] data) {
    return delegate.replaceAsync(location, data);
  }

  @Override
  public boolean publish(String location, byte[] data) {
    return delegate.publish(location, data);
  }

  @Override
  public CompletableFuture<Void> putFile(Path stagedFile, String location) {
    return delegate.putFile(stagedFile, location);
  }

  @Override
  public CompletableFuture<LocalFile> fetch(String location) {
    return delegate.fetch(location);
  }

  @Override
  public Path stagingDirectory(String targetLocation) {
    return delegate.stagingDirectory(targetLocation);
  }

  @Override
  public List<StoredObject> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public boolean exists(String location) {
    return delegate.exists(location);
  }

  @Override
  public Location canonical(Location location) {
    return delegate.canonical(location);
  }

  @Override
  public List<String> removeAbandonedDirectories(String prefix, long olderThanMillis, boolean dryRun) {
    return delegate.removeAbandonedDirectories(prefix, olderThanMillis, dryRun);
  }

  @Override
  public void delete(String location) {
    delegate.delete(location);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
