package dev.datashard.projects;

import static dev.datashard.projects.ExternalProject.property;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds and runs a project outside this reactor (src/test/resources/consumer) that depends on
 * datashard-engine as a user would, against the artifacts the outer build installed in the local
 * repository: {@code mvn -o package}, then {@code java --add-opens=... -cp ...}. A broken pom
 * (a scope, a missing transitive dependency, a version the build did not test) or a missing JVM
 * flag fails here, not at a user's.
 */
class ConsumerProjectTest {
  @TempDir Path workDir;

  @Test
  void aProjectDependingOnDataShardEngineBuildsOfflineAndRuns() throws Exception {
    Path project = ExternalProject.copy("consumer", workDir.resolve("consumer"));
    String version = property("consumer.datashardVersion");
    String duckDbVersion = property("consumer.duckdbVersion");
    Path reactor = Path.of(property("consumer.reactorRoot"));
    assertInstalledFromThisBuild(reactor, "io", version);
    assertInstalledFromThisBuild(reactor, "engine", version);

    // Offline: everything the project needs must already be in the local repository, as it is for
    // a user right after the README's build.
    ExternalProject.run(project, Duration.ofMinutes(5), ExternalProject.mvn(
        "-o", "-q", "-B", "-Ddatashard.version=" + version, "-Dduckdb.version=" + duckDbVersion, "package"));

    // A user gets the versions this build tested: the engine's run-time jars (less the CLI's
    // optional logging binding), the engine itself, and the DuckDB the project brings.
    Set<String> expectedJars = jarNames(reactor.resolve("engine/target/lib"));
    expectedJars.removeIf(jar -> jar.startsWith("slf4j-simple-"));
    expectedJars.add("datashard-engine-" + version + ".jar");
    expectedJars.add("duckdb_jdbc-" + duckDbVersion + ".jar");
    assertThat(jarNames(project.resolve("target/lib"))).as("the consumer's run-time jars")
        .containsExactlyElementsOf(expectedJars);

    String classPath = project.resolve("target/classes") + File.pathSeparator + project.resolve("target/lib/*");
    String output = ExternalProject.run(project, Duration.ofMinutes(2), List.of(
        ExternalProject.java(), "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", classPath,
        "example.Main", workDir.resolve("warehouse").toString()));

    // user_id 0..999; below 500: 250 even ids (login) summing to 62250, 250 odd ones (logout) to 62500.
    assertThat(ExternalProject.results(output)).containsExactly(
        "rowCount=1000",
        "scannedRows=1000",
        "duckdb=login,250,62250",
        "duckdb=logout,250,62500");
  }

  /**
   * The local repository is shared by every build on the machine: another checkout's install may
   * have replaced this build's artifacts, which would make the comparisons below about other code.
   */
  private static void assertInstalledFromThisBuild(Path reactor, String module, String version) throws IOException {
    String artifact = "datashard-" + module + "-" + version;
    Path installed = Path.of(property("external.localRepository"), "dev", "datashard", "datashard-" + module, version);
    String replaced = "the local repository's %s is not this build's (another checkout installed over it?); "
        + "run mvn install again";
    assertThat(Files.mismatch(installed.resolve(artifact + ".pom"), reactor.resolve(module + "/pom.xml")))
        .as(replaced, artifact + ".pom").isEqualTo(-1);
    assertThat(Files.mismatch(installed.resolve(artifact + ".jar"), reactor.resolve(module + "/target/" + artifact + ".jar")))
        .as(replaced, artifact + ".jar").isEqualTo(-1);
  }

  private static Set<String> jarNames(Path dir) throws IOException {
    try (Stream<Path> jars = Files.list(dir)) {
      return jars.map(jar -> jar.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
