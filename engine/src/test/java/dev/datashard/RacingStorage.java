package dev.datashard;

import dev.datashard.io.ForwardingStorage;
import dev.datashard.io.Storage;

/** Runs another writer's commit just before this store's next publish, so that publish loses. */
final class RacingStorage extends ForwardingStorage {
  private Runnable beforeNextPublish;

  RacingStorage(Storage delegate) {
    super(delegate);
  }

  void beforeNextPublish(Runnable rival) {
    this.beforeNextPublish = rival;
  }

  @Override
  public boolean publish(String location, byte[] data) {
    Runnable rival = beforeNextPublish;
    beforeNextPublish = null;
    if (rival != null) {
      rival.run();
    }
    return super.publish(location, data);
  }
}
