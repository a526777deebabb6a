package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.files.DuckDb;
import dev.flightlab.store.StoreStats;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flightlab put} and {@code get -o} with Arrow IPC, Parquet and CSV files DuckDB writes,
 * through a real server; bad files leave the store as it was.
 */
class PutGetFilesIT {
  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  @TempDir Path dir;

  private ServerFixture fx;
  private DuckDb duck;

  @BeforeEach
  void start() throws Exception {
    fx = server.fixture();
    duck = DuckDb.open();
  }

  @AfterEach
  void stop() throws Exception {
    duck.close();
  }

  private Cli.Run flightlab(String command, String... args) {
    return Cli.against(fx.uri().toString(), command, args);
  }

  private Cli.Run ok(String command, String... args) {
    Cli.Run run = flightlab(command, args);
    assertThat(run.exit()).as(run.err()).isZero();
    return run;
  }

  private Schema schemaOf(String path) {
    return fx.client().schema(DatasetPath.parse(path));
  }

  private static List<String> types(Schema schema) {
    List<String> out = new ArrayList<>();
    for (Field f : schema.getFields()) {
      out.add(f.getName() + " " + f.getType());
    }
    return out;
  }

  private static String table(Path file) {
    return "'" + file + "'";
  }

  @Test
  void parquetRoundTripsEveryTypeThroughTheServer() throws Exception {
    Path original =
        duck.copy(DuckDb.nestedTypesQuery(20_000), dir.resolve("types.parquet"), "FORMAT parquet");
    Cli.Run put = ok("put", original.toString(), "/files/types", "--batch-rows", "5000");
    assertThat(put.out())
        .startsWith("Uploaded 20000 rows in 4 batches to '/files/types' (replace, ")
        .contains(" from Parquet " + original + " (" + Files.size(original) + " bytes)");

    List<String> expected = new ArrayList<>(DuckDb.ARROW_TYPES);
    expected.add("list List");
    expected.add("struct Struct");
    assertThat(types(schemaOf("/files/types"))).containsExactlyElementsOf(expected);
    FlightInfo info = fx.client().info(DatasetPath.parse("/files/types"));
    assertThat(info.getRecords()).isEqualTo(20_000);

    Path back = dir.resolve("back.parquet");
    Cli.Run get = ok("get", "/files/types", "-o", back.toString());
    assertThat(get.out())
        .startsWith(
            "Wrote 20000 rows in 4 batches from '/files/types' to "
                + back
                + " ("
                + Files.size(back)
                + " bytes, Parquet, ");
    duck.assertSameRows(table(original), table(back));
    assertThat(duck.columns(table(back))).isEqualTo(duck.columns(table(original)));
  }

  @Test
  void csvWithInferredTypesRoundTrips() throws Exception {
    Path original =
        duck.copy(DuckDb.typesQuery(3000), dir.resolve("types.csv"), "FORMAT csv, HEADER true");
    ok("put", original.toString(), "/files/csv");
    assertThat(types(schemaOf("/files/csv")))
        .containsExactly(
            "int8 Int(64, true)",
            "int16 Int(64, true)",
            "int32 Int(64, true)",
            "int64 Int(64, true)",
            "uint8 Int(64, true)",
            "uint64 Int(64, true)",
            "float32 FloatingPoint(DOUBLE)",
            "float64 FloatingPoint(DOUBLE)",
            "dec10_2 FloatingPoint(DOUBLE)",
            "dec38_6 FloatingPoint(DOUBLE)",
            "utf8 Utf8",
            "text Utf8",
            "bool Bool",
            "date Date(DAY)",
            "ts Timestamp(MICROSECOND, null)",
            "tstz Timestamp(MICROSECOND, UTC)",
            "bin Utf8");
    Path back = dir.resolve("back.csv");
    ok("get", "/files/csv", "-o", back.toString());
    duck.assertSameRows("read_csv(" + table(original) + ")", "read_csv(" + table(back) + ")");
  }

  @Test
  void csvWithGivenTypesKeepsEveryTypeAndComesBackByteForByte() throws Exception {
    Path original =
        duck.copy(DuckDb.typesQuery(3000), dir.resolve("types.csv"), "FORMAT csv, HEADER true");
    String schema =
        "int8:int8, int16:int16, int32:int32, uint8:uint8, uint64:uint64, float32:float32,"
            + " dec10_2:decimal128(10,2), dec38_6:decimal128(38,6), bin:binary,"
            + " tstz:timestamp(us,UTC)";
    ok("put", original.toString(), "/files/typed", "--schema", schema);
    assertThat(types(schemaOf("/files/typed"))).containsExactlyElementsOf(DuckDb.ARROW_TYPES);
    Path back = dir.resolve("back.csv");
    ok("get", "/files/typed", "-o", back.toString());
    assertThat(Files.readString(back)).isEqualTo(Files.readString(original));
  }

  @Test
  void tsvInAndCsvOutWithAnotherDelimiterAndNoHeader() throws Exception {
    Path tsv = Files.writeString(dir.resolve("people.tsv"), "id\tname\n1\tann, jr\n2\tbob\n");
    ok("put", tsv.toString(), "/files/people");
    assertThat(types(schemaOf("/files/people"))).containsExactly("id Int(64, true)", "name Utf8");
    Path out = dir.resolve("people.txt");
    ok(
        "get",
        "/files/people",
        "-o",
        out.toString(),
        "--format",
        "csv",
        "--delimiter",
        ";",
        "--no-header");
    assertThat(Files.readString(out)).isEqualTo("1;ann, jr\n2;bob\n");
    Path semi = Files.writeString(dir.resolve("semi.data"), "1;x\n2;y\n");
    ok("put", semi.toString(), "/files/semi", "--format", "csv", "--delimiter", ";", "--no-header");
    assertThat(types(schemaOf("/files/semi")))
        .containsExactly("column0 Int(64, true)", "column1 Utf8");
  }

  @Test
  void everyArrowFormatRoundTripsTheSameDataset() throws Exception {
    Path original =
        duck.copy(DuckDb.nestedTypesQuery(5000), dir.resolve("types.parquet"), "FORMAT parquet");
    ok("put", original.toString(), "/files/source", "--batch-rows", "2000");
    try (BatchSet source = fx.client().get(DatasetPath.parse("/files/source"))) {
      for (String name : List.of("a.arrow", "a.feather", "a.arrows", "a.stream", "a.ipc")) {
        Path file = dir.resolve(name);
        Cli.Run get = ok("get", "/files/source", "-o", file.toString());
        assertThat(get.out()).contains("Wrote 5000 rows in 3 batches");
        Cli.Run put = ok("put", file.toString(), "/files/" + name);
        assertThat(put.out()).startsWith("Uploaded 5000 rows in 3 batches to '/files/" + name);
        try (BatchSet copy = fx.client().get(DatasetPath.parse("/files/" + name))) {
          Tables.assertSameTable(source, copy, fx.allocator());
        }
      }
    }
  }

  @Test
  void appendAddsAFilesBatchesAndCreateRefusesATakenPath() throws Exception {
    Path file =
        duck.copy(
            "SELECT range AS id FROM range(10)", dir.resolve("ids.parquet"), "FORMAT parquet");
    ok("put", file.toString(), "/files/ids");
    ok("put", file.toString(), "/files/ids", "--mode", "append");
    assertThat(fx.client().info(DatasetPath.parse("/files/ids")).getRecords()).isEqualTo(20);
    Cli.Run create = flightlab("put", file.toString(), "/files/ids", "--mode", "create");
    assertThat(create.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(create.errLines())
        .containsExactly(
            "flightlab put: ALREADY_EXISTS: Dataset '/files/ids' already exists (put mode create)");
    assertThat(fx.client().info(DatasetPath.parse("/files/ids")).getRecords()).isEqualTo(20);
  }

  /** Runs a put that must fail with one line, and checks the store did not change. */
  private String refusedPut(int exit, String... args) throws Exception {
    ok(
        "put",
        duck.copy("SELECT 1 AS kept", dir.resolve("kept.parquet"), "FORMAT parquet").toString(),
        "/files/kept");
    StoreStats before = fx.store().stats();
    List<String> paths = paths();
    Cli.Run run = flightlab("put", args);
    assertThat(run.exit()).as(run.err()).isEqualTo(exit);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.out()).isEmpty();
    fx.awaitStoreSettled(before.memoryUsedBytes());
    StoreStats after = fx.store().stats();
    assertThat(after.datasets()).isEqualTo(before.datasets());
    assertThat(after.rows()).isEqualTo(before.rows());
    assertThat(after.ipcBodyBytes()).isEqualTo(before.ipcBodyBytes());
    assertThat(paths()).isEqualTo(paths);
    return run.err().strip();
  }

  private List<String> paths() {
    List<String> out = new ArrayList<>();
    for (FlightInfo info : fx.client().list(null)) {
      out.add(String.join("/", info.getDescriptor().getPath()) + " " + info.getRecords());
    }
    return out;
  }

  @Test
  void aTruncatedParquetFileIsRefusedAndNothingIsStored() throws Exception {
    Path whole = duck.copy(DuckDb.typesQuery(5000), dir.resolve("whole.parquet"), "FORMAT parquet");
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.parquet"), java.util.Arrays.copyOf(bytes, 4000));
    assertThat(refusedPut(Main.EXIT_FAILURE, cut.toString(), "/files/kept"))
        .isEqualTo(
            "flightlab put: "
                + cut
                + ": at byte offset 3996: starts like a Parquet file but does not end with PAR1:"
                + " truncated or damaged (4000 bytes)");
  }

  @Test
  void aTextFileNamedArrowIsRefusedAndNothingIsStored() throws Exception {
    Path notes = Files.writeString(dir.resolve("notes.arrow"), "id,n\n1,2\n");
    assertThat(refusedPut(Main.EXIT_FAILURE, notes.toString(), "/files/kept"))
        .isEqualTo(
            "flightlab put: "
                + notes
                + ": at byte offset 0: is not an Arrow IPC file or stream (text: \"id,n\"): its"
                + " first message would be 1848403049 bytes long, in a file of 9 bytes");
  }

  @Test
  void anUnknownExtensionIsAUsageErrorAndNothingIsStored() throws Exception {
    Path notes = Files.writeString(dir.resolve("notes.txt"), "id\n1\n");
    assertThat(refusedPut(Main.EXIT_USAGE, notes.toString(), "/files/kept"))
        .startsWith("flightlab put: cannot tell the format of " + notes + " from its extension");
  }

  @Test
  void aRaggedCsvRowIsRefusedWithItsLineAndNothingIsStored() throws Exception {
    Path small = Files.writeString(dir.resolve("small.csv"), "id,name\n1,a\n2,b,c\n");
    assertThat(refusedPut(Main.EXIT_FAILURE, small.toString(), "/files/kept"))
        .isEqualTo("flightlab put: " + small + ": line 3: expected 2 columns, found 3: \"2,b,c\"");
    // Past the rows DuckDB samples: found while reading, maybe after batches went out.
    StringBuilder text = new StringBuilder("id,name\n");
    for (int i = 0; i < 100_000; i++) {
      text.append(i).append(",n").append(i).append('\n');
    }
    text.append("100000,n,extra\n");
    Path late = Files.writeString(dir.resolve("late.csv"), text);
    assertThat(
            refusedPut(Main.EXIT_FAILURE, late.toString(), "/files/kept", "--batch-rows", "10000"))
        .isEqualTo(
            "flightlab put: "
                + late
                + ": line 100002: expected 2 columns, found 3: \"100000,n,extra\"");
  }

  @Test
  void aFileThatFailsAfterBatchesWentOutCancelsTheUploadAndNothingIsStored() throws Exception {
    Path whole = dir.resolve("whole.arrows");
    try (BatchSet people = Tables.people(fx.allocator(), 0, 50_000, 50_000, 50_000, 50_000)) {
      dev.flightlab.files.ArrowFiles.write(people, whole, fx.allocator());
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path cut =
        Files.write(dir.resolve("cut.arrows"), java.util.Arrays.copyOf(bytes, bytes.length - 1000));
    long peakBefore = fx.store().stats().memoryPeakBytes();
    assertThat(refusedPut(Main.EXIT_FAILURE, cut.toString(), "/files/kept"))
        .startsWith("flightlab put: " + cut + ": at byte offset ")
        .contains(": Arrow IPC stream is truncated: message 4 needs ");
    // The first three batches reached the server before the fourth could not be read.
    assertThat(fx.store().stats().memoryPeakBytes()).isGreaterThan(peakBefore + 1_000_000);
  }

  @Test
  void aServerThatRunsOutOfMemoryMidUploadAnswersWithItsStatusAndStoresNothing() throws Exception {
    Path file =
        duck.copy(DuckDb.typesQuery(200_000), dir.resolve("types.parquet"), "FORMAT parquet");
    try (ServerFixture small =
        ServerFixture.start(
            dev.flightlab.server.ServerOptions.ephemeral().withMemoryLimit(4 << 20))) {
      Cli.Run run =
          Cli.against(
              small.uri().toString(), "put", file.toString(), "/files/big", "--batch-rows", "8192");
      assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
      assertThat(run.errLines()).hasSize(1);
      assertThat(run.err()).startsWith("flightlab put: RESOURCE_EXHAUSTED: ");
      small.awaitStoreSettled(0);
      assertThat(small.store().stats().datasets()).isZero();
    }
  }

  @Test
  void aValueThatDoesNotConvertIsRefusedWithItsLineAndNothingIsStored() throws Exception {
    StringBuilder text = new StringBuilder("id,when\n");
    for (int i = 0; i < 60_000; i++) {
      text.append(i).append(",2024-01-01\n");
    }
    text.append("60000,soon\n");
    Path file = Files.writeString(dir.resolve("dates.csv"), text);
    assertThat(
            refusedPut(Main.EXIT_FAILURE, file.toString(), "/files/kept", "--batch-rows", "8192"))
        .isEqualTo(
            "flightlab put: "
                + file
                + ": line 60002: column \"when\": could not convert string \"soon\" to 'DATE'"
                + " (the type was inferred from the first rows; set it with --schema):"
                + " \"60000,soon\"");
  }

  @Test
  void flagsThatDoNotFitTheFormatAreUsageErrors() throws Exception {
    Path parquet = duck.copy("SELECT 1 AS a", dir.resolve("a.parquet"), "FORMAT parquet");
    assertThat(refusedPut(Main.EXIT_USAGE, parquet.toString(), "/x", "--delimiter", ";"))
        .isEqualTo("flightlab put: a delimiter applies to CSV and TSV only, not Parquet");
    assertThat(refusedPut(Main.EXIT_USAGE, parquet.toString(), "/x", "--schema", "a:int8"))
        .isEqualTo("flightlab put: column types apply to CSV and TSV only, not Parquet");
    assertThat(refusedPut(Main.EXIT_USAGE, parquet.toString(), "/x", "--format", "xlsx"))
        .startsWith("flightlab put: unknown format 'xlsx'");
    assertThat(refusedPut(Main.EXIT_USAGE, parquet.toString(), "/x", "--batch-rows", "0"))
        .isEqualTo("flightlab put: batch rows must be at least 1, not 0");
  }

  @Test
  void aTypeParquetCannotHoldFailsTheDownloadNamingTheColumn() throws Exception {
    Path all = dir.resolve("all.arrows");
    try (BatchSet table = dev.flightlab.testing.AllTypes.table(fx.allocator(), null, 6, 0, 5)) {
      dev.flightlab.files.ArrowFiles.write(table, all, fx.allocator());
      ok("put", all.toString(), "/files/all");
      Path parquet = dir.resolve("all.parquet");
      Cli.Run get = flightlab("get", "/files/all", "-o", parquet.toString());
      assertThat(get.exit()).isEqualTo(Main.EXIT_FAILURE);
      assertThat(get.errLines())
          .containsExactly(
              "flightlab get: "
                  + parquet
                  + ": column 'decimal256' is decimal256(76, 10), which DuckDB cannot write as"
                  + " Parquet (write Arrow IPC instead)");
      assertThat(parquet).doesNotExist();
      // Arrow IPC carries every type, empty batch and dictionary included.
      Path arrow = dir.resolve("all.arrow");
      ok("get", "/files/all", "-o", arrow.toString());
      ok("put", arrow.toString(), "/files/all-again");
      try (BatchSet again = fx.client().get(DatasetPath.parse("/files/all-again"))) {
        Tables.assertSameTable(table, again, fx.allocator());
      }
    }
  }

  @Test
  void aFailedDownloadLeavesNoFileAndKeepsAnOldOne() throws Exception {
    Path fresh = dir.resolve("missing.parquet");
    Cli.Run missing = flightlab("get", "/files/missing", "-o", fresh.toString());
    assertThat(missing.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(missing.errLines()).hasSize(1);
    assertThat(missing.err()).startsWith("flightlab get: NOT_FOUND: ");
    assertThat(fresh).doesNotExist();

    Path old = Files.writeString(dir.resolve("old.csv"), "keep me\n");
    Cli.Run overwrite = flightlab("get", "/files/missing", "-o", old.toString());
    assertThat(overwrite.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(Files.readString(old)).isEqualTo("keep me\n");

    Cli.Run unknown = flightlab("get", "/files/missing", "-o", dir.resolve("x.xlsx").toString());
    assertThat(unknown.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(unknown.err()).startsWith("flightlab get: cannot tell the format of ");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("old.csv");
    }
  }
}
