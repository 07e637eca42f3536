package dev.datashard.projects;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    Path project = ConsumerProject.copy(workDir.resolve("consumer"));

    // Offline: everything the project needs must already be in the local repository, as it is for
    // a user right after the README's build.
    ExternalProject.run(project, Duration.ofMinutes(5), ExternalProject.mvn("-o", "-q", "-B",
        "-Ddatashard.version=" + ConsumerProject.datashardVersion(),
        "-Dduckdb.version=" + ConsumerProject.duckDbVersion(), "package"));
    assertThat(ConsumerProject.jarNames(project.resolve("target/lib"))).as("the consumer's run-time jars")
        .containsExactlyElementsOf(ConsumerProject.expectedRunTimeJars());

    String classPath = project.resolve("target/classes") + File.pathSeparator + project.resolve("target/lib/*");
    String output = ExternalProject.run(project, Duration.ofMinutes(2), List.of(
        ExternalProject.java(), "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", classPath,
        "example.Main", workDir.resolve("warehouse").toString()));
    assertThat(ExternalProject.results(output)).containsExactlyElementsOf(ConsumerProject.RESULTS);
  }
}
