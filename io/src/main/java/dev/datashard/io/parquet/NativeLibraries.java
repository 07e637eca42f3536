package dev.datashard.io.parquet;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads Arrow's native libraries, arrow-dataset's (about 76 MB) and the C data interface's, from a
 * per-user cache, {@code ~/.cache/datashard/native/<crc32>-<size>/} (or under
 * {@code $XDG_CACHE_HOME}), keyed by the checksum and size the jar records for each. Arrow's own
 * loaders copy each into a new temporary file on every start, which a killed process leaves
 * behind, and which cost a scan's start about a quarter of a second each. The cache is written to a partial file and renamed into place, so
 * concurrent or killed processes never see half a library. If anything here fails, Arrow's loader
 * runs as before.
 */
final class NativeLibraries {
  private static final Logger LOG = LoggerFactory.getLogger(NativeLibraries.class);
  /** A library, its name in the jar, the Arrow loader that would unpack it, and whether that loader registers the S3 shutdown hook. */
  enum Library {
    DATASET("arrow_dataset_jni", org.apache.arrow.dataset.jni.JniLoader.class, true),
    C_DATA("arrow_cdata_jni", org.apache.arrow.c.jni.JniLoader.class, false);

    private final String name;
    private final Class<?> loader;
    private final boolean s3Hook;

    Library(String name, Class<?> loader, boolean s3Hook) {
      this.name = name;
      this.loader = loader;
      this.s3Hook = s3Hook;
    }

    String fileName() {
      return System.mapLibraryName(name);
    }

    String resource() {
      return name + "/" + arch() + "/" + fileName();
    }
  }

  private static final String PARTIAL = ".partial";
  private static boolean loaded;

  private NativeLibraries() {}

  /** Loads the libraries once per JVM, before anything of Arrow's asks its loaders for them. */
  static synchronized void ensureLoaded() {
    if (loaded) {
      return;
    }
    loaded = true;
    for (Library library : Library.values()) {
      try {
        System.load(cached(library, cacheRoot()).toString());
        skipArrowsLoader(library);
      } catch (IOException | ReflectiveOperationException | RuntimeException | UnsatisfiedLinkError e) {
        LOG.debug("{} not loaded from the cache; Arrow's loader unpacks it", library.name, e);
      }
    }
  }

  /** {@code $XDG_CACHE_HOME/datashard}, else {@code ~/.cache/datashard}. */
  static Path cacheRoot() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("datashard");
  }

  /** The library as a file: in the cache under {@code root}, unpacked there first if needed; or the resource itself if it is a file. */
  static Path cached(Library lib, Path root) throws IOException {
    String resource = lib.resource();
    URL url = lib.loader.getClassLoader().getResource(resource);
    if (url == null) {
      throw new IOException(resource + " is not on the class path");
    }
    URLConnection connection = url.openConnection();
    if (!(connection instanceof JarURLConnection jar)) {
      try {
        return Path.of(url.toURI());
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new IOException("cannot use " + url + " as a file", e);
      }
    }
    JarEntry entry = jar.getJarEntry();
    if (entry.getCrc() < 0 || entry.getSize() < 0) {
      throw new IOException(url + ": the jar does not record the library's checksum");
    }
    Path directory = root.resolve("native").resolve(String.format(Locale.ROOT, "%08x-%d", entry.getCrc(), entry.getSize()));
    Path library = directory.resolve(lib.fileName());
    if (Files.isRegularFile(library) && Files.size(library) == entry.getSize()) {
      return library;
    }
    Files.createDirectories(directory);
    removeAbandonedPartials(directory);
    Path partial = directory.resolve(library.getFileName() + "." + ProcessHandle.current().pid() + PARTIAL);
    try (InputStream in = connection.getInputStream()) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
    return library;
  }

  /** Deletes partial copies whose process is gone (killed while unpacking). */
  private static void removeAbandonedPartials(Path directory) throws IOException {
    try (DirectoryStream<Path> partials = Files.newDirectoryStream(directory, "*" + PARTIAL)) {
      for (Path partial : partials) {
        String name = partial.getFileName().toString();
        String pid = name.substring(name.lastIndexOf('.', name.length() - PARTIAL.length() - 1) + 1,
            name.length() - PARTIAL.length());
        try {
          if (ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
            Files.deleteIfExists(partial);
          }
        } catch (NumberFormatException notOurs) {
          // Left alone: not a name this class writes.
        }
      }
    }
  }

  /** Arrow's names for the machine (its jar's directories). */
  private static String arch() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64" -> "aarch_64";
      default -> arch;
    };
  }

  /**
   * Tells Arrow's loader the library is loaded (it has no public way), and registers the S3
   * shutdown hook it would have registered.
   */
  private static void skipArrowsLoader(Library library) throws ReflectiveOperationException {
    Object loader = library.loader.getMethod("get").invoke(null);
    Field remaining = library.loader.getDeclaredField("librariesToLoad");
    remaining.setAccessible(true);
    synchronized (loader) {
      ((Set<?>) remaining.get(loader)).remove(library.name);
    }
    if (library.s3Hook) {
      Method s3Hook = library.loader.getDeclaredMethod("ensureS3FinalizedOnShutdown");
      s3Hook.setAccessible(true);
      s3Hook.invoke(loader);
    }
  }
}
