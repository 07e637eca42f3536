package dev.datashard.bench.report;

import java.util.List;
import java.util.Optional;

/** Lookup of JMH results by benchmark name and parameters. */
record Results(List<JmhResult> all) {

  /** The result of {@code name} with these {@code key=value} parameters (absent keys match). */
  Optional<JmhResult> find(String name, String... params) {
    return all.stream().filter(r -> r.name().equals(name) && matches(r, params)).findFirst();
  }

  /** Distinct values of a parameter among results whose name starts with {@code prefix}. */
  List<String> values(String prefix, String param) {
    return all.stream().filter(r -> r.name().startsWith(prefix) && r.params().containsKey(param))
        .map(r -> r.param(param)).distinct().toList();
  }

  private static boolean matches(JmhResult result, String[] params) {
    for (String param : params) {
      String[] kv = param.split("=", 2);
      if (result.params().containsKey(kv[0]) && !result.param(kv[0]).equals(kv[1])) {
        return false;
      }
    }
    return true;
  }
}
