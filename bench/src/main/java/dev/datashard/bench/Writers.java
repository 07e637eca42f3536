package dev.datashard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** A fixed set of writer threads that run one task each per round, all at once. */
final class Writers implements AutoCloseable {
  private final int count;
  private final ExecutorService threads;

  Writers(int count) {
    this.count = count;
    this.threads = Executors.newFixedThreadPool(count);
  }

  /** Runs {@code task(writer)} for every writer concurrently and waits for all of them. */
  void round(IntConsumer task) {
    List<Future<?>> running = new ArrayList<>(count);
    for (int writer = 0; writer < count; writer++) {
      int id = writer;
      running.add(threads.submit(() -> task.accept(id)));
    }
    try {
      for (Future<?> future : running) {
        future.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writers were appending", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a writer failed", e.getCause());
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
