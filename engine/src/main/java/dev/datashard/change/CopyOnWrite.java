package dev.datashard.change;

import dev.datashard.commit.DataFileWriter;
import dev.datashard.expressions.BoundFilter;
import dev.datashard.expressions.FilteringReader;
import dev.datashard.io.Storage;
import dev.datashard.plan.Projection;
import dev.datashard.plan.ScanPlan;
import dev.datashard.read.PlanReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The copy-on-write half of a row-level delete: the rows of a file that the filter does not
 * match (and no delete file removed) are written again, through the writer of the change's new
 * files; the old file is then removed in the same snapshot.
 */
public final class CopyOnWrite {
  private static final long BATCH_ROWS = 64 * 1024;
  private static final long READ_AHEAD_BYTES = 64L << 20;

  private CopyOnWrite() {}

  /** Writes the surviving rows of each file of {@code files} into {@code writer}. */
  /** @param projection every column, then those only the file's equality deletes compare */
  public static void rewrite(List<FileMatches> files, Projection projection, BoundFilter filter, DataFileWriter writer,
      Storage storage, String tableLocation, BufferAllocator allocator) {
    for (FileMatches file : files) {
      ScanPlan plan = ScanPlan.ofFiles(projection, List.of(file.task().everyRowGroup()));
      ArrowReader rows = PlanReader.open(plan, storage, tableLocation, allocator, BATCH_ROWS, READ_AHEAD_BYTES);
      // The filtering reader owns the file's reader and closes it.
      try (ArrowReader surviving = new FilteringReader(allocator, rows, filter, projection.filterColumns(),
          projection.output().fields().size(), false)) {
        writer.write(surviving);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
