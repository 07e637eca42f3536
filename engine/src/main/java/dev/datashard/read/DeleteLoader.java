package dev.datashard.read;

import dev.datashard.DataShardException;
import dev.datashard.Field;
import dev.datashard.Schema;
import dev.datashard.Type;
import dev.datashard.arrow.ArrowSchemas;
import dev.datashard.arrow.ArrowValues;
import dev.datashard.io.LocalFile;
import dev.datashard.io.Location;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageException;
import dev.datashard.io.parquet.ParquetFiles;
import dev.datashard.metadata.DeleteFile;
import dev.datashard.plan.FileScanTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Reads the delete files of one scan, each once however many data files it applies to, and
 * makes each data file's {@link RowDeletes}. Columns of delete files resolve by field id, as data
 * files' do; a position delete's {@code file_path} matches its data file by {@link Location}, so
 * the spellings writers use for one file ({@code file:/x}, {@code /x}) are one file.
 */
final class DeleteLoader {
  /** The spec's reserved columns of position delete files. */
  static final Field FILE_PATH = Field.required(DeleteFile.FILE_PATH_FIELD_ID, "file_path", Type.Primitive.STRING);
  static final Field POS = Field.required(DeleteFile.POS_FIELD_ID, "pos", Type.Primitive.LONG);
  private static final long BATCH_ROWS = 64 * 1024;

  private final BufferAllocator allocator;
  private final Storage storage;
  private final String tableLocation;
  private final Schema readSchema;
  /** Per position delete file: the sorted positions it deletes, per data file. */
  private final Map<String, Map<Location, long[]>> positionFiles = new HashMap<>();
  private final Map<String, Set<List<Object>>> equalityFiles = new HashMap<>();

  /** @param readSchema the columns of the scan's batches, equality delete columns among them */
  DeleteLoader(BufferAllocator allocator, Storage storage, String tableLocation, Schema readSchema) {
    this.allocator = allocator;
    this.storage = storage;
    this.tableLocation = tableLocation;
    this.readSchema = readSchema;
  }

  /** The rows the task's delete files remove from its data file. */
  RowDeletes forTask(FileScanTask task) {
    if (task.deletes().isEmpty()) {
      return RowDeletes.NONE;
    }
    Location data = Location.of(task.file().location());
    List<long[]> positions = new ArrayList<>();
    List<RowDeletes.EqualityDeletes> equality = new ArrayList<>();
    for (DeleteFile delete : task.deletes()) {
      switch (delete.content()) {
        case POSITION_DELETES -> {
          long[] deleted = positionFiles.computeIfAbsent(delete.location(), l -> readPositions(delete)).get(data);
          if (deleted != null) {
            positions.add(deleted);
          }
        }
        case EQUALITY_DELETES -> equality.add(equalityDeletes(delete));
      }
    }
    return new RowDeletes(merge(positions), equality);
  }

  private RowDeletes.EqualityDeletes equalityDeletes(DeleteFile delete) {
    int[] columns = new int[delete.equalityFieldIds().size()];
    List<Field> fields = new ArrayList<>();
    for (int c = 0; c < columns.length; c++) {
      int id = delete.equalityFieldIds().get(c);
      columns[c] = indexOf(id, delete);
      fields.add(readSchema.fields().get(columns[c]));
    }
    Set<List<Object>> keys = equalityFiles.computeIfAbsent(delete.location(), l -> readKeys(delete, fields));
    return new RowDeletes.EqualityDeletes(columns, fields.stream().map(Field::type).toList(), keys);
  }

  private int indexOf(int fieldId, DeleteFile delete) {
    for (int c = 0; c < readSchema.fields().size(); c++) {
      if (readSchema.fields().get(c).id() == fieldId) {
        return c;
      }
    }
    throw new IllegalStateException("the scan does not read column " + fieldId + " that equality delete file "
        + delete.location() + " compares"); // the planner adds every equality column
  }

  /** The sorted positions a position delete file deletes, per data file. */
  Map<Location, long[]> readPositions(DeleteFile delete) {
    Map<String, Location> parsed = new HashMap<>(); // a file's rows name few data files, many times
    Map<Location, LongList> byFile = new HashMap<>();
    read(delete, List.of(FILE_PATH, POS), batch -> {
      VarCharVector paths = (VarCharVector) batch.getVector(0);
      BigIntVector positions = (BigIntVector) batch.getVector(1);
      // Rows are sorted by file_path: a path is decoded only where it differs from the row before
      // (compared as bytes; decoding every row's path was most of a scan's time with 10% deleted).
      LongList current = null;
      int previousStart = 0;
      int previousEnd = 0;
      for (int row = 0; row < batch.getRowCount(); row++) {
        if (paths.isNull(row) || positions.isNull(row)) {
          throw new DataShardException("position delete file " + delete.location() + " has a null file_path or pos");
        }
        int start = paths.getStartOffset(row);
        int end = paths.getEndOffset(row);
        if (current == null || ByteFunctionHelpers.equal(paths.getDataBuffer(), previousStart, previousEnd,
            paths.getDataBuffer(), start, end) == 0) {
          Location file = parsed.computeIfAbsent(new String(paths.get(row), StandardCharsets.UTF_8), Location::of);
          current = byFile.computeIfAbsent(file, f -> new LongList());
          previousStart = start;
          previousEnd = end;
        }
        current.add(positions.get(row));
      }
    });
    Map<Location, long[]> sorted = new HashMap<>();
    byFile.forEach((file, positions) -> sorted.put(file, merge(List.of(positions.toArray()))));
    return sorted;
  }

  private Set<List<Object>> readKeys(DeleteFile delete, List<Field> fields) {
    Set<List<Object>> keys = new HashSet<>();
    read(delete, fields, batch -> {
      Object[] values = new Object[fields.size()];
      for (int row = 0; row < batch.getRowCount(); row++) {
        for (int c = 0; c < values.length; c++) {
          values[c] = ArrowValues.get(batch.getVector(c), row, fields.get(c).type());
        }
        keys.add(RowDeletes.key(values));
      }
    });
    return keys;
  }

  /** Hands each batch of the delete file's {@code columns} (resolved by field id) to {@code batches}. */
  private void read(DeleteFile delete, List<Field> columns, Consumer<VectorSchemaRoot> batches) {
    if (!delete.format().equalsIgnoreCase("parquet")) {
      throw new DataShardException("delete file " + delete.location() + " of " + tableLocation + " is "
          + delete.format() + "; DataShard reads Parquet delete files only");
    }
    LocalFile local;
    try {
      local = StorageException.join(storage.fetch(delete.location()));
    } catch (StorageException e) {
      throw new DataShardException(e.kind() == StorageException.Kind.NOT_FOUND
          ? "delete file " + delete.location() + " of " + tableLocation + " is missing"
          : "cannot read delete file " + delete.location() + " of " + tableLocation + ": " + e.getMessage(), e);
    }
    org.apache.arrow.vector.types.pojo.Schema wanted = ArrowSchemas.toArrow(new Schema(columns));
    try (local) {
      FileProjection projection = FileProjection.of(ParquetFiles.schemaOf(allocator, local.path()), wanted,
          delete.location());
      try (ArrowReader reader = ParquetFiles.scan(allocator, List.of(local.path()), projection.decodeSchema(),
              Optional.of(projection.decodeColumns()), BATCH_ROWS);
          VectorSchemaRoot batch = VectorSchemaRoot.create(wanted, allocator)) {
        while (reader.loadNextBatch()) {
          projection.load(reader.getVectorSchemaRoot(), batch);
          batches.accept(batch);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (StorageException e) {
      throw new DataShardException("cannot read delete file " + delete.location() + " of " + tableLocation + ": "
          + e.getMessage(), e);
    }
  }

  /** The distinct values of some arrays, sorted: what {@link RowDeletes} searches. */
  private static long[] merge(List<long[]> arrays) {
    // Not LongStream.distinct(), which boxes every value.
    long[] all = arrays.size() == 1 ? arrays.get(0).clone() : arrays.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    int distinct = 0;
    for (int i = 0; i < all.length; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        all[distinct++] = all[i];
      }
    }
    return distinct == all.length ? all : Arrays.copyOf(all, distinct);
  }

  /** A growable array of longs: positions without boxing. */
  private static final class LongList {
    private long[] values = new long[16];
    private int size;

    void add(long value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
