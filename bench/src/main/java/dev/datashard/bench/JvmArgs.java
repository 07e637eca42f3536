package dev.datashard.bench;

/** JVM options of every benchmark fork: fixed sizes, so results do not depend on the machine's memory. */
final class JvmArgs {
  /** Arrow's memory module reads java.nio internals. */
  static final String OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED";
  static final String HEAP = "-Xmx3g";
  /** Arrow batches live off-heap: the 10-million-row ingest holds about 250 MB of them. */
  static final String DIRECT = "-XX:MaxDirectMemorySize=4g";

  private JvmArgs() {}
}
