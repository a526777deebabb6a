package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightInfoReader;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.files.ArrowFiles;
import dev.flightlab.memory.Allocators;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * flightlab's client against a Flight server that is not flightlab's (python/opaque_server.py):
 * opaque tickets, six endpoints with every kind of location (none, the reuse-connection URI, this
 * server in another spelling, its own, an unreachable one before its own, two in one endpoint),
 * over TCP and a Unix socket, batches re-chunked on the way out, errors with Python tracebacks, an
 * endpoint that fails mid-stream.
 */
@DisabledIfEnvironmentVariable(named = Pyarrow.SKIP_VARIABLE, matches = "1")
class OpaqueServerIT {
  private static final int ROWS = 10_000;
  private static final int ENDPOINTS = 6;
  // 6 endpoints of 1,667 rows (the last 1,665), each re-chunked into 700 + 700 + the rest.
  private static final int BATCHES = 18;

  @TempDir Path temp;
  private Process process;
  private Path log;
  private String uri;

  @BeforeEach
  void startServer() throws Exception {
    start();
  }

  /** (Re)starts the server with {@code extra} arguments. */
  private void start(String... extra) throws Exception {
    if (process != null) {
      stopServer();
    }
    log = temp.resolve("opaque_server.log");
    Path portFile = temp.resolve("opaque_server.port");
    Files.deleteIfExists(portFile);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port-file",
                portFile.toString(),
                "--rows",
                Integer.toString(ROWS),
                "--chunk-rows",
                "700",
                "--endpoints",
                Integer.toString(ENDPOINTS)));
    args.addAll(List.of(extra));
    process = Pyarrow.start(log, "opaque_server.py", args.toArray(String[]::new));
    ServerFixture.awaitUntil(
        () -> Files.exists(portFile) || !process.isAlive(),
        () -> "python/opaque_server.py to write its port; log:\n" + readQuietly(log));
    assertThat(process.isAlive()).as("opaque_server.py exited: %s", readQuietly(log)).isTrue();
    int unix = args.indexOf("--unix-socket");
    uri =
        unix >= 0
            ? "grpc+unix://" + args.get(unix + 1)
            : Pyarrow.grpc(Integer.parseInt(Files.readString(portFile).trim()));
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void getFollowsEveryEndpointInOrderAtItsLocation() throws Exception {
    try (RootAllocator root = Allocators.newRoot();
        FlightLabClient client = FlightLabClient.connect(ClientOptions.of(URI.create(uri)), root);
        BatchSet table = client.get(DatasetPath.parse("/demo/numbers"))) {
      assertThat(table.rowCount()).isEqualTo(ROWS);
      assertThat(Tables.rowCounts(table)).hasSize(BATCHES).allMatch(n -> n <= 700);
      assertThat(Tables.column(table, "id", client.allocator()))
          .containsExactlyElementsOf(LongStream.range(0, ROWS).mapToObj(Long::toString).toList());
    }
  }

  @Test
  void cliGetInParallelWritesTheSameRowsInOrder() throws Exception {
    Path file = temp.resolve("numbers.arrow");
    Cli.Run run =
        Cli.against(uri, "get", "/demo/numbers", "-o", file.toString(), "--parallel", "3");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("Wrote 10000 rows in 18 batches", "(6 endpoints)");
    try (RootAllocator root = Allocators.newRoot();
        BatchSet table = ArrowFiles.read(file, root)) {
      assertThat(Tables.column(table, "id", root))
          .containsExactlyElementsOf(LongStream.range(0, ROWS).mapToObj(Long::toString).toList());
    }
  }

  @Test
  void cliPreviewLsAndInfoWork() {
    Cli.Run get = Cli.against(uri, "get", "/demo/numbers", "--limit", "3");
    assertThat(get.exit()).as(get.err()).isZero();
    assertThat(get.outLines())
        .contains("id\tname", "0\trow-0", "2\trow-2", "(3 of 10000 rows shown)");
    Cli.Run ls = Cli.against(uri, "ls");
    assertThat(ls.exit()).as(ls.err()).isZero();
    assertThat(ls.out()).contains("/demo/numbers", "10000");
    Cli.Run info = Cli.against(uri, "info", "/demo/numbers");
    assertThat(info.exit()).as(info.err()).isZero();
    assertThat(info.out()).contains("Rows:      10000", "arrow-flight-reuse-connection://?");
  }

  @Test
  void aRemoteTracebackIsPrintedAsOneLine() {
    Cli.Run run = Cli.against(uri, "get", "/no/such");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err())
        .contains("No dataset '/no/such'", "[remote KeyError]")
        .doesNotContain("Traceback", "opaque_server.py");
  }

  @Test
  void demoAgainstTheServerUploadsAndFetchesThroughFlightInfo() throws Exception {
    Cli.Run run = Cli.against(uri, "demo", "--batches", "2", "--rows-per-batch", "1000");
    assertThat(run.exit()).as("flightlab demo: %s%s", run.out(), run.err()).isZero();
    try (RootAllocator root = Allocators.newRoot();
        FlightLabClient client = FlightLabClient.connect(ClientOptions.of(URI.create(uri)), root);
        BatchSet sales = client.get(DatasetPath.parse("/reports/daily_sales"))) {
      assertThat(sales.rowCount()).isPositive();
      assertThat(client.list(null)).hasSizeGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void everyKindOfLocationWorksOverAUnixSocket() throws Exception {
    Path socket = temp.resolve("opaque.sock");
    start("--unix-socket", socket.toString());
    try (RootAllocator root = Allocators.newRoot();
        FlightLabClient client = FlightLabClient.connect(ClientOptions.of(URI.create(uri)), root);
        BatchSet table = client.get(DatasetPath.parse("/demo/numbers"))) {
      assertThat(Tables.column(table, "id", client.allocator()))
          .containsExactlyElementsOf(LongStream.range(0, ROWS).mapToObj(Long::toString).toList());
    }
    Path file = temp.resolve("numbers.csv");
    Cli.Run run =
        Cli.against(uri, "get", "/demo/numbers", "-o", file.toString(), "--parallel", "3");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("Wrote 10000 rows", "(6 endpoints)");
    assertThat(Files.readAllLines(file)).hasSize(ROWS + 1).contains("4321,row-4321");
  }

  @Test
  void anEndpointFailingMidStreamFailsTheCommandInOneLineAndLeavesNoFile() throws Exception {
    start("--fail-endpoint", "3");
    for (String parallel : List.of("1", "3")) {
      Path file = temp.resolve("out").resolve("numbers.parquet");
      Files.createDirectories(file.getParent());
      Cli.Run run =
          Cli.against(uri, "get", "/demo/numbers", "-o", file.toString(), "--parallel", parallel);
      assertThat(run.exit()).as("--parallel %s: %s", parallel, run.out()).isEqualTo(1);
      assertThat(run.errLines()).as("--parallel " + parallel).hasSize(1);
      assertThat(run.err())
          .startsWith("flightlab get: ")
          .contains("endpoint 3 of 6 at grpc", "endpoint 3 failed on purpose")
          .doesNotContain("Traceback");
      try (Stream<Path> left = Files.list(file.getParent())) {
        assertThat(left).as("files left by --parallel " + parallel).isEmpty();
      }
    }
    // The same through the API, with every allocator checked at zero.
    try (RootAllocator root = Allocators.newRoot()) {
      try (FlightLabClient client =
          FlightLabClient.connect(ClientOptions.of(URI.create(uri)), root)) {
        FlightInfo info = client.info(DatasetPath.parse("/demo/numbers"));
        try (FlightInfoReader reader = client.reader(info, 4, IpcCompression.NONE)) {
          assertThatThrownBy(
                  () -> {
                    while (reader.loadNextBatch()) {
                      // read on until the failure
                    }
                  })
              .hasMessageContaining("endpoint 3 of 6");
        }
      }
      assertThat(root.getAllocatedMemory()).isZero();
    }
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }
}
