package dev.datashard.io.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-user cache of Arrow's native libraries: unpacked once, whole, under its checksum. */
class NativeLibrariesTest {
  @TempDir Path cache;

  @Test
  void theLibraryIsUnpackedOnceUnderItsChecksumAndAbandonedPartialsGo() throws IOException {
    NativeLibraries.Library dataset = NativeLibraries.Library.DATASET;
    Path library = NativeLibraries.cached(dataset, cache);
    JarURLConnection jar = (JarURLConnection) getClass().getClassLoader().getResource(dataset.resource()).openConnection();
    long crc = jar.getJarEntry().getCrc();
    assertThat(library.getParent().getFileName().toString())
        .isEqualTo(String.format("%08x-%d", crc, jar.getJarEntry().getSize()));
    assertThat(crcOf(library)).isEqualTo(crc);

    // A process killed while unpacking left a partial copy; a live process's partial stays.
    Files.delete(library);
    long deadPid = ProcessHandle.current().pid() + 1_000_000;
    Path abandoned = Files.writeString(library.resolveSibling(library.getFileName() + "." + deadPid + ".partial"), "x");
    Path live = Files.writeString(library.resolveSibling(library.getFileName() + ".1.partial"), "x");
    assertThat(NativeLibraries.cached(dataset, cache)).isEqualTo(library);
    assertThat(abandoned).doesNotExist();
    assertThat(live).exists();

    // Found again without unpacking.
    FileTime unpacked = Files.getLastModifiedTime(library);
    Files.setLastModifiedTime(library, FileTime.fromMillis(unpacked.toMillis() - 60_000));
    NativeLibraries.cached(dataset, cache);
    assertThat(Files.getLastModifiedTime(library).toMillis()).isEqualTo(unpacked.toMillis() - 60_000);
  }

  @Test
  void theCDataLibraryHasItsOwnPlace() throws IOException {
    Path dataset = NativeLibraries.cached(NativeLibraries.Library.DATASET, cache);
    Path cData = NativeLibraries.cached(NativeLibraries.Library.C_DATA, cache);
    assertThat(cData.getFileName().toString()).isEqualTo(System.mapLibraryName("arrow_cdata_jni"));
    assertThat(cData.getParent()).isNotEqualTo(dataset.getParent());
  }

  private static long crcOf(Path file) throws IOException {
    CRC32 crc = new CRC32();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 20];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        crc.update(buffer, 0, n);
      }
    }
    return crc.getValue();
  }
}
