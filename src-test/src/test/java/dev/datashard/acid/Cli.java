package dev.datashard.acid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datashard.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** The {@code datashard} CLI run in this JVM, with everything it prints captured (loggers too). */
final class Cli {
  record Result(int code, String out, String err) {
    /** Exit code 1 and one line on stderr, naming {@code names}: no stack trace, no second line. */
    Result failsWithOneLine(String... names) {
      assertThat(code).as("exit code; stderr: " + err).isEqualTo(1);
      assertThat(err.lines().toList()).as("stderr").hasSize(1);
      String line = err.strip();
      assertThat(line).startsWith("datashard: ").doesNotContain("\tat ", "Exception:", "Caused by");
      for (String name : names) {
        assertThat(line).contains(name);
      }
      return this;
    }

    /** Records the error line for ACID-NOTES.md (temporary directories shortened). */
    Result shown(String test, String what) {
      Figures.record(test, what + " -> " + err.strip().replaceAll("/tmp/junit-?\\d+", "<tmp>"));
      return this;
    }

    Result succeeds() {
      assertThat(code).as("exit code; stderr: " + err).isZero();
      return this;
    }
  }

  private Cli() {}

  static synchronized Result run(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
    ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try {
      System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
      code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    return new Result(code, out + capturedOut.toString(StandardCharsets.UTF_8),
        err + capturedErr.toString(StandardCharsets.UTF_8));
  }
}
