package dev.datashard.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The machine the report is rendered on (the one that ran the benchmarks: run.sh does both). */
final class Machine {
  private Machine() {}

  static String describe() {
    String cpu = procLine("/proc/cpuinfo", "model name").map(l -> l.substring(l.indexOf(':') + 1).trim())
        .orElse(System.getProperty("os.arch"));
    String memory = procLine("/proc/meminfo", "MemTotal").map(l -> {
      long kib = Long.parseLong(l.replaceAll("\\D", ""));
      return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
    }).orElse("unknown");
    return Runtime.getRuntime().availableProcessors() + " cores (nproc), CPU " + cpu + ", " + memory
        + " memory, " + System.getProperty("os.name") + " " + System.getProperty("os.version");
  }

  private static Optional<String> procLine(String file, String key) {
    try {
      return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(key)).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
