package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.ServeProcess;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
    ServeProcess serve = ServeProcess.start(dir.resolve("serve.log"), "--shutdown-timeout", "60s");
    try (RootAllocator allocator = new RootAllocator()) {
      URI uri = serve.uri();
      int port = serve.port();
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
          serve.sigterm();
          ServerFixture.awaitUntil(
              () -> refusedAsShuttingDown(late),
              () -> "a new call to be refused (last: " + lastAnswer + "); log:\n" + serve.log());
          boolean second = refusedAsShuttingDown(late);
          assertThat(second)
              .as("a second new call (%s); log:%n%s", lastAnswer, serve.log())
              .isTrue();
          assertThat(serve.isAlive()).as("serve waits for the DoGet").isTrue();
          while (slow.next()) {
            received += slow.getRoot().getRowCount();
          }
          assertThat(received).isEqualTo(128L * 16_384);
        }
      }
      assertThat(serve.awaitExit(Duration.ofSeconds(60)))
          .as("exit code; log:%n%s", serve.log())
          .isZero();
      assertThat(serve.log())
          .containsPattern("waiting up to 60000 ms for [0-9]+ call\\(s\\) in flight");
    } finally {
      serve.close();
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
}
