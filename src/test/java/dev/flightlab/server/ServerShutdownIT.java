package dev.flightlab.server;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.time.Duration;
import java.util.Arrays;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** close() returns with clients still connected and calls in flight, and frees everything. */
class ServerShutdownIT {
  private static final DatasetPath PATH = DatasetPath.parse("/shutdown/table");

  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(1);

  /**
   * A stuck call is cancelled at the shutdown timeout, and close() returns soon after: well under
   * the timeout plus the 3 s Arrow's FlightServer.close() would wait on top of it.
   */
  private static final Duration CANCELLED_CLOSE_WITHIN = Duration.ofSeconds(3);

  /** A hang guard, not a speed check: room for a slow machine. */
  private static final Duration CLOSE_RETURNS_WITHIN = Duration.ofSeconds(60);

  @RegisterExtension
  final FlightServerExtension server =
      new FlightServerExtension(
          new ServerOptions(
              ServerOptions.DEFAULT_HOST,
              0,
              0,
              null,
              null,
              null,
              SHUTDOWN_TIMEOUT,
              ServerOptions.DEFAULT_CLIENT_WAIT_TIMEOUT));

  private ServerFixture fx;
  private BatchSet table;

  @BeforeEach
  void putTable() {
    fx = server.fixture();
    int[] rows = new int[32];
    Arrays.fill(rows, 16_384);
    table = Tables.people(fx.allocator(), 0, rows);
    fx.client().put(PATH, table, PutMode.REPLACE);
  }

  @AfterEach
  void closeTable() {
    table.close();
  }

  /** Closes the server (bounded by the hang guard) and returns how long close() took. */
  private Duration closeServer() {
    return assertTimeoutPreemptively(
        CLOSE_RETURNS_WITHIN,
        () -> {
          long start = System.nanoTime();
          fx.closeServer();
          return Duration.ofNanos(System.nanoTime() - start);
        });
  }

  /** close() with a call still running: waits the shutdown timeout, then cancels it. */
  private void closeServerWithAStuckCall() {
    Duration took = closeServer();
    assertThat(took)
        .as("close() with a stuck call waits the shutdown timeout, then cancels it")
        .isGreaterThanOrEqualTo(SHUTDOWN_TIMEOUT.minusMillis(50))
        .isLessThan(CANCELLED_CLOSE_WITHIN);
  }

  @Test
  void closeReturnsWithAnIdleClientConnected() {
    assertThat(fx.client().list(null)).hasSize(1);
    assertThat(closeServer()).as("close() with no call running").isLessThan(SHUTDOWN_TIMEOUT);
    assertStatus(() -> fx.client().list(null), FlightStatusCode.UNAVAILABLE);
  }

  @Test
  void closeCancelsADoGetWhoseClientStopsReadingAtTheShutdownTimeout() throws Exception {
    FlightClient raw = fx.rawClient();
    try (FlightStream stream = raw.getStream(PATH.toTicket())) {
      assertThat(stream.next()).isTrue();
      // The client reads no further: the server's DoGet waits for it.
      closeServerWithAStuckCall();
      assertThatThrownBy(
              () -> {
                while (stream.next()) {
                  // the rest, until the cancelled call ends
                }
              })
          .isInstanceOf(FlightRuntimeException.class);
    } catch (FlightRuntimeException expectedOnClose) {
      // Closing a stream the server cancelled may report the cancellation again.
    }
  }

  @Test
  void closeCancelsADoPutInFlightAtTheShutdownTimeout() {
    FlightClient raw = fx.rawClient();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(table.schema(), fx.allocator())) {
      FlightClient.ClientStreamListener put =
          raw.startPut(
              DatasetPath.parse("/shutdown/upload").toDescriptor(), root, new AsyncPutListener());
      new VectorLoader(root).load(table.batches().get(0));
      put.putNext();
      ServerFixture.awaitUntil(
          () -> fx.store().stats().uploadsInProgress() == 1,
          () -> "the upload to start; now " + fx.store().stats());
      closeServerWithAStuckCall();
      assertThatThrownBy(put::getResult).isInstanceOf(FlightRuntimeException.class);
    }
  }
}
