package dev.datashard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The commands bin/datashard runs once per build with {@code -XX:ArchiveClassesAtExit}, so that
 * the class-data-sharing archive holds the classes of the common commands (create, append, count,
 * scan, snapshots, schema) and later starts map them instead of loading them from the jars. Works
 * in a local table under the directory it is given and deletes it.
 */
public final class ClassDataTraining {
  private ClassDataTraining() {}

  public static void main(String[] args) throws IOException {
    Path directory = Files.createDirectories(Path.of(args[0]));
    try {
      Path table = directory.resolve("table");
      Path schema = Files.writeString(directory.resolve("schema.json"), """
          {"schema_id":1,"fields":[{"id":1,"name":"id","type":"long","required":true},
          {"id":2,"name":"name","type":"string","required":false},
          {"id":3,"name":"amount","type":"double","required":false}]}""");
      Path csv = Files.writeString(directory.resolve("rows.csv"), "id,name,amount\n1,a,1.5\n2,b,\n");
      Path jsonl = Files.writeString(directory.resolve("rows.jsonl"), "{\"id\":3,\"name\":\"c\",\"amount\":2}\n");
      run("create", table.toString(), "--schema", schema.toString());
      run("append", table.toString(), csv.toString(), jsonl.toString());
      run("count", table.toString());
      run("scan", table.toString(), "--limit", "1");
      run("snapshots", table.toString());
      run("schema", table.toString());
    } finally {
      delete(directory);
    }
  }

  private static void run(String... args) {
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    if (code != 0) {
      throw new IllegalStateException("datashard " + String.join(" ", args) + " failed: " + err);
    }
  }

  private static void delete(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> {
        try {
          Files.delete(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
