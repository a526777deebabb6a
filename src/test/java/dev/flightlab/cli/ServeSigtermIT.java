package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code flightlab serve} process told SIGTERM while a slow DoGet is in flight: new calls
 * hear UNAVAILABLE ("server is shutting down"), the DoGet finishes, and the process exits 0.
 */
class ServeSigtermIT {
  private static final DatasetPath PATH = DatasetPath.parse("/sigterm/table");

  @TempDir Path dir;

  @Test
  void sigtermDrainsCallsInFlightAnswersNewOnesUnavailableAndExitsZero() throws Exception {
    Path portFile = dir.resolve("port");
    Path log = dir.resolve("serve.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("-Xmx") || arg.startsWith("-D")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "serve",
            "--port",
            "0",
            "--port-file",
            portFile.toString(),
            "--shutdown-timeout",
            "60s"));
    Process serve =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try (RootAllocator allocator = new RootAllocator()) {
      ServerFixture.awaitUntil(
          () -> Files.exists(portFile) || !serve.isAlive(),
          () -> "serve to write its port file; log:\n" + read(log));
      assertThat(serve.isAlive()).as("serve is running; log:%n%s", read(log)).isTrue();
      int port = Integer.parseInt(Files.readString(portFile).trim());
      URI uri = URI.create("grpc://127.0.0.1:" + port);
      // More than the flow-control window and the send queue hold: the DoGet stays in flight.
      int[] rows = new int[128];
      Arrays.fill(rows, 16_384);
      try (FlightLabClient client = FlightLabClient.connect(ClientOptions.of(uri), allocator);
          FlightLabClient late = FlightLabClient.connect(ClientOptions.of(uri), allocator);
          FlightClient raw =
              FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build();
          BatchSet table = Tables.people(allocator, 0, rows)) {
        client.put(PATH, table, PutMode.REPLACE);
        assertThat(late.list(null)).hasSize(1);
        try (FlightStream slow = raw.getStream(PATH.toTicket())) {
          assertThat(slow.next()).isTrue();
          long received = slow.getRoot().getRowCount();
          // The DoGet is in flight, its reader paused: now SIGTERM.
          serve.destroy();
          ServerFixture.awaitUntil(
              () -> refusedAsShuttingDown(late),
              () -> "a new call to be refused (last: " + lastAnswer + "); log:\n" + read(log));
          boolean second = refusedAsShuttingDown(late);
          assertThat(second).as("a second new call (%s); log:%n%s", lastAnswer, read(log)).isTrue();
          assertThat(serve.isAlive()).as("serve waits for the DoGet").isTrue();
          while (slow.next()) {
            received += slow.getRoot().getRowCount();
          }
          assertThat(received).isEqualTo(128L * 16_384);
        }
      }
      assertThat(serve.waitFor(60, TimeUnit.SECONDS))
          .as("serve exits; log:%n%s", read(log))
          .isTrue();
      assertThat(serve.exitValue()).as("exit code; log:%n%s", read(log)).isZero();
      assertThat(read(log))
          .containsPattern("waiting up to 60000 ms for [0-9]+ call\\(s\\) in flight");
    } finally {
      serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String lastAnswer = "";

  private static boolean refusedAsShuttingDown(FlightLabClient client) {
    try {
      client.list(null);
      lastAnswer = "listed";
      return false;
    } catch (FlightRuntimeException e) {
      lastAnswer = e.status().code() + ": " + e.getMessage();
      return e.status().code() == FlightStatusCode.UNAVAILABLE
          && String.valueOf(e.getMessage()).contains("shutting down");
    }
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (java.io.IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
