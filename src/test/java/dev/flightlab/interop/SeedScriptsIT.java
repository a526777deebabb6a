package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.testing.Cli;
import dev.flightlab.testing.ServerFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed race's four parties work together: the original pyarrow client (python/seed_client.py)
 * against flightlab and against the original pyarrow server (python/seed_server.py), flightlab's
 * demo against that pyarrow server, and the bulk int64x4 mode both ways.
 */
@DisabledIfEnvironmentVariable(named = Pyarrow.SKIP_VARIABLE, matches = "1")
class SeedScriptsIT {
  @TempDir Path temp;

  /** python/seed_server.py on a free port, stopped (SIGTERM, then SIGKILL) at close. */
  private static final class SeedServer implements AutoCloseable {
    private final Process process;
    private final Path log;
    final int port;

    SeedServer(Path dir) throws Exception {
      log = dir.resolve("seed_server.log");
      Path portFile = dir.resolve("seed_server.port");
      process =
          Pyarrow.start(log, "seed_server.py", "--port", "0", "--port-file", portFile.toString());
      ServerFixture.awaitUntil(
          () -> Files.exists(portFile) || !process.isAlive(),
          () -> "python/seed_server.py to write its port; log:\n" + readQuietly(log));
      assertThat(process.isAlive())
          .as("seed_server.py exited; log:%n%s", readQuietly(log))
          .isTrue();
      port = Integer.parseInt(Files.readString(portFile).trim());
    }

    String uri() {
      return Pyarrow.grpc(port);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  private static List<String> paths(String uri) throws Exception {
    int port = Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
    List<String> paths = new ArrayList<>();
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client =
            FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build()) {
      for (FlightInfo info : client.listFlights(Criteria.ALL)) {
        paths.add(String.join("/", info.getDescriptor().getPath()));
      }
    }
    return paths;
  }

  @Test
  void theOriginalClientRunsAgainstFlightlabWithTheDemosLines() throws Exception {
    try (ServerFixture fx = ServerFixture.start()) {
      Pyarrow.Run run =
          Pyarrow.run(
              "seed_client.py",
              "--server",
              fx.uri().toString(),
              "--batches",
              "3",
              "--rows-per-batch",
              "4096");
      assertThat(run.exit()).as(run.describe()).isZero();
      String log = run.err();
      assertThat(log)
          .as(run.describe())
          .contains(" - INFO - Flight client initialized, connecting to " + fx.uri())
          .contains(" - INFO - Created table for '/my_app/user_sessions' with 3 rows.")
          .contains(" - INFO -   Found Flight: '/reports/daily_sales'")
          .contains(" - INFO -     Total records: 2")
          .contains(" - INFO - Successfully listed 2 flights.")
          .contains(" - INFO - Successfully retrieved 2 rows from '/reports/daily_sales'.")
          .contains(" - INFO -   A\t150.75")
          .contains(" - INFO - Starting benchmark: 3 do_put operations of 4,096 rows each")
          .contains(" - INFO - Successful do_put operations: 3 of 3")
          .containsPattern(" - INFO - Overall Throughput \\(MB/s\\): [0-9]+\\.[0-9]{2} MB/s");
      assertThat(paths(fx.uri().toString()))
          .containsExactlyInAnyOrder(
              "/my_app/user_sessions",
              "/reports/daily_sales",
              "/benchmark/batch_0",
              "/benchmark/batch_1",
              "/benchmark/batch_2");
    }
  }

  @Test
  void theOriginalClientAndServerCountTheOriginals212_54MB() throws Exception {
    try (SeedServer seed = new SeedServer(temp)) {
      Pyarrow.Run run = Pyarrow.run("seed_client.py", "--server", seed.uri());
      assertThat(run.exit()).as(run.describe()).isZero();
      assertThat(run.err())
          .as(run.describe())
          .contains(" - INFO -     Endpoint: [grpc+tcp://127.0.0.1:" + seed.port + "]")
          .contains(" - INFO - Total data sent (benchmark): 212.54 MB")
          .contains(" - INFO - Successful do_put operations: 100 of 100");
      assertThat(paths(seed.uri())).hasSize(102).contains("/benchmark/batch_99");
    }
  }

  @Test
  void flightlabsDemoRunsAgainstTheOriginalServer() throws Exception {
    try (SeedServer seed = new SeedServer(temp)) {
      Cli.Run run = Cli.against(seed.uri(), "demo", "--batches", "3", "--rows-per-batch", "4096");
      assertThat(run.exit()).as("flightlab demo: %s%s", run.out(), run.err()).isZero();
      assertThat(paths(seed.uri()))
          .containsExactlyInAnyOrder(
              "/my_app/user_sessions",
              "/reports/daily_sales",
              "/benchmark/batch_0",
              "/benchmark/batch_1",
              "/benchmark/batch_2");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"put", "get"})
  void bulkModeMovesInt64x4AgainstFlightlabAndTheOriginalServer(String op) throws Exception {
    try (ServerFixture fx = ServerFixture.start();
        SeedServer seed = new SeedServer(temp)) {
      for (String uri : List.of(fx.uri().toString(), seed.uri())) {
        Pyarrow.Run run =
            Pyarrow.run(
                "seed_client.py",
                "--mode",
                "bulk",
                "--op",
                op,
                "--server",
                uri,
                "--rows",
                "100000",
                "--batch-rows",
                "4096");
        assertThat(run.exit()).as(run.describe()).isZero();
        assertThat(run.lines())
            .as(run.describe())
            .last()
            .asString()
            .startsWith(
                "RESULT op="
                    + op
                    + " rows=100000 batch_rows=4096 batches=25 body_bytes=3200000 seconds=")
            .containsPattern(" MiBps=[0-9]+\\.[0-9]$");
        assertThat(paths(uri)).containsExactly("/seed/int64x4");
      }
    }
  }
}
