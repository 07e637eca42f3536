package dev.datashard.projects;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer project built by Gradle (its build.gradle beside the pom) as a Gradle user would:
 * {@code gradle installDist}, then the start script, which must carry Arrow's JVM flag. Gradle
 * resolves versions differently from Maven (the newest requested wins, an exclusion counts only
 * when every path has it), so the jars it picks are compared with the ones this build tested.
 * Runs with {@code -Pgradle} only, with the {@code gradle} on the PATH.
 */
class GradleConsumerIT {
  @TempDir Path workDir;

  @Test
  void aGradleProjectDependingOnDataShardEngineGetsTheTestedJarsAndRuns() throws Exception {
    Path project = ConsumerProject.copy(workDir.resolve("consumer"));
    ExternalProject.run(project, Duration.ofMinutes(10), List.of(gradle(), "-q", "--no-daemon",
        "-PdatashardVersion=" + ConsumerProject.datashardVersion(),
        "-PduckdbVersion=" + ConsumerProject.duckDbVersion(), "installDist"));

    Path installed = project.resolve("build/install/consumer");
    Set<String> jars = ConsumerProject.jarNames(installed.resolve("lib"));
    jars.remove("consumer.jar"); // the project's own classes
    assertThat(jars).as("the run-time jars Gradle resolved").containsExactlyElementsOf(ConsumerProject.expectedRunTimeJars());

    String output = ExternalProject.run(project, Duration.ofMinutes(2), List.of(
        installed.resolve("bin/consumer").toString(), workDir.resolve("warehouse").toString()));
    assertThat(ExternalProject.results(output)).containsExactlyElementsOf(ConsumerProject.RESULTS);
  }

  private static String gradle() {
    return Stream.of(System.getenv("PATH").split(java.io.File.pathSeparator))
        .map(dir -> Path.of(dir, "gradle"))
        .filter(Files::isExecutable)
        .findFirst()
        .map(Path::toString)
        .orElseThrow(() -> new AssertionError(
            "GradleConsumerIT needs gradle on the PATH (Debian: apt-get install gradle); run without -Pgradle otherwise"));
  }
}
