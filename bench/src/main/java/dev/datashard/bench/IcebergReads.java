package dev.datashard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.arrow.vector.IntVector;
import org.apache.iceberg.Table;
import org.apache.iceberg.arrow.vectorized.ColumnVector;
import org.apache.iceberg.arrow.vectorized.ColumnarBatch;
import org.apache.iceberg.arrow.vectorized.VectorizedTableScanIterable;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;

/** Full scans of an Iceberg table through its two Java readers, every value read ({@link Touch}). */
public final class IcebergReads {
  /** Rows per batch of the vectorized reader: DataShard's default scan batch size. */
  public static final int BATCH_ROWS = 64 * 1024;

  private IcebergReads() {}

  /** The generic row reader ({@code iceberg-data}): one {@link Record} per row. */
  public static long generic(Table table) {
    long sum = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record row : rows) {
        sum += (Long) row.get(0) + Touch.string((CharSequence) row.get(1)) + (Long) row.get(2);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sum;
  }

  /** The vectorized Arrow reader ({@code iceberg-arrow}). */
  public static long arrow(Table table) {
    long sum = 0;
    try (VectorizedTableScanIterable scan = new VectorizedTableScanIterable(table.newScan(), BATCH_ROWS, false);
        CloseableIterator<ColumnarBatch> batches = scan.iterator()) {
      while (batches.hasNext()) {
        try (ColumnarBatch batch = batches.next()) {
          for (int c = 0; c < batch.numCols(); c++) {
            sum += touch(batch.column(c), batch.numRows());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sum;
  }

  /**
   * A string column whose Parquet pages are all dictionary-encoded (here: {@code event}) arrives
   * as an int vector of dictionary ids (the schema has no int column); its values are only
   * reachable through Iceberg's accessor, which decodes them.
   */
  private static long touch(ColumnVector column, int rows) {
    if (!(column.getFieldVector() instanceof IntVector)) {
      return Touch.vector(column.getFieldVector(), rows);
    }
    long sum = 0;
    for (int i = 0; i < rows; i++) {
      sum += Touch.string(column.getString(i));
    }
    return sum;
  }
}
