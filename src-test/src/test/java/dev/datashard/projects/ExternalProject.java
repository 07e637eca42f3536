package dev.datashard.projects;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Maven project kept under src/test/resources, outside this reactor, that a test copies, builds
 * with the outer build's Maven and local repository, and runs in a JVM of its own.
 */
final class ExternalProject {
  private ExternalProject() {}

  /** Copies the project in resource folder {@code name} to {@code target}. */
  static Path copy(String name, Path target) throws IOException, URISyntaxException {
    Path source = Path.of(ExternalProject.class.getResource("/" + name + "/pom.xml").toURI()).getParent();
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(source)) {
      walk.forEach(paths::add);
    }
    for (Path path : paths) {
      Path copy = target.resolve(source.relativize(path).toString());
      try {
        if (Files.isDirectory(path)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(path, copy);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return target;
  }

  /** The outer build's Maven with the outer build's local repository, followed by {@code args}. */
  static List<String> mvn(String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(property("external.mavenHome"), "bin", "mvn").toString(),
        "-Dmaven.repo.local=" + property("external.localRepository")));
    command.addAll(List.of(args));
    return command;
  }

  /** This JVM's java launcher. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Runs {@code command} in {@code dir}; returns its stdout and stderr, failing on a non-zero exit. */
  static String run(Path dir, Duration timeout, List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir.getParent(), "process", ".log");
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as("%s finished within %s; output:%n%s", command, timeout, output).isTrue();
    assertThat(process.exitValue()).as("exit code of %s; output:%n%s", command, output).isZero();
    return output;
  }

  /** The "key=value" lines of a program's output (what the external programs print as results). */
  static List<String> results(String output) {
    return output.lines().filter(line -> line.matches("\\w+=.*")).toList();
  }

  /** A system property the pom sets for Surefire; fails when it is missing. */
  static String property(String name) {
    String value = System.getProperty(name);
    assertThat(value).as("system property %s (set by src-test's pom for Surefire)", name).isNotBlank();
    return value;
  }
}
