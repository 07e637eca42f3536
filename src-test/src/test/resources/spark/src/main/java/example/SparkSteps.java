package example;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What SparkInteropIT asks of Spark, against the DataShard table at a path: {@code first PATH
 * SNAPSHOT_ID} reads, filters, time-travels to the snapshot and appends 50 rows; {@code last PATH}
 * reads the table after DataShard appended to Spark's commit. {@code create WAREHOUSE} creates a
 * table of Spark's own, {@code db.spark_events}, in a file-system catalog there, appends three
 * times and deletes every tenth row (merge-on-read); {@code read PATH} sums up a table. Prints one "key=value" line per result. PATH and
 * WAREHOUSE are directories or s3a:// locations; the S3A settings come as
 * {@code -Dspark.hadoop.fs.s3a.*} system properties, which Spark takes as configuration.
 */
public final class SparkSteps {
  public static void main(String[] args) throws Exception {
    String path = args[1];
    String warehouse = args[0].equals("create") ? path : path.substring(0, path.lastIndexOf('/'));
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("datashard-interop")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        // Iceberg loads path-based tables through the catalog "default_iceberg", a Hive catalog
        // unless configured: here a Hadoop (file-system) catalog, the layout DataShard writes.
        .config("spark.sql.catalog.default_iceberg", "org.apache.iceberg.spark.SparkCatalog")
        .config("spark.sql.catalog.default_iceberg.type", "hadoop")
        .config("spark.sql.catalog.default_iceberg.warehouse", warehouse)
        .getOrCreate();
    try {
      switch (args[0]) {
        case "first" -> first(spark, path, Long.parseLong(args[2]));
        case "last" -> last(spark, path);
        case "create" -> create(spark);
        case "read" -> read(spark, path);
        default -> throw new IllegalArgumentException("unknown step " + args[0]);
      }
    } finally {
      spark.stop();
    }
  }

  private static void first(SparkSession spark, String path, long firstSnapshotId) {
    Dataset<Row> events = spark.read().format("iceberg").load(path);
    print("count", events.count());
    print("filteredCount", events.filter(col("user_id").geq(150)).count());
    print("sumUserId", events.agg(sum("user_id")).first().getLong(0));
    print("firstSnapshotCount",
        spark.read().format("iceberg").option("snapshot-id", firstSnapshotId).load(path).count());

    // range() gives a non-null long column, which the table's required user_id accepts.
    spark.range(200, 250)
        .select(col("id").as("user_id"), lit("spark").as("event"))
        .write().format("iceberg").mode("append").save(path);
    print("countAfterAppend", spark.read().format("iceberg").load(path).count());
  }

  private static void last(SparkSession spark, String path) {
    Dataset<Row> events = spark.read().format("iceberg").load(path);
    print("count", events.count());
    print("distinctUserIds", events.select("user_id").distinct().count());
    print("sparkRows", events.filter(col("event").equalTo("spark")).count());
    print("snapshots", spark.read().format("iceberg").load(path + "#snapshots").count());
  }

  private static void create(SparkSession spark) throws Exception {
    spark.sql("CREATE TABLE default_iceberg.db.spark_events (user_id bigint NOT NULL, event string)"
        + " USING iceberg PARTITIONED BY (bucket(4, user_id))"
        + " TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read')");
    for (long from = 0; from < 300; from += 100) {
      spark.range(from, from + 100)
          .select(col("id").as("user_id"), lit("spark").as("event"))
          .writeTo("default_iceberg.db.spark_events").append();
    }
    // Merge-on-read: position delete files beside the data files.
    spark.sql("DELETE FROM default_iceberg.db.spark_events WHERE user_id % 10 = 0");
    print("count", spark.table("default_iceberg.db.spark_events").count());
  }

  private static void read(SparkSession spark, String path) {
    Dataset<Row> events = spark.read().format("iceberg").load(path);
    print("count", events.count());
    print("distinctUserIds", events.select("user_id").distinct().count());
    print("minUserId", events.agg(min("user_id")).first().getLong(0));
    print("sumUserId", events.agg(sum("user_id")).first().getLong(0));
    print("datashardRows", events.filter(col("event").equalTo("datashard")).count());
  }

  private static void print(String key, long value) {
    System.out.println(key + "=" + value);
  }
}
