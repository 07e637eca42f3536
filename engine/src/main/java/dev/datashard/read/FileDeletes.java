package dev.datashard.read;

import dev.datashard.Schema;
import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.metadata.DeleteFile;
import dev.datashard.plan.FileScanTask;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The rows of one data file its delete files remove, for a caller that reads the file's own rows
 * in order (a row-level delete deciding which rows are still there to delete).
 */
public final class FileDeletes {
  private final RowDeletes deletes;

  private FileDeletes(RowDeletes deletes) {
    this.deletes = deletes;
  }

  /**
   * Reads the task's delete files.
   *
   * @param columns the columns of the batches that {@link #deleted} is given: the equality
   *     deletes' columns must be among them
   */
  public static FileDeletes load(FileScanTask task, Schema columns, BufferAllocator allocator, Storage storage,
      String tableLocation) {
    return new FileDeletes(new DeleteLoader(allocator, storage, tableLocation, columns).forTask(task));
  }

  /** What a position delete file deletes: the sorted positions, per data file (a table copy rewrites them). */
  public static Map<Location, long[]> positionsIn(DeleteFile positionDeletes, BufferAllocator allocator,
      Storage storage, String tableLocation) {
    Schema columns = new Schema(List.of(DeleteLoader.FILE_PATH, DeleteLoader.POS));
    return new DeleteLoader(allocator, storage, tableLocation, columns).readPositions(positionDeletes);
  }

  /** The rows of {@code batch} that are deleted; its first row is at {@code firstRow} of the file. */
  public BitSet deleted(VectorSchemaRoot batch, long firstRow) {
    return deletes.deleted(batch, firstRow);
  }
}
