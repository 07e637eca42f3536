package dev.datashard.arrow;

import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.ValidationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Presents a caller's Arrow batches to the Parquet writer as the table's columns: matched by name,
 * in table order, with field ids in the schema, absent optional columns as nulls. The caller's
 * buffers are passed through, never copied. Each batch is validated (types, required values,
 * times of day) and, unless the caller measures slices itself, measured for column statistics on
 * its way through.
 */
public final class AppendReader extends ArrowReader {
  private final Schema tableSchema;
  private final org.apache.arrow.vector.types.pojo.Schema arrowSchema;
  private final ArrowReader source;
  private final ColumnStatistics statistics;
  private final boolean collectStatistics;
  private final List<FieldVector> ownedNullColumns = new ArrayList<>();
  private VectorSchemaRoot view;
  private VectorSchemaRoot emptyRoot;
  private int[] sourceIndex;
  private int batchNumber;
  private ValidationException failure;

  public AppendReader(BufferAllocator allocator, Schema tableSchema, ArrowReader source) {
    this(allocator, tableSchema, source, true);
  }

  /** @param collectStatistics whether {@link #statistics()} measures every batch */
  public AppendReader(BufferAllocator allocator, Schema tableSchema, ArrowReader source, boolean collectStatistics) {
    super(allocator);
    this.tableSchema = tableSchema;
    this.arrowSchema = ArrowSchemas.toArrow(tableSchema);
    this.source = source;
    this.statistics = new ColumnStatistics(tableSchema);
    this.collectStatistics = collectStatistics;
  }

  /** The table's schema as Arrow fields: the schema of every batch this reader serves. */
  public org.apache.arrow.vector.types.pojo.Schema arrowSchema() {
    return arrowSchema;
  }

  /** The validation error that stopped the stream, if any. */
  public ValidationException failure() {
    return failure;
  }

  public ColumnStatistics statistics() {
    return statistics;
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    if (view == null) {
      // Asked for the schema before the first batch: an empty root of the table's shape.
      emptyRoot = VectorSchemaRoot.create(arrowSchema, allocator);
      view = emptyRoot;
    }
    return view;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    try {
      if (!source.loadNextBatch()) {
        return false;
      }
      VectorSchemaRoot batch = source.getVectorSchemaRoot();
      if (sourceIndex == null) {
        sourceIndex = matchColumns(batch.getSchema());
      }
      batchNumber++;
      closeNullColumns();
      int rows = batch.getRowCount();
      List<FieldVector> vectors = new ArrayList<>(sourceIndex.length);
      for (int c = 0; c < sourceIndex.length; c++) {
        Field field = tableSchema.fields().get(c);
        FieldVector vector;
        if (sourceIndex[c] < 0) {
          vector = ArrowSchemas.toArrow(field).createVector(allocator);
          vector.allocateNew();
          vector.setValueCount(rows);
          ownedNullColumns.add(vector);
        } else {
          vector = batch.getVector(sourceIndex[c]);
          checkRequired(field, vector, rows);
          TimeOfDayCheck.check(field, vector, rows, batchNumber);
        }
        vectors.add(vector);
      }
      view = new VectorSchemaRoot(arrowSchema.getFields(), vectors, rows);
      if (collectStatistics) {
        statistics.add(view);
      }
      return true;
    } catch (ValidationException e) {
      failure = e;
      throw e;
    }
  }

  private int[] matchColumns(org.apache.arrow.vector.types.pojo.Schema given) {
    List<org.apache.arrow.vector.types.pojo.Field> fields = given.getFields();
    Set<String> known = new HashSet<>();
    int[] index = new int[tableSchema.fields().size()];
    for (int c = 0; c < index.length; c++) {
      Field field = tableSchema.fields().get(c);
      known.add(field.name());
      index[c] = -1;
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).getName().equals(field.name())) {
          index[c] = i;
        }
      }
      if (index[c] < 0 && field.required()) {
        throw new ValidationException("required column '" + field.name()
            + "' is missing from the Arrow batches");
      }
      if (index[c] >= 0) {
        org.apache.arrow.vector.types.pojo.Field expected = arrowSchema.getFields().get(c);
        org.apache.arrow.vector.types.pojo.Field actual = fields.get(index[c]);
        if (!ArrowSchemas.compatible(expected, actual)) {
          throw new ValidationException("column '" + field.name() + "' is " + field.type().typeName()
              + " in the table (Arrow " + ArrowSchemas.describe(expected) + ") but the batches hold "
              + ArrowSchemas.describe(actual));
        }
      }
    }
    for (org.apache.arrow.vector.types.pojo.Field field : fields) {
      if (!known.contains(field.getName())) {
        throw new ValidationException("unknown column '" + field.getName() + "' (table columns: "
            + String.join(", ", tableSchema.fields().stream().map(Field::name).toList()) + ")");
      }
    }
    return index;
  }

  private void checkRequired(Field field, FieldVector vector, int rows) {
    if (field.required() && vector.getNullCount() > 0) {
      int firstNull = 0;
      while (firstNull < rows && !vector.isNull(firstNull)) {
        firstNull++;
      }
      throw new ValidationException("required column '" + field.name() + "' has "
          + vector.getNullCount() + " null value(s) in batch " + batchNumber + " (first at row "
          + firstNull + ")");
    }
  }

  private void closeNullColumns() {
    ownedNullColumns.forEach(FieldVector::close);
    ownedNullColumns.clear();
  }

  private void closeOwned() {
    closeNullColumns();
    if (emptyRoot != null) {
      emptyRoot.close();
      emptyRoot = null;
    }
  }

  @Override
  public long bytesRead() {
    return source.bytesRead();
  }

  @Override
  public void close() {
    // The caller owns the source; only the vectors made here are ours.
    closeOwned();
  }

  @Override
  protected void closeReadSource() {
    closeOwned();
  }

  @Override
  protected org.apache.arrow.vector.types.pojo.Schema readSchema() {
    return arrowSchema;
  }
}
