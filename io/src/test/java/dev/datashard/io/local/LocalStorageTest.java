package dev.datashard.io.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.datashard.io.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageTest {
  @TempDir
  Path root;

  @Test
  void writesCreateMissingDirectories() {
    try (LocalStorage storage = new LocalStorage(root, true)) {
      String location = LocalStorage.locationOf(root.resolve("a/b/c/manifest.avro"));
      storage.write(location, bytes("manifest"));
      assertThat(storage.read(location)).isEqualTo(bytes("manifest"));
      assertThat(storage.publish(LocalStorage.locationOf(root.resolve("x/y/v1.metadata.json")), bytes("{}"))).isTrue();
    }
  }

  @RepeatedTest(20)
  void concurrentFirstWritesIntoAMissingDirectoryAllSucceed() throws Exception {
    int writers = 8;
    CyclicBarrier start = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try (LocalStorage storage = new LocalStorage(root, false)) {
      List<Future<Path>> done = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String file = LocalStorage.locationOf(root.resolve("t/a/b/metadata/m" + i + ".avro"));
        String data = LocalStorage.locationOf(root.resolve("t/a/b/data/" + i + ".parquet"));
        done.add(pool.submit(() -> {
          start.await();
          storage.write(file, bytes("m"));
          return storage.stagingDirectory(data);
        }));
      }
      for (Future<Path> writer : done) {
        assertThat(writer.get()).isEmptyDirectory();
      }
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> manifests = Files.list(root.resolve("t/a/b/metadata"))) {
      assertThat(manifests).hasSize(writers);
    }
  }

  @Test
  void aHintIsReplacedWholeEvenWhenItGetsShorter() throws IOException {
    try (LocalStorage storage = new LocalStorage(root, true)) {
      String hint = LocalStorage.locationOf(root.resolve("metadata/version-hint.text"));
      storage.replaceAsync(hint, bytes("100")).join();
      storage.replaceAsync(hint, bytes("99")).join();
      assertThat(storage.read(hint)).isEqualTo(bytes("99"));
    }
    try (Stream<Path> files = Files.list(root.resolve("metadata"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("version-hint.text");
    }
  }

  @Test
  void writesAfterCloseFailWithAClearErrorAndLeaveNoStagingDirectory() throws IOException {
    String target = LocalStorage.locationOf(root.resolve("table/data/1.parquet"));
    LocalStorage storage = new LocalStorage(root, true);
    Path staging = storage.stagingDirectory(target);
    Path staged = Files.write(staging.resolve("part-0.parquet"), bytes("data"));
    storage.close();
    assertThatThrownBy(() -> storage.putFile(staged, target).join())
        .hasCauseInstanceOf(StorageException.class).hasMessageContaining("the store is closed");
    assertThat(staging).doesNotExist();
    assertThatThrownBy(() -> storage.writeAsync(LocalStorage.locationOf(root.resolve("table/m.avro")), bytes("m")).join())
        .hasMessageContaining("the store is closed");
  }

  @Test
  void publishWaitsForItsPrerequisitesAndPublishesNothingWhenOneFailed() throws IOException {
    try (LocalStorage storage = new LocalStorage(root, true)) {
      String v1 = LocalStorage.locationOf(root.resolve("metadata/v1.metadata.json"));
      CompletableFuture<Void> failedUpload = CompletableFuture.failedFuture(
          new StorageException(StorageException.Kind.IO, "disk full while writing the manifest"));
      assertThatThrownBy(() -> storage.publish(v1, bytes("{}"), failedUpload))
          .isInstanceOf(StorageException.class).hasMessageContaining("disk full");
      assertThat(storage.exists(v1)).isFalse();
      try (Stream<Path> left = Files.list(root.resolve("metadata"))) {
        assertThat(left).as("no temporary file left behind").isEmpty();
      }

      CompletableFuture<Void> pending = new CompletableFuture<>();
      CompletableFuture<Boolean> publish = CompletableFuture.supplyAsync(() -> storage.publish(v1, bytes("{}"), pending));
      assertThat(publish).isNotDone();
      assertThat(storage.exists(v1)).isFalse();
      pending.complete(null);
      assertThat(publish.join()).isTrue();
      assertThat(storage.publish(v1, bytes("{}"), CompletableFuture.completedFuture(null))).isFalse();
    }
  }

  @Test
  void stagingDirectoriesAreReusedOnceEmptyAndRemovedOnClose() throws IOException {
    Path data = root.resolve("table/data");
    String first = LocalStorage.locationOf(data.resolve("1.parquet"));
    String second = LocalStorage.locationOf(data.resolve("2.parquet"));
    try (LocalStorage storage = new LocalStorage(root, true)) {
      Path staging = storage.stagingDirectory(first);
      storage.putFile(Files.write(staging.resolve("part-0.parquet"), bytes("one")), first).join();
      assertThat(storage.stagingDirectory(second)).isEqualTo(staging).isEmptyDirectory();
      storage.putFile(Files.write(staging.resolve("part-0.parquet"), bytes("two")), second).join();
      assertThat(storage.read(second)).isEqualTo(bytes("two"));
    }
    try (Stream<Path> left = Files.list(data)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1.parquet", "2.parquet");
    }
  }

  @Test
  void aFailedMoveDiscardsItsStagingDirectory() throws IOException {
    String target = LocalStorage.locationOf(root.resolve("table/data/1.parquet"));
    try (LocalStorage storage = new LocalStorage(root, false)) {
      Path staging = storage.stagingDirectory(target);
      Path missing = staging.resolve("never-written.parquet");
      assertThatThrownBy(() -> storage.putFile(missing, target).join())
          .hasRootCauseInstanceOf(java.nio.file.NoSuchFileException.class);
      assertThat(staging).doesNotExist();
      assertThat(storage.stagingDirectory(target)).isNotEqualTo(staging).isEmptyDirectory();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void listingPassesOverFilesThatVanishMeanwhile() throws Exception {
    Path data = Files.createDirectories(root.resolve("t/data"));
    ExecutorService churn = Executors.newSingleThreadExecutor();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    try (LocalStorage storage = new LocalStorage(root, false)) {
      Future<?> writer = churn.submit(() -> {
        for (int i = 0; !stop.get(); i++) {
          Path temp = Files.createDirectories(data.resolve(".tmp-" + (i % 8))).resolve("f");
          Files.write(temp, new byte[] {1});
          Files.delete(temp);
          Files.delete(temp.getParent());
        }
        return null;
      });
      for (int i = 0; i < 300; i++) {
        storage.list(LocalStorage.locationOf(root.resolve("t")) + "/");
        storage.removeAbandonedDirectories(LocalStorage.locationOf(root.resolve("t")) + "/", 0, true);
      }
      stop.set(true);
      writer.get();
    } finally {
      stop.set(true);
      churn.shutdownNow();
    }
  }
}
