package dev.datashard.metadata;

import dev.datashard.DataShardException;
import dev.datashard.Schema;
import dev.datashard.partition.PartitionKey;
import dev.datashard.partition.PartitionSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;

/**
 * Manifests and manifest lists as the Iceberg v2 spec lays them out in Avro: every field carries
 * its {@code field-id}, int-keyed maps are arrays of key/value records, and the file metadata
 * names the table schema and partition spec.
 */
public final class Manifests {
  private static final String OPTIONAL_LONG = "[\"null\", \"long\"]";

  private static String intMap(String name, int fieldId, int keyId, int valueId, String valueType) {
    return "{\"name\": \"" + name + "\", \"field-id\": " + fieldId + ", \"default\": null, \"type\": "
        + "[\"null\", {\"type\": \"array\", \"logicalType\": \"map\", \"items\": {\"type\": \"record\", "
        + "\"name\": \"k" + keyId + "_v" + valueId + "\", \"fields\": ["
        + "{\"name\": \"key\", \"type\": \"int\", \"field-id\": " + keyId + "}, "
        + "{\"name\": \"value\", \"type\": \"" + valueType + "\", \"field-id\": " + valueId + "}]}}]}";
  }

  /**
   * The manifest entry schema, its {@code partition} struct with {@code partitionFields} (Avro JSON
   * fields); a delete manifest's also has {@code referenced_data_file}.
   */
  static org.apache.avro.Schema manifestEntrySchema(String partitionFields, boolean deletes) {
    return new org.apache.avro.Schema.Parser().parse(
      "{\"type\": \"record\", \"name\": \"manifest_entry\", \"fields\": ["
      + "{\"name\": \"status\", \"type\": \"int\", \"field-id\": 0},"
      + "{\"name\": \"snapshot_id\", \"type\": " + OPTIONAL_LONG + ", \"default\": null, \"field-id\": 1},"
      + "{\"name\": \"sequence_number\", \"type\": " + OPTIONAL_LONG + ", \"default\": null, \"field-id\": 3},"
      + "{\"name\": \"file_sequence_number\", \"type\": " + OPTIONAL_LONG + ", \"default\": null, \"field-id\": 4},"
      + "{\"name\": \"data_file\", \"field-id\": 2, \"type\": {\"type\": \"record\", \"name\": \"r2\", \"fields\": ["
      + "{\"name\": \"content\", \"type\": \"int\", \"field-id\": 134},"
      + "{\"name\": \"file_path\", \"type\": \"string\", \"field-id\": 100},"
      + "{\"name\": \"file_format\", \"type\": \"string\", \"field-id\": 101},"
      + "{\"name\": \"partition\", \"field-id\": 102, \"type\": {\"type\": \"record\", \"name\": \"r102\", \"fields\": [" + partitionFields + "]}},"
      + "{\"name\": \"record_count\", \"type\": \"long\", \"field-id\": 103},"
      + "{\"name\": \"file_size_in_bytes\", \"type\": \"long\", \"field-id\": 104},"
      + intMap("column_sizes", 108, 117, 118, "long") + ","
      + intMap("value_counts", 109, 119, 120, "long") + ","
      + intMap("null_value_counts", 110, 121, 122, "long") + ","
      + intMap("nan_value_counts", 137, 138, 139, "long") + ","
      + intMap("lower_bounds", 125, 126, 127, "bytes") + ","
      + intMap("upper_bounds", 128, 129, 130, "bytes") + ","
      + "{\"name\": \"key_metadata\", \"type\": [\"null\", \"bytes\"], \"default\": null, \"field-id\": 131},"
      + "{\"name\": \"split_offsets\", \"type\": [\"null\", {\"type\": \"array\", \"items\": \"long\", \"element-id\": 133}], \"default\": null, \"field-id\": 132},"
      + "{\"name\": \"equality_ids\", \"type\": [\"null\", {\"type\": \"array\", \"items\": \"int\", \"element-id\": 136}], \"default\": null, \"field-id\": 135},"
      + "{\"name\": \"sort_order_id\", \"type\": [\"null\", \"int\"], \"default\": null, \"field-id\": 140}"
      + (deletes ? ", {\"name\": \"referenced_data_file\", \"type\": [\"null\", \"string\"], \"default\": null, \"field-id\": 143}" : "")
      + "]}}]}");
  }

  private static final org.apache.avro.Schema MANIFEST_FILE = new org.apache.avro.Schema.Parser().parse(
      "{\"type\": \"record\", \"name\": \"manifest_file\", \"fields\": ["
      + "{\"name\": \"manifest_path\", \"type\": \"string\", \"field-id\": 500},"
      + "{\"name\": \"manifest_length\", \"type\": \"long\", \"field-id\": 501},"
      + "{\"name\": \"partition_spec_id\", \"type\": \"int\", \"field-id\": 502},"
      + "{\"name\": \"content\", \"type\": \"int\", \"field-id\": 517},"
      + "{\"name\": \"sequence_number\", \"type\": \"long\", \"field-id\": 515},"
      + "{\"name\": \"min_sequence_number\", \"type\": \"long\", \"field-id\": 516},"
      + "{\"name\": \"added_snapshot_id\", \"type\": \"long\", \"field-id\": 503},"
      + "{\"name\": \"added_files_count\", \"type\": \"int\", \"field-id\": 504},"
      + "{\"name\": \"existing_files_count\", \"type\": \"int\", \"field-id\": 505},"
      + "{\"name\": \"deleted_files_count\", \"type\": \"int\", \"field-id\": 506},"
      + "{\"name\": \"added_rows_count\", \"type\": \"long\", \"field-id\": 512},"
      + "{\"name\": \"existing_rows_count\", \"type\": \"long\", \"field-id\": 513},"
      + "{\"name\": \"deleted_rows_count\", \"type\": \"long\", \"field-id\": 514},"
      + "{\"name\": \"partitions\", \"type\": [\"null\", {\"type\": \"array\", \"element-id\": 508, \"items\": "
      + "{\"type\": \"record\", \"name\": \"r508\", \"fields\": ["
      + "{\"name\": \"contains_null\", \"type\": \"boolean\", \"field-id\": 509},"
      + "{\"name\": \"contains_nan\", \"type\": [\"null\", \"boolean\"], \"default\": null, \"field-id\": 518},"
      + "{\"name\": \"lower_bound\", \"type\": [\"null\", \"bytes\"], \"default\": null, \"field-id\": 510},"
      + "{\"name\": \"upper_bound\", \"type\": [\"null\", \"bytes\"], \"default\": null, \"field-id\": 511}"
      + "]}}], \"default\": null, \"field-id\": 507},"
      + "{\"name\": \"key_metadata\", \"type\": [\"null\", \"bytes\"], \"default\": null, \"field-id\": 519}"
      + "]}");

  private Manifests() {}

  /**
   * A data manifest of files partitioned by {@code spec} (not always spec 0: a table whose
   * partitioning changed has several), each entry's {@code partition} struct holding its file's
   * tuple with the partition field ids as field ids. Null snapshot ids and sequence numbers are
   * written as null, for inheritance from the manifest list.
   */
  public static byte[] writeManifest(Schema schema, PartitionSpec spec, List<ManifestEntry> entries) {
    org.apache.avro.Schema entrySchema = manifestEntrySchema(PartitionAvro.fields(spec), false);
    org.apache.avro.Schema dataFileSchema = entrySchema.getField("data_file").schema();
    List<GenericRecord> records = new ArrayList<>(entries.size());
    for (ManifestEntry manifestEntry : entries) {
      DataFile file = manifestEntry.file();
      GenericRecord dataFile = fileRecord(dataFileSchema, spec, 0, file.location(), file.format(), file.partition(),
          file.recordCount(), file.fileSizeBytes());
      putStatistics(dataFile, file.columnSizes(), file.valueCounts(), file.nullValueCounts(), file.nanValueCounts(),
          file.lowerBounds(), file.upperBounds());
      records.add(entryRecord(entrySchema, manifestEntry.status(), manifestEntry.snapshotId(),
          manifestEntry.sequenceNumber(), manifestEntry.fileSequenceNumber(), dataFile));
    }
    return writeAvro(entrySchema, manifestMetadata(schema, spec, "data"), records);
  }

  /**
   * A delete manifest (content 1 in the manifest list) of delete files partitioned by {@code spec},
   * laid out as {@link #writeManifest} lays out data manifests, with each file's content code,
   * equality field ids and referenced data file.
   */
  public static byte[] writeDeleteManifest(Schema schema, PartitionSpec spec, List<DeleteEntry> entries) {
    org.apache.avro.Schema entrySchema = manifestEntrySchema(PartitionAvro.fields(spec), true);
    org.apache.avro.Schema dataFileSchema = entrySchema.getField("data_file").schema();
    List<GenericRecord> records = new ArrayList<>(entries.size());
    for (DeleteEntry deleteEntry : entries) {
      DeleteFile file = deleteEntry.file();
      GenericRecord deleteFile = fileRecord(dataFileSchema, spec, file.content().code(), file.location(),
          file.format(), file.partition(), file.recordCount(), file.fileSizeBytes());
      putStatistics(deleteFile, file.columnSizes(), file.valueCounts(), file.nullValueCounts(),
          file.nanValueCounts(), file.lowerBounds(), file.upperBounds());
      if (!file.equalityFieldIds().isEmpty()) {
        org.apache.avro.Schema idsSchema = dataFileSchema.getField("equality_ids").schema().getTypes().get(1);
        deleteFile.put("equality_ids", new GenericData.Array<>(idsSchema, file.equalityFieldIds()));
      }
      deleteFile.put("referenced_data_file", file.referencedDataFile());
      records.add(entryRecord(entrySchema, deleteEntry.status(), deleteEntry.snapshotId(),
          deleteEntry.sequenceNumber(), deleteEntry.fileSequenceNumber(), deleteFile));
    }
    return writeAvro(entrySchema, manifestMetadata(schema, spec, "deletes"), records);
  }

  private static GenericRecord fileRecord(org.apache.avro.Schema fileSchema, PartitionSpec spec, int content,
      String location, String format, PartitionKey partition, long recordCount, long fileSizeBytes) {
    GenericRecord file = new GenericData.Record(fileSchema);
    file.put("content", content);
    file.put("file_path", location);
    file.put("file_format", format);
    file.put("partition", PartitionAvro.record(fileSchema.getField("partition").schema(), spec, partition, location));
    file.put("record_count", recordCount);
    file.put("file_size_in_bytes", fileSizeBytes);
    return file;
  }

  private static void putStatistics(GenericRecord file, Map<Integer, Long> columnSizes,
      Map<Integer, Long> valueCounts, Map<Integer, Long> nullValueCounts, Map<Integer, Long> nanValueCounts,
      Map<Integer, byte[]> lowerBounds, Map<Integer, byte[]> upperBounds) {
    org.apache.avro.Schema schema = file.getSchema();
    file.put("column_sizes", longMap(schema, "column_sizes", columnSizes));
    file.put("value_counts", longMap(schema, "value_counts", valueCounts));
    file.put("null_value_counts", longMap(schema, "null_value_counts", nullValueCounts));
    file.put("nan_value_counts", longMap(schema, "nan_value_counts", nanValueCounts));
    file.put("lower_bounds", bytesMap(schema, "lower_bounds", lowerBounds));
    file.put("upper_bounds", bytesMap(schema, "upper_bounds", upperBounds));
  }

  private static GenericRecord entryRecord(org.apache.avro.Schema entrySchema, ManifestEntry.Status status,
      Long snapshotId, Long sequenceNumber, Long fileSequenceNumber, GenericRecord file) {
    GenericRecord entry = new GenericData.Record(entrySchema);
    entry.put("status", status.ordinal());
    entry.put("snapshot_id", snapshotId);
    entry.put("sequence_number", sequenceNumber);
    entry.put("file_sequence_number", fileSequenceNumber);
    entry.put("data_file", file);
    return entry;
  }

  private static Map<String, String> manifestMetadata(Schema schema, PartitionSpec spec, String content) {
    return Map.of(
        "schema", schema.toJson(),
        "schema-id", Integer.toString(schema.schemaId()),
        "partition-spec", spec.toJson().get("fields").toString(),
        "partition-spec-id", Integer.toString(spec.specId()),
        "format-version", "2",
        "content", content);
  }

  public static byte[] writeManifestList(long snapshotId, Long parentId, long sequenceNumber,
      List<ManifestFile> manifests) {
    org.apache.avro.Schema partitionsSchema = MANIFEST_FILE.getField("partitions").schema().getTypes().get(1);
    List<GenericRecord> records = new ArrayList<>(manifests.size());
    for (ManifestFile m : manifests) {
      GenericRecord r = new GenericData.Record(MANIFEST_FILE);
      r.put("manifest_path", m.path());
      r.put("manifest_length", m.length());
      r.put("partition_spec_id", m.specId());
      r.put("content", m.content().ordinal());
      r.put("sequence_number", m.sequenceNumber());
      r.put("min_sequence_number", m.minSequenceNumber());
      r.put("added_snapshot_id", m.addedSnapshotId());
      r.put("added_files_count", m.addedFilesCount());
      r.put("existing_files_count", m.existingFilesCount());
      r.put("deleted_files_count", m.deletedFilesCount());
      r.put("added_rows_count", m.addedRowsCount());
      r.put("existing_rows_count", m.existingRowsCount());
      r.put("deleted_rows_count", m.deletedRowsCount());
      if (m.partitions() != null) {
        GenericData.Array<GenericRecord> summaries =
            new GenericData.Array<>(m.partitions().size(), partitionsSchema);
        for (ManifestFile.PartitionSummary p : m.partitions()) {
          GenericRecord s = new GenericData.Record(partitionsSchema.getElementType());
          s.put("contains_null", p.containsNull());
          s.put("contains_nan", p.containsNan());
          s.put("lower_bound", p.lowerBound() == null ? null : ByteBuffer.wrap(p.lowerBound()));
          s.put("upper_bound", p.upperBound() == null ? null : ByteBuffer.wrap(p.upperBound()));
          summaries.add(s);
        }
        r.put("partitions", summaries);
      }
      r.put("key_metadata", m.keyMetadata() == null ? null : ByteBuffer.wrap(m.keyMetadata()));
      records.add(r);
    }
    Map<String, String> meta = Map.of(
        "snapshot-id", Long.toString(snapshotId),
        "parent-snapshot-id", parentId == null ? "null" : Long.toString(parentId),
        "sequence-number", Long.toString(sequenceNumber),
        "format-version", "2");
    return writeAvro(MANIFEST_FILE, meta, records);
  }

  public static List<ManifestFile> readManifestList(byte[] bytes, String location) {
    List<ManifestFile> manifests = new ArrayList<>();
    for (GenericRecord r : readAvro(bytes, location)) {
      try {
        List<ManifestFile.PartitionSummary> partitions = null;
        Object rawPartitions = r.get("partitions");
        if (rawPartitions instanceof List<?> list) {
          partitions = new ArrayList<>();
          for (Object o : list) {
            GenericRecord p = (GenericRecord) o;
            partitions.add(new ManifestFile.PartitionSummary((Boolean) p.get("contains_null"),
                (Boolean) optional(p, "contains_nan"), bytes(optional(p, "lower_bound")),
                bytes(optional(p, "upper_bound"))));
          }
        }
        int content = r.getSchema().getField("content") == null ? 0 : (Integer) r.get("content");
        manifests.add(new ManifestFile(r.get("manifest_path").toString(),
            (Long) r.get("manifest_length"), (Integer) r.get("partition_spec_id"),
            content == 0 ? ManifestFile.Content.DATA : ManifestFile.Content.DELETES,
            (Long) r.get("sequence_number"), (Long) r.get("min_sequence_number"),
            (Long) r.get("added_snapshot_id"), intOrZero(r, "added_files_count"),
            intOrZero(r, "existing_files_count"), intOrZero(r, "deleted_files_count"),
            longOrZero(r, "added_rows_count"), longOrZero(r, "existing_rows_count"),
            longOrZero(r, "deleted_rows_count"), partitions, bytes(optional(r, "key_metadata"))));
      } catch (RuntimeException e) {
        throw new MalformedMetadataException(location, "not an Iceberg v2 manifest list: " + e, e);
      }
    }
    return manifests;
  }

  /** The entries of a data manifest (content 0); a delete manifest is refused, see {@link #readDeleteManifest}. */
  public static List<ManifestEntry> readManifest(byte[] bytes, String location) {
    List<ManifestEntry> entries = new ArrayList<>();
    for (GenericRecord r : readAvro(bytes, location)) {
      try {
        GenericRecord f = (GenericRecord) r.get("data_file");
        int content = contentCode(f);
        if (content != 0) {
          throw new IllegalArgumentException("it lists delete files (content " + content + ")");
        }
        DataFile file = new DataFile(f.get("file_path").toString(), f.get("file_format").toString(),
            (Long) f.get("record_count"), (Long) f.get("file_size_in_bytes"),
            readLongMap(f, "column_sizes"), readLongMap(f, "value_counts"),
            readLongMap(f, "null_value_counts"), readLongMap(f, "nan_value_counts"),
            readBytesMap(f, "lower_bounds"), readBytesMap(f, "upper_bounds"),
            PartitionAvro.key((GenericRecord) f.get("partition")));
        entries.add(new ManifestEntry(ManifestEntry.Status.of((Integer) r.get("status")),
            (Long) optional(r, "snapshot_id"), (Long) optional(r, "sequence_number"),
            (Long) optional(r, "file_sequence_number"), file));
      } catch (RuntimeException e) {
        throw new MalformedMetadataException(location, "not an Iceberg v2 data manifest: "
            + e.getMessage(), e);
      }
    }
    return entries;
  }

  /**
   * The entries of a delete manifest: position and equality delete files. Deletion vectors
   * (Iceberg v3, Puffin files) are refused: DataShard cannot apply them.
   */
  public static List<DeleteEntry> readDeleteManifest(byte[] bytes, String location) {
    List<DeleteEntry> entries = new ArrayList<>();
    for (GenericRecord r : readAvro(bytes, location)) {
      GenericRecord f = (GenericRecord) r.get("data_file");
      String format = f.get("file_format").toString();
      if (format.equalsIgnoreCase("puffin")) {
        throw new DataShardException("delete manifest " + location + " lists deletion vectors ("
            + f.get("file_path") + "), an Iceberg v3 feature DataShard cannot apply; reading would return deleted rows");
      }
      try {
        DeleteFile.Content content = switch (contentCode(f)) {
          case 1 -> DeleteFile.Content.POSITION_DELETES;
          case 2 -> DeleteFile.Content.EQUALITY_DELETES;
          default -> throw new IllegalArgumentException("it lists a file of content " + contentCode(f)
              + ", not a delete file");
        };
        List<Integer> equalityIds = new ArrayList<>();
        if (optional(f, "equality_ids") instanceof List<?> ids) {
          ids.forEach(id -> equalityIds.add((Integer) id));
        }
        Object referenced = optional(f, "referenced_data_file");
        DeleteFile file = new DeleteFile(f.get("file_path").toString(), format, content,
            (Long) f.get("record_count"), (Long) f.get("file_size_in_bytes"), equalityIds,
            readLongMap(f, "column_sizes"), readLongMap(f, "value_counts"),
            readLongMap(f, "null_value_counts"), readLongMap(f, "nan_value_counts"),
            readBytesMap(f, "lower_bounds"), readBytesMap(f, "upper_bounds"),
            PartitionAvro.key((GenericRecord) f.get("partition")),
            referenced == null ? null : referenced.toString());
        entries.add(new DeleteEntry(ManifestEntry.Status.of((Integer) r.get("status")),
            (Long) optional(r, "snapshot_id"), (Long) optional(r, "sequence_number"),
            (Long) optional(r, "file_sequence_number"), file));
      } catch (RuntimeException e) {
        throw new MalformedMetadataException(location, "not an Iceberg v2 delete manifest: "
            + e.getMessage(), e);
      }
    }
    return entries;
  }

  private static int contentCode(GenericRecord file) {
    return file.getSchema().getField("content") == null ? 0 : (Integer) file.get("content");
  }

  private static Object optional(GenericRecord record, String field) {
    return record.getSchema().getField(field) == null ? null : record.get(field);
  }

  private static int intOrZero(GenericRecord r, String field) {
    Object v = optional(r, field);
    return v == null ? 0 : (Integer) v;
  }

  private static long longOrZero(GenericRecord r, String field) {
    Object v = optional(r, field);
    return v == null ? 0 : (Long) v;
  }

  private static byte[] bytes(Object value) {
    if (value == null) {
      return null;
    }
    ByteBuffer buffer = ((ByteBuffer) value).duplicate();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static GenericData.Array<GenericRecord> longMap(org.apache.avro.Schema parent, String field,
      Map<Integer, Long> values) {
    return intKeyed(parent, field, values, v -> v);
  }

  private static GenericData.Array<GenericRecord> bytesMap(org.apache.avro.Schema parent, String field,
      Map<Integer, byte[]> values) {
    return intKeyed(parent, field, values, ByteBuffer::wrap);
  }

  private static <V> GenericData.Array<GenericRecord> intKeyed(org.apache.avro.Schema parent,
      String field, Map<Integer, V> values, java.util.function.Function<V, Object> convert) {
    if (values.isEmpty()) {
      return null;
    }
    org.apache.avro.Schema arraySchema = parent.getField(field).schema().getTypes().get(1);
    GenericData.Array<GenericRecord> array = new GenericData.Array<>(values.size(), arraySchema);
    values.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      GenericRecord kv = new GenericData.Record(arraySchema.getElementType());
      kv.put("key", e.getKey());
      kv.put("value", convert.apply(e.getValue()));
      array.add(kv);
    });
    return array;
  }

  private static Map<Integer, Long> readLongMap(GenericRecord record, String field) {
    Map<Integer, Long> result = new HashMap<>();
    if (optional(record, field) instanceof List<?> list) {
      for (Object o : list) {
        GenericRecord kv = (GenericRecord) o;
        result.put((Integer) kv.get("key"), (Long) kv.get("value"));
      }
    }
    return result;
  }

  /** Sets the bound of field {@code id} where the file has one (never adds one: none is the safe side). */
  private static void replaceBound(GenericRecord file, String field, int id, Map<Integer, byte[]> bounds) {
    if (optional(file, field) instanceof List<?> list) {
      for (Object o : list) {
        GenericRecord kv = (GenericRecord) o;
        if ((Integer) kv.get("key") == id) {
          byte[] bound = bounds.get(id);
          if (bound == null) {
            throw new IllegalStateException("a rewritten delete file has no " + field + " for field " + id);
          }
          kv.put("value", ByteBuffer.wrap(bound));
        }
      }
    }
  }

  private static Map<Integer, byte[]> readBytesMap(GenericRecord record, String field) {
    Map<Integer, byte[]> result = new HashMap<>();
    if (optional(record, field) instanceof List<?> list) {
      for (Object o : list) {
        GenericRecord kv = (GenericRecord) o;
        result.put((Integer) kv.get("key"), bytes(kv.get("value")));
      }
    }
    return result;
  }

  private static byte[] writeAvro(org.apache.avro.Schema schema, Map<String, String> meta,
      List<GenericRecord> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + records.size() * 256);
    try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
      writer.setCodec(CodecFactory.deflateCodec(1));
      meta.forEach(writer::setMeta);
      writer.create(schema, out);
      for (GenericRecord record : records) {
        writer.append(record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static List<GenericRecord> readAvro(byte[] bytes, String location) {
    DatumReader<GenericRecord> datumReader = new GenericDatumReader<>();
    List<GenericRecord> records = new ArrayList<>();
    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(new java.io.ByteArrayInputStream(bytes), datumReader)) {
      while (stream.hasNext()) {
        records.add(stream.next());
      }
    } catch (IOException | AvroRuntimeException e) {
      throw new MalformedMetadataException(location, "not a readable Avro file: " + e.getMessage(), e);
    }
    return records;
  }

  /**
   * A copy of a manifest or manifest list with its file locations moved: {@code file_path} (and
   * {@code referenced_data_file}) of every data or delete file, or {@code manifest_path} (and
   * {@code manifest_length}, from {@code newLengths}) of every manifest. A delete file rewritten
   * for its new place (a position delete file names data files inside it), keyed in
   * {@code rewrittenDeletes} by its old location, also takes the new file's size and bounds on
   * {@code file_path}. Everything else, file metadata included, is kept.
   */
  public static byte[] relocate(byte[] avro, String location, java.util.function.UnaryOperator<String> move,
      Map<String, Long> newLengths, Map<String, DeleteFile> rewrittenDeletes) {
    List<GenericRecord> records = readAvro(avro, location);
    Map<String, String> meta = new HashMap<>();
    org.apache.avro.Schema schema;
    try (DataFileStream<GenericRecord> stream = new DataFileStream<>(
        new java.io.ByteArrayInputStream(avro), new GenericDatumReader<>())) {
      schema = stream.getSchema();
      for (String key : stream.getMetaKeys()) {
        meta.put(key, stream.getMetaString(key));
      }
    } catch (IOException e) {
      throw new MalformedMetadataException(location, "not a readable Avro file: " + e.getMessage(), e);
    }
    for (GenericRecord record : records) {
      if (record.getSchema().getField("data_file") != null) {
        GenericRecord file = (GenericRecord) record.get("data_file");
        String path = file.get("file_path").toString();
        file.put("file_path", move.apply(path));
        Object referenced = optional(file, "referenced_data_file");
        if (referenced != null) {
          file.put("referenced_data_file", move.apply(referenced.toString()));
        }
        DeleteFile rewritten = rewrittenDeletes.get(path);
        if (rewritten != null) {
          file.put("file_size_in_bytes", rewritten.fileSizeBytes());
          replaceBound(file, "lower_bounds", DeleteFile.FILE_PATH_FIELD_ID, rewritten.lowerBounds());
          replaceBound(file, "upper_bounds", DeleteFile.FILE_PATH_FIELD_ID, rewritten.upperBounds());
        }
      } else {
        String path = record.get("manifest_path").toString();
        record.put("manifest_path", move.apply(path));
        record.put("manifest_length", newLengths.getOrDefault(path, (Long) record.get("manifest_length")));
      }
    }
    meta.keySet().removeIf(key -> key.startsWith("avro."));
    return writeAvro(schema, meta, records);
  }
}
