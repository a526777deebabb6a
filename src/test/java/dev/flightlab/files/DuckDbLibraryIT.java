package dev.flightlab.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flightlab.store.DatasetInfo;
import dev.flightlab.testing.ServerFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar and DuckDB's JNI library: the jar leaves the library out and the build puts it
 * beside the jar, a file command loads it from there (not from a copy in the temporary directory),
 * and a jar copied without it says which file is missing.
 */
class DuckDbLibraryIT {
  private static final Path JAR = Path.of("target/flightlab.jar").toAbsolutePath();
  private static final Pattern LOADED =
      Pattern.compile("shared library load of (\\S*libduckdb_java\\S*) was successful");

  @TempDir Path dir;

  @BeforeAll
  static void needsTheJar() {
    assumeTrue(Files.isRegularFile(JAR), "target/flightlab.jar is built");
  }

  private static String libraryName() {
    return "libduckdb_java.so_"
        + DuckDbFiles.NativeLibrary.os()
        + "_"
        + DuckDbFiles.NativeLibrary.arch();
  }

  @Test
  void theJarLeavesDuckDbsLibrariesOutAndTheBuildPutsThemBesideIt() throws IOException {
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      assertThat(jar.stream().map(e -> e.getName()).filter(n -> n.contains("libduckdb_java")))
          .isEmpty();
      assertThat(jar.getEntry("org/duckdb/DuckDBDriver.class")).isNotNull();
    }
    Path library = JAR.resolveSibling(libraryName());
    assertThat(library).isRegularFile();
    assertThat(Files.size(library)).isGreaterThan(10 << 20);
  }

  @Test
  void fileCommandsLoadTheLibraryWhereItIs() throws Exception {
    Path csv = dir.resolve("t.csv");
    Files.writeString(csv, "id,name\n1,a\n2,b\n3,c\n");
    Path parquet = dir.resolve("t.parquet");
    try (ServerFixture server = ServerFixture.start()) {
      String uri = server.uri().toString();
      Run put = java(JAR, "put", csv.toString(), "/t", "--server", uri);
      Run get = java(JAR, "get", "/t", "-o", parquet.toString(), "--server", uri);
      Run putBack = java(JAR, "put", parquet.toString(), "/t2", "--server", uri);
      for (Run run : List.of(put, get, putBack)) {
        assertThat(run.exit()).as("%s", run).isZero();
        // Once per JVM, and from beside the jar: never an inflated copy in the temporary directory.
        assertThat(run.loadedDuckDb())
            .as("%s", run)
            .containsExactly(JAR.resolveSibling(libraryName()).toString());
      }
      assertThat(putBack.out()).contains("Uploaded 3 rows");
      assertThat(server.store().list(null))
          .extracting(info -> info.path().toString(), DatasetInfo::rowCount)
          .containsExactlyInAnyOrder(tuple("/t", 3L), tuple("/t2", 3L));
    }
  }

  @Test
  void aJarWithoutItsLibrarySaysWhichFileIsMissing() throws Exception {
    Path alone = Files.copy(JAR, dir.resolve("flightlab.jar"));
    Path csv = dir.resolve("t.csv");
    Files.writeString(csv, "id\n1\n");
    Run run = java(alone, "put", csv.toString(), "/t", "--server", "grpc://127.0.0.1:1");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().strip())
        .isEqualTo(
            "flightlab put: DuckDB's native library, which reads and writes Parquet and CSV"
                + " files, is missing: "
                + dir.resolve(libraryName())
                + " (./mvnw package unpacks it beside target/flightlab.jar: copy it with the jar)");
    assertThat(run.loadedDuckDb()).isEmpty();
  }

  /** What a {@code java -jar} run printed; the JVM's library loads are in its standard output. */
  private record Run(int exit, String out, String err) {
    List<String> loadedDuckDb() {
      List<String> paths = new ArrayList<>();
      Matcher m = LOADED.matcher(out);
      while (m.find()) {
        paths.add(m.group(1));
      }
      return paths;
    }
  }

  private Run java(Path jar, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xlog:os=info");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(command + " ran over 2 minutes");
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
