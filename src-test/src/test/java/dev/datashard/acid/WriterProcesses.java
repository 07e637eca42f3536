package dev.datashard.acid;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The multi-process tests' fixture: the test's allocator and the writer processes it starts,
 * every one closed (killed if still running) after the test, then the allocator, with a check
 * that no Arrow memory leaked. Register it as a field:
 * {@code @RegisterExtension final WriterProcesses fixture = new WriterProcesses();}
 */
final class WriterProcesses implements BeforeEachCallback, AfterEachCallback {
  private final List<WriterProcess> processes = new ArrayList<>();
  private RootAllocator allocator;

  @Override
  public void beforeEach(ExtensionContext context) {
    allocator = new RootAllocator();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    processes.forEach(WriterProcess::close);
    processes.clear();
    allocator.close();
  }

  RootAllocator allocator() {
    return allocator;
  }

  /** The processes started so far; add each one started, so it is closed after the test. */
  List<WriterProcess> processes() {
    return processes;
  }
}
