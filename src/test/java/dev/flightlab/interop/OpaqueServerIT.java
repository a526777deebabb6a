package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.files.ArrowFiles;
import dev.flightlab.memory.Allocators;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * flightlab's client against a Flight server that is not flightlab's (python/opaque_server.py):
 * opaque tickets, four endpoints with every kind of location, batches re-chunked on the way out,
 * errors with Python tracebacks.
 */
@DisabledIfEnvironmentVariable(named = Pyarrow.SKIP_VARIABLE, matches = "1")
class OpaqueServerIT {
  private static final int ROWS = 10_000;

  @TempDir Path temp;
  private Process process;
  private Path log;
  private String uri;

  @BeforeEach
  void startServer() throws Exception {
    log = temp.resolve("opaque_server.log");
    Path portFile = temp.resolve("opaque_server.port");
    process =
        Pyarrow.start(
            log,
            "opaque_server.py",
            "--port-file",
            portFile.toString(),
            "--rows",
            Integer.toString(ROWS),
            "--chunk-rows",
            "700");
    ServerFixture.awaitUntil(
        () -> Files.exists(portFile) || !process.isAlive(),
        () -> "python/opaque_server.py to write its port; log:\n" + readQuietly(log));
    assertThat(process.isAlive()).as("opaque_server.py exited: %s", readQuietly(log)).isTrue();
    uri = Pyarrow.grpc(Integer.parseInt(Files.readString(portFile).trim()));
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
      // 4 endpoints of 2,500 rows, each re-chunked into batches of at most 700.
      assertThat(Tables.rowCounts(table)).hasSize(16).allMatch(n -> n <= 700);
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
    assertThat(run.out()).contains("Wrote 10000 rows in 16 batches", "(4 endpoints)");
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

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }
}
