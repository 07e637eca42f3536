package dev.datashard.bench;

import dev.datashard.DataShard;
import dev.datashard.Expression;
import dev.datashard.Table;
import dev.datashard.io.Storage;
import dev.datashard.io.StorageConfig;
import dev.datashard.io.parquet.BatchListReader;
import dev.datashard.io.s3.S3Storage;
import dev.datashard.io.s3.testing.S3ProxyServer;
import dev.datashard.metadata.DataFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Issue #13's byte and request counts on S3Proxy (a plain main, run once: counts, not times). A
 * {@link CountingStorage} wraps the S3 store; the expected bytes come from the footers of the data
 * files, read whole outside the counting (total_compressed_size of each column chunk).
 *
 * <p>Usage: {@code ScanBytes [FILES [ROWS_PER_FILE [BATCHES_PER_FILE]]]}, default 30 15000 4, with
 * {@code -Ds3proxy.jar=...}, {@code --add-opens=java.base/java.nio=ALL-UNNAMED} and, for the
 * temporary-file count, a private {@code -Djava.io.tmpdir}. {@code -Ddelays=0,0,50} and {@code
 * -Dn=5}: the round-trip part through {@link DelayProxy}.
 */
public final class ScanBytes {
  private ScanBytes() {}

  /** One data file's footer, as the expected bytes need it. */
  record Footer(String location, long size, long footerBytes, List<Map<String, Long>> chunkBytes,
      List<long[]> userIdRange) {
    /** What the scan's first GET of the file reads: the last 16 KiB, or the whole file under 1 MiB. */
    long tailRead() {
      return size <= (1 << 20) ? size : Math.min(size, 16 * 1024);
    }

    long column(String name) {
      return chunkBytes.stream().mapToLong(g -> g.getOrDefault(name, 0L)).sum();
    }
  }

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int rowsPerFile = args.length > 1 ? Integer.parseInt(args[1]) : 15_000;
    int batchesPerFile = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    long[] delays = Arrays.stream(System.getProperty("delays", "0,0,50").split(",")).mapToLong(Long::parseLong)
        .toArray();
    int n = Integer.getInteger("n", 5);
    System.out.printf("start %s, load %s%n", java.time.Instant.now(), load());
    try (S3ProxyServer server = S3ProxyServer.start(); BufferAllocator allocator = new RootAllocator()) {
      server.createBucket("bench");
      S3Storage s3 = (S3Storage) StorageConfig.s3(server.config("bench").build()).open();
      CountingStorage storage = new CountingStorage(s3);
      try (DataShard shard = DataShard.open(storage, allocator)) {
        Table wide = fill(shard, allocator, "wide" + files, files, rowsPerFile, batchesPerFile);
        List<Footer> footers = footers(s3, wide);
        long total = footers.stream().mapToLong(Footer::size).sum();
        System.out.printf("table %s: %d files, %d rows, %d B (%.1f MiB) of Parquet; row groups per file %d; "
                + "column chunk bytes, whole table: %s%n", wide.name(), files, (long) files * rowsPerFile, total,
            total / 1048576.0, footers.get(0).chunkBytes().size(), columnTotals(footers));
        System.out.printf("file 0: %d B, footer %d B, tail read %d B%n", footers.get(0).size(),
            footers.get(0).footerBytes(), footers.get(0).tailRead());

        limitScan(shard, storage, s3, wide, footers);
        fullColumnScan(shard, storage, s3, wide, footers, "user_id");
        fullColumnScan(shard, storage, s3, wide, footers, "agent");
        filterScan(shard, storage, s3, wide, footers, rowsPerFile, batchesPerFile);
        boundedScan(shard, storage, s3, wide, (long) files * rowsPerFile, 8L << 20);
      }
      roundTrips(server, allocator, rowsPerFile, delays, n);
    }
    System.out.printf("end %s, load %s%n", java.time.Instant.now(), load());
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  static Table fill(DataShard shard, BufferAllocator allocator, String name, int files, int rowsPerFile,
      int batchesPerFile) throws IOException {
    Table table = shard.createTable(name, WideEvents.SCHEMA);
    int perBatch = rowsPerFile / batchesPerFile;
    for (int f = 0; f < files; f++) {
      List<VectorSchemaRoot> batches = new ArrayList<>();
      for (int b = 0; b < batchesPerFile; b++) {
        int rows = b == batchesPerFile - 1 ? rowsPerFile - perBatch * b : perBatch;
        batches.add(WideEvents.batch(allocator, (long) f * rowsPerFile + (long) b * perBatch, rows));
      }
      try (ArrowReader reader = new BatchListReader(allocator, batches)) {
        table.append(reader);
      } finally {
        batches.forEach(VectorSchemaRoot::close);
      }
    }
    return table;
  }

  /** Every data file's footer, read whole through the uncounted store. */
  static List<Footer> footers(Storage raw, Table table) throws IOException {
    List<Footer> footers = new ArrayList<>();
    for (DataFile file : table.newScan().files()) {
      byte[] bytes = raw.read(file.location());
      int length = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      FileMetaData metadata = Util.readFileMetaData(
          new ByteArrayInputStream(bytes, bytes.length - 8 - length, length));
      List<Map<String, Long>> groups = new ArrayList<>();
      List<long[]> ranges = new ArrayList<>();
      for (RowGroup group : metadata.getRow_groups()) {
        Map<String, Long> chunks = new LinkedHashMap<>();
        for (ColumnChunk chunk : group.getColumns()) {
          chunks.merge(chunk.getMeta_data().getPath_in_schema().get(0), chunk.getMeta_data().getTotal_compressed_size(),
              Long::sum);
          if (chunk.getMeta_data().getPath_in_schema().get(0).equals("user_id")) {
            var stats = chunk.getMeta_data().getStatistics();
            ranges.add(new long[] {
                ByteBuffer.wrap(stats.getMin_value()).order(ByteOrder.LITTLE_ENDIAN).getLong(),
                ByteBuffer.wrap(stats.getMax_value()).order(ByteOrder.LITTLE_ENDIAN).getLong()});
          }
        }
        groups.add(chunks);
      }
      footers.add(new Footer(file.location(), bytes.length, length + 8L, groups, ranges));
    }
    return footers;
  }

  static Map<String, Long> columnTotals(List<Footer> footers) {
    Map<String, Long> totals = new LinkedHashMap<>();
    for (String column : WideEvents.COLUMNS) {
      totals.put(column, footers.stream().mapToLong(f -> f.column(column)).sum());
    }
    return totals;
  }

  private static void report(String what, CountingStorage storage, S3Storage s3, long expected, String expectation) {
    System.out.printf(Locale.ROOT, "RESULT %s | %s | S3 requests %s | data bytes %d vs expected %d (%s): %.3fx | load %s%n",
        what, storage.summary(), s3.requestCounts().snapshot(), storage.dataBytes(), expected, expectation,
        storage.dataBytes() / (double) expected, load());
  }

  /** 1. {@code --columns user_id --limit 10}: load the table, one column, batches of 10, one batch, close. */
  static void limitScan(DataShard shard, CountingStorage storage, S3Storage s3, Table wide, List<Footer> footers)
      throws IOException {
    storage.reset();
    s3.requestCounts().reset();
    Table loaded = shard.loadTable(wide.name());
    try (ArrowReader reader = loaded.newScan().select("user_id").batchSize(10).arrowReader()) {
      if (!reader.loadNextBatch() || reader.getVectorSchemaRoot().getRowCount() != 10) {
        throw new IllegalStateException("the limit scan did not read 10 rows");
      }
    }
    Footer first = footers.get(0);
    long expected = first.tailRead() + first.chunkBytes().get(0).get("user_id");
    report("1 limit-10 user_id (load + scan)", storage, s3, expected,
        "file 0's tail read + user_id chunk of its first row group; whole column of file 0 is "
            + first.column("user_id"));
  }

  /** 2. A full scan of one column. */
  static void fullColumnScan(DataShard shard, CountingStorage storage, S3Storage s3, Table wide, List<Footer> footers,
      String column) throws IOException {
    Table loaded = shard.loadTable(wide.name());
    storage.reset();
    s3.requestCounts().reset();
    long rows = 0;
    try (ArrowReader reader = loaded.newScan().select(column).arrowReader()) {
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    long chunks = footers.stream().mapToLong(f -> f.column(column)).sum();
    long tails = footers.stream().mapToLong(Footer::tailRead).sum();
    long footerBytes = footers.stream().mapToLong(Footer::footerBytes).sum();
    report("2 full scan of " + column + " (" + rows + " rows)", storage, s3, chunks + tails,
        column + " chunks " + chunks + " + tail reads " + tails + " (footers proper " + footerBytes + "); "
            + String.format(Locale.ROOT, "vs chunks + footers proper: %.3fx",
            storage.dataBytes() / (double) (chunks + footerBytes)));
  }

  /** 3. A filter one row group of one file can satisfy. */
  static void filterScan(DataShard shard, CountingStorage storage, S3Storage s3, Table wide, List<Footer> footers,
      int rowsPerFile, int batchesPerFile) throws IOException {
    // A user id in the middle of file 3 (or the last), in its second row group if it has several.
    Footer target = footers.get(Math.min(3, footers.size() - 1));
    int group = target.userIdRange().size() > 1 ? 1 : 0;
    long[] range = target.userIdRange().get(group);
    long id = (range[0] + range[1]) / 2;
    Table loaded = shard.loadTable(wide.name());
    storage.reset();
    s3.requestCounts().reset();
    long rows = 0;
    try (ArrowReader reader = loaded.newScan().filter(Expression.parse("user_id = " + id)).arrowReader()) {
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    if (rows != 1) {
      throw new IllegalStateException("user_id = " + id + " matched " + rows + " rows");
    }
    long groupBytes = target.chunkBytes().get(group).values().stream().mapToLong(Long::longValue).sum();
    long files = loaded.newScan().filter(Expression.parse("user_id = " + id)).files().size();
    report("3 filter user_id = " + id + " (row group " + group + " of " + target.userIdRange().size()
            + " in one file; " + files + " file(s) after manifest pruning)", storage, s3,
        groupBytes + target.tailRead(), "that row group's 5 chunks " + groupBytes + " + its file's tail read "
            + target.tailRead());
  }

  /** 4b. A full scan of every column with a read-ahead much smaller than the table: peaks in flight and on disk. */
  static void boundedScan(DataShard shard, CountingStorage storage, S3Storage s3, Table wide, long expectedRows,
      long readAhead) throws Exception {
    Table loaded = shard.loadTable(wide.name());
    storage.reset();
    s3.requestCounts().reset();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong peakFiles = new AtomicLong();
    AtomicLong peakApparent = new AtomicLong();
    AtomicLong samples = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!done.get()) {
        long count = 0;
        long bytes = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp, "datashard-scan-*")) {
          for (Path entry : entries) {
            count++;
            try {
              bytes += Files.size(entry);
            } catch (IOException gone) {
              // deleted while listed
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        peakFiles.accumulateAndGet(count, Math::max);
        peakApparent.accumulateAndGet(bytes, Math::max);
        samples.incrementAndGet();
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.start();
    long rows = 0;
    long start = System.nanoTime();
    try (ArrowReader reader = loaded.newScan().readAhead(readAhead).arrowReader()) {
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    } finally {
      done.set(true);
      sampler.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (rows != expectedRows) {
      throw new IllegalStateException("the bounded scan read " + rows + " of " + expectedRows);
    }
    long left;
    try (var list = Files.list(tmp)) {
      left = list.filter(p -> p.getFileName().toString().startsWith("datashard-scan-")).count();
    }
    System.out.printf(Locale.ROOT,
        "RESULT 4b full scan, every column, readAhead %d MiB: %d rows in %.2f s | %s | S3 requests %s | "
            + "peak datashard-scan-* files %d, peak apparent size of them %d B (%d samples); left after close %d | load %s%n",
        readAhead >> 20, rows, seconds, storage.summary(), s3.requestCounts().snapshot(), peakFiles.get(),
        peakApparent.get(), samples.get(), left, load());
  }

  /** 6. Sequential round trips of a load and the first scan after it, through {@link DelayProxy}. */
  static void roundTrips(S3ProxyServer server, BufferAllocator allocator, int rowsPerFile, long[] delays, int n)
      throws Exception {
    // Tables written directly to the server: one file over 1 MiB, one under, and the 30-file table is not reused.
    try (DataShard direct = DataShard.open(StorageConfig.s3(server.config("bench").build()), allocator)) {
      fill(direct, allocator, "rt-big", 1, rowsPerFile, 1);
      fill(direct, allocator, "rt-small", 1, 2_000, 1);
      fill(direct, allocator, "rt-ten", 10, rowsPerFile, 1);
    }
    List<String> tables = List.of("rt-big", "rt-small", "rt-ten");
    Map<String, double[]> base = new LinkedHashMap<>();
    for (long delay : delays) {
      try (DelayProxy proxy = new DelayProxy(server.port(), delay);
          DataShard shard = DataShard.open(StorageConfig.s3(server.config("bench").endpoint(proxy.endpoint()).build()),
              allocator)) {
        shard.loadTable("rt-small"); // the client's first request sets up its connection: outside the timing
        for (String name : tables) {
          double[] load = new double[n];
          double[] first = new double[n];
          double[] again = new double[n];
          long size = 0;
          for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Table table = shard.loadTable(name);
            long t1 = System.nanoTime();
            scanAll(table);
            long t2 = System.nanoTime();
            scanAll(table);
            long t3 = System.nanoTime();
            load[i] = (t1 - t0) / 1e6;
            first[i] = (t2 - t1) / 1e6;
            again[i] = (t3 - t2) / 1e6;
            size = table.newScan().files().stream().mapToLong(DataFile::fileSizeBytes).max().orElse(0);
          }
          double[] medians = {median(load), median(first), median(again)};
          String trips = "";
          if (delay > 0 && base.containsKey(name)) {
            double[] zero = base.get(name);
            trips = String.format(Locale.ROOT, "; round trips: load %.2f, first scan %.2f, scan again %.2f",
                (medians[0] - zero[0]) / delay, (medians[1] - zero[1]) / delay, (medians[2] - zero[2]) / delay);
          } else if (delay == 0) {
            base.put(name, medians);
          }
          System.out.printf(Locale.ROOT,
              "RESULT 6 delay %d ms, %s (largest file %d B), n=%d, p50 ms: load %.1f, first scan %.1f, scan again %.1f%s | load %s%n",
              delay, name, size, n, medians[0], medians[1], medians[2], trips, load());
        }
      }
    }
  }

  private static long scanAll(Table table) throws IOException {
    long rows = 0;
    try (ArrowReader reader = table.newScan().arrowReader()) {
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    return rows;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
