package dev.datashard.read;

import dev.datashard.Field;
import dev.datashard.arrow.ArrowSchemas;
import dev.datashard.expressions.FilteringReader;
import dev.datashard.io.Storage;
import dev.datashard.plan.Projection;
import dev.datashard.plan.ScanPlan;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/** Reads a {@link ScanPlan}: fetches, decodes, filters and projects its files' rows as Arrow batches. */
public final class PlanReader {
  private PlanReader() {}

  /** Streams the plan's rows; the caller must close the reader. */
  public static ArrowReader open(ScanPlan plan, Storage storage, String tableLocation, BufferAllocator allocator,
      long batchSize, long readAheadBytes) {
    Projection projection = plan.projection();
    if (plan.tasks().isEmpty()) {
      return new EmptyReader(allocator, ArrowSchemas.toArrow(projection.output()));
    }
    Set<Integer> fieldIds = projection.read().fields().stream().map(Field::id).collect(Collectors.toSet());
    StreamingReader files = new StreamingReader(allocator, storage, tableLocation, plan.tasks(), fieldIds,
        ArrowSchemas.toArrow(projection.read()), batchSize, readAheadBytes);
    ArrowReader source = files;
    if (plan.tasks().stream().anyMatch(task -> !task.deletes().isEmpty())) {
      // Deletes go first: they need the file's own rows and positions, and the columns only they compare.
      source = new DeletingReader(allocator, files,
          new DeleteLoader(allocator, storage, tableLocation, projection.read()), projection.filtered());
    }
    if (plan.filter().isEmpty()) {
      return source;
    }
    // The filter's own columns are read too; only the output ones are handed out.
    return new FilteringReader(allocator, source, plan.filter().get(), projection.filterColumns(),
        projection.output().fields().size(), true);
  }

  /** A scan of nothing: the schema and no batches. */
  private static final class EmptyReader extends ArrowReader {
    private final Schema schema;

    EmptyReader(BufferAllocator allocator, Schema schema) {
      super(allocator);
      this.schema = schema;
    }

    @Override
    public boolean loadNextBatch() {
      return false;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {}

    @Override
    protected Schema readSchema() {
      return schema;
    }
  }
}
