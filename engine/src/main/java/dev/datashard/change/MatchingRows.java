package dev.datashard.change;

import dev.datashard.Schema;
import dev.datashard.expressions.BoundFilter;
import dev.datashard.io.Storage;
import dev.datashard.plan.FileScanTask;
import dev.datashard.plan.Projection;
import dev.datashard.plan.RowGroups;
import dev.datashard.plan.ScanPlan;
import dev.datashard.read.FileDeletes;
import dev.datashard.read.PlanReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Finds the rows of a data file that a filter matches and no delete file removed, reading only
 * the columns the filter and the equality deletes compare, every row group in file order: a row's
 * index in the read is its position.
 */
final class MatchingRows {
  private static final long BATCH_ROWS = 64 * 1024;

  private MatchingRows() {}

  /**
   * @param columns the filter's columns and those of the task's equality deletes (resolved in the
   *     file by field id)
   */
  static FileMatches find(FileScanTask task, BoundFilter filter, Schema columns, Storage storage,
      String tableLocation, BufferAllocator allocator) {
    FileDeletes deletes = FileDeletes.load(task, columns, allocator, storage, tableLocation);
    FileScanTask wholeFile = new FileScanTask(task.file(), RowGroups.ALL);
    ScanPlan plan = ScanPlan.ofFiles(new Projection(columns, columns), List.of(wholeFile));
    BitSet positions = new BitSet();
    long position = 0;
    long deletedRows = 0;
    try (ArrowReader reader = PlanReader.open(plan, storage, tableLocation, allocator, BATCH_ROWS, 0)) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.getVectorSchemaRoot();
        BitSet matching = filter.matchingRows(batch, columns);
        BitSet deleted = deletes.deleted(batch, position);
        matching.andNot(deleted);
        deletedRows += deleted.cardinality();
        for (int row = matching.nextSetBit(0); row >= 0; row = matching.nextSetBit(row + 1)) {
          positions.set(Math.toIntExact(position + row));
        }
        position += batch.getRowCount();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new FileMatches(task, position - deletedRows, positions);
  }
}
