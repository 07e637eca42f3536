package dev.datashard.projects;

import static dev.datashard.projects.ExternalProject.property;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The user's project under src/test/resources/consumer (one dependency on datashard-engine, DuckDB
 * of its own), and what any build of it must give: the run-time jars this build tested, and the
 * program's results. ConsumerProjectTest builds it with Maven, GradleConsumerIT with Gradle.
 */
final class ConsumerProject {
  /** user_id 0..999; below 500: 250 even ids (login) summing to 62250, 250 odd ones (logout) to 62500. */
  static final List<String> RESULTS = List.of(
      "rowCount=1000",
      "scannedRows=1000",
      "duckdb=login,250,62250",
      "duckdb=logout,250,62500");

  private ConsumerProject() {}

  /** A copy of the project in {@code target}, once this build's artifacts are checked to be installed. */
  static Path copy(Path target) throws IOException, URISyntaxException {
    assertInstalledFromThisBuild("io");
    assertInstalledFromThisBuild("engine");
    return ExternalProject.copy("consumer", target);
  }

  static String datashardVersion() {
    return property("consumer.datashardVersion");
  }

  static String duckDbVersion() {
    return property("consumer.duckdbVersion");
  }

  /**
   * The run-time jars a user must get: the engine's (less the CLI's optional logging binding), the
   * engine itself, and the DuckDB the project brings.
   */
  static Set<String> expectedRunTimeJars() throws IOException {
    Set<String> jars = jarNames(reactor().resolve("engine/target/lib"));
    jars.removeIf(jar -> jar.startsWith("slf4j-simple-"));
    jars.add("datashard-engine-" + datashardVersion() + ".jar");
    jars.add("duckdb_jdbc-" + duckDbVersion() + ".jar");
    return jars;
  }

  static Set<String> jarNames(Path dir) throws IOException {
    try (Stream<Path> jars = Files.list(dir)) {
      return jars.map(jar -> jar.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Path reactor() {
    return Path.of(property("consumer.reactorRoot"));
  }

  /**
   * The local repository is shared by every build on the machine: another checkout's install may
   * have replaced this build's artifacts, which would make the comparisons about other code.
   */
  private static void assertInstalledFromThisBuild(String module) throws IOException {
    String artifact = "datashard-" + module + "-" + datashardVersion();
    Path installed = Path.of(property("external.localRepository"), "dev", "datashard", "datashard-" + module,
        datashardVersion());
    String replaced = "the local repository's %s is not this build's (another checkout installed over it?); "
        + "run mvn install again";
    assertThat(Files.mismatch(installed.resolve(artifact + ".pom"), reactor().resolve(module + "/pom.xml")))
        .as(replaced, artifact + ".pom").isEqualTo(-1);
    assertThat(Files.mismatch(installed.resolve(artifact + ".jar"),
        reactor().resolve(module + "/target/" + artifact + ".jar")))
        .as(replaced, artifact + ".jar").isEqualTo(-1);
  }
}
