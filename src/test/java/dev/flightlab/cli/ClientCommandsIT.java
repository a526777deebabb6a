package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DemoTables;
import dev.flightlab.files.ArrowFiles;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.AllTypes;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.Cli.Run;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The client commands, run through the CLI against a real server. */
class ClientCommandsIT {
  private static final DatasetPath SALES = DatasetPath.parse("/reports/daily_sales");
  private static final DatasetPath PEOPLE = DatasetPath.parse("/my_app/people");

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  @TempDir Path dir;

  private ServerFixture fx;
  private BatchSet people;

  /** Runs a client command against the fixture's server. */
  private Run client(String command, String... args) {
    return Cli.against(fx.uri().toString(), command, args);
  }

  @BeforeEach
  void putTables() {
    fx = server.fixture();
    try (BatchSet sales = DemoTables.dailySales(fx.allocator())) {
      fx.client().put(SALES, sales, PutMode.REPLACE);
    }
    people = Tables.people(fx.allocator(), 0, 3, 4);
    fx.client().put(PEOPLE, people, PutMode.REPLACE);
  }

  @AfterEach
  void closeTables() {
    people.close();
  }

  @Test
  void lsListsEveryDatasetWithRowsAndBytes() {
    Run run = client("ls");
    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    List<String> lines = run.outLines();
    assertThat(lines.get(0)).matches("PATH\\s+ROWS\\s+BYTES");
    assertThat(lines.get(1))
        .matches("/my_app/people\\s+7\\s+" + Tables.storedBodyBytes(people, fx.allocator()));
    assertThat(lines.get(2)).matches("/reports/daily_sales\\s+2\\s+\\d+");
    assertThat(lines.get(3)).isEqualTo("2 datasets");
  }

  @Test
  void lsWithAPrefixListsOnlyWhatLiesBelowIt() {
    Run run = client("ls", "/reports");
    assertThat(run.exit()).isZero();
    assertThat(run.outLines()).hasSize(3);
    assertThat(run.outLines().get(1)).startsWith("/reports/daily_sales ");
    assertThat(run.outLines().get(2)).isEqualTo("1 dataset");
  }

  @Test
  void infoShowsSchemaTotalsAndTheEndpoint() {
    Run run = client("info", "/reports/daily_sales");
    assertThat(run.exit()).isZero();
    assertThat(run.outLines())
        .contains(
            "Path:      /reports/daily_sales",
            "Rows:      2",
            "Schema:",
            "  product_category: Utf8",
            "  revenue: FloatingPoint(SINGLE)",
            "Endpoints:",
            "  ticket /reports/daily_sales at [" + fx.server().location().getUri() + "]");
    assertThat(run.out()).containsPattern("Bytes:     \\d+ \\(IPC body bytes");
  }

  @Test
  void getPreviewsTheFirstRowsUpToTheLimit() {
    Run run = client("get", "/my_app/people", "--limit", "5");
    assertThat(run.exit()).isZero();
    List<String> lines = run.outLines();
    assertThat(lines.get(0)).startsWith("Schema: Schema<id: Int(64, true), name: Utf8>");
    assertThat(lines.subList(1, 7))
        .containsExactly("id\tname", "0\tname-0", "1\tname-1", "2\tname-2", "3\tname-3", "4\tNone");
    assertThat(lines.get(7)).isEqualTo("(5 of 7 rows shown)");
  }

  @Test
  void getWritesAnArrowIpcFileKeepingBatches() throws Exception {
    Path file = dir.resolve("people.arrow");
    Run run = client("get", "/my_app/people", "--output", file.toString());
    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .startsWith("Wrote 7 rows in 2 batches from '/my_app/people' to " + file)
        .contains("Arrow IPC file");
    try (BatchSet read = ArrowFiles.read(file, fx.allocator())) {
      assertThat(Tables.rowCounts(read)).containsExactly(3, 4);
      assertThat(Tables.column(read, "name", fx.allocator()))
          .isEqualTo(Tables.column(people, "name", fx.allocator()));
    }
  }

  @Test
  void getWritesAnArrowIpcStreamKeepingBatches() throws Exception {
    Path file = dir.resolve("people.arrows");
    Run run = client("get", "/my_app/people", "-o", file.toString());
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("Arrow IPC stream");
    try (BatchSet read = ArrowFiles.read(file, fx.allocator())) {
      assertThat(Tables.rowCounts(read)).containsExactly(3, 4);
    }
  }

  @Test
  void putUploadsAFileAndAppendAddsToIt() throws Exception {
    Path file = dir.resolve("all.arrows");
    try (BatchSet table = AllTypes.table(fx.allocator(), null, 6, 0, 5)) {
      ArrowFiles.write(table, file, fx.allocator());
      Run run = client("put", file.toString(), "/uploaded/all");
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out())
          .startsWith("Uploaded 11 rows in 3 batches to '/uploaded/all' (replace, ");
      try (BatchSet got = fx.client().get(DatasetPath.parse("/uploaded/all"))) {
        Tables.assertSameTable(table, got, fx.allocator());
      }
      Run append = client("put", "--mode", "append", file.toString(), "/uploaded/all");
      assertThat(append.exit()).as(append.err()).isZero();
      assertThat(append.out()).contains("(append, ");
      try (BatchSet got = fx.client().get(DatasetPath.parse("/uploaded/all"))) {
        assertThat(Tables.rowCounts(got)).containsExactly(6, 0, 5, 6, 0, 5);
      }
    }
  }

  @Test
  void putInCreateModeOnATakenPathFailsWithOneLine() throws Exception {
    Path file = dir.resolve("people.arrow");
    ArrowFiles.write(people, file, fx.allocator());
    Run run = client("put", file.toString(), "/my_app/people", "--mode", "create");
    assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(run.errLines())
        .containsExactly(
            "flightlab put: ALREADY_EXISTS: Dataset '/my_app/people' already exists (put mode"
                + " create)");
  }

  @Test
  void putOfAMissingFileFailsWithOneLine() {
    Run run = client("put", dir.resolve("nope.arrow").toString(), "/x");
    assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).startsWith("flightlab put: ").contains("nope.arrow");
  }

  @Test
  void dropRemovesADataset() {
    Run run = client("drop", "/my_app/people");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("Dropped '/my_app/people' (7 rows)\n");
    assertThat(fx.client().list(null)).hasSize(1);
  }

  @Test
  void dropOfAMissingPathExitsOneWithANotFoundLine() {
    Run run = client("drop", "/missing");
    assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).containsExactly("flightlab drop: NOT_FOUND: No dataset '/missing'");
  }

  @Test
  void actionsListsTheServersActions() {
    Run run = client("actions");
    assertThat(run.exit()).isZero();
    assertThat(run.outLines()).hasSize(5);
    assertThat(run.outLines())
        .extracting(l -> l.split("\\s+")[0])
        .containsExactly("drop", "clear", "stats", "health", "ping");
  }

  @Test
  void actionsStatsPrintsTheStoreStatisticsAsJson() throws Exception {
    Run run = client("actions", "stats");
    assertThat(run.exit()).isZero();
    JsonNode stats = new ObjectMapper().readTree(run.out());
    assertThat(stats.path("datasets").asInt()).isEqualTo(2);
    assertThat(stats.path("rows").asLong()).isEqualTo(9);
  }

  @Test
  void actionsRunsAnActionWithABody() throws Exception {
    Run run = client("actions", "drop", "/reports/daily_sales");
    assertThat(run.exit()).isZero();
    assertThat(new ObjectMapper().readTree(run.out()).path("dropped").asText())
        .isEqualTo("/reports/daily_sales");
  }

  @Test
  void anUnknownActionExitsOneWithUnimplemented() {
    Run run = client("actions", "compact");
    assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).startsWith("flightlab actions: UNIMPLEMENTED: Unknown action 'compact'");
  }

  @Test
  void badFlagsExitTwo() {
    for (String[] args :
        List.of(
            new String[] {"ls", "--no-such-flag"},
            new String[] {"get"},
            new String[] {"get", "/x", "--limit", "many"},
            new String[] {"put", "only-one-argument"},
            new String[] {"info", "/a", "/b"},
            new String[] {"no-such-command"})) {
      Run run = Cli.run(args);
      assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(Main.EXIT_USAGE);
      assertThat(run.err()).as(String.join(" ", args)).startsWith("flightlab: ");
    }
  }

  @Test
  void badArgumentValuesExitTwo() {
    for (String[] args :
        List.of(
            new String[] {"put", "--mode", "upsert", "f.arrow", "/x"},
            new String[] {"drop", "/"},
            new String[] {"get", "/a/../b"})) {
      Run run = client(args[0], Arrays.copyOfRange(args, 1, args.length));
      assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(Main.EXIT_USAGE);
      assertThat(run.errLines()).as(String.join(" ", args)).hasSize(1);
    }
    Run badServer = Cli.run("ls", "--server", "http://127.0.0.1:1");
    assertThat(badServer.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(badServer.errLines())
        .containsExactly(
            "flightlab ls: unsupported scheme 'http' (use grpc, grpc+tcp, grpc+tls or grpc+unix)");
  }

  @Test
  void verbosePrintsTheStackTrace() {
    Run quiet = client("drop", "/missing");
    Run verbose = client("drop", "--verbose", "/missing");
    assertThat(quiet.errLines()).hasSize(1);
    assertThat(verbose.errLines().get(0)).isEqualTo(quiet.errLines().get(0));
    assertThat(verbose.errLines().size()).isGreaterThan(1);
    assertThat(verbose.err()).contains("FlightRuntimeException").contains("\tat ");
  }

  @Test
  void anUnreachableServerExitsOneWithOneLine() {
    Run run = Cli.run("ls", "--server", "grpc://127.0.0.1:1");
    assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).startsWith("flightlab ls: UNAVAILABLE");
  }

  @Test
  void mainRunReturnsTheExitCodeAndPrintsToTheConsole() {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int ok;
    int missing;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      ok = Main.run("ls", "--server", fx.uri().toString());
      missing = Main.run("drop", "--server", fx.uri().toString(), "/missing");
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    assertThat(ok).isZero();
    assertThat(missing).isEqualTo(Main.EXIT_FAILURE);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("2 datasets");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("flightlab drop: NOT_FOUND: No dataset '/missing'");
  }

  @Test
  void aServerWithATokenNeedsTheAuthTokenFlag() throws Exception {
    try (ServerFixture secured =
        ServerFixture.start(ServerOptions.ephemeral().withAuthToken("k3y"))) {
      String server = secured.uri().toString();
      Run without = Cli.run("ls", "--server", server);
      assertThat(without.exit()).isEqualTo(Main.EXIT_FAILURE);
      assertThat(without.err()).startsWith("flightlab ls: UNAUTHENTICATED").doesNotContain("k3y");
      Run with = Cli.run("ls", "--server", server, "--auth-token", "k3y");
      assertThat(with.exit()).isZero();
      assertThat(with.out()).contains("0 datasets");
    }
  }

  @Test
  void demoRunsOnAnEmbeddedServer() {
    Run run = Cli.run("demo", "--batches", "2", "--rows-per-batch", "100", "--log-level", "warn");
    assertThat(run.exit()).isZero();
  }
}
