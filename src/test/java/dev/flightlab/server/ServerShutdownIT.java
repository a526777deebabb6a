package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.flightlab.data.BatchSet;
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

/** close() returns with clients still connected and calls in flight, and frees everything. */
class ServerShutdownIT {
  private static final DatasetPath PATH = DatasetPath.parse("/shutdown/table");

  /**
   * A hang guard, not a speed check: the shutdown timeout, Flight's own 3 s + 3 s of forcing, the
   * store's 5 s wait for queued buffers, and room for a slow machine.
   */
  private static final Duration CLOSE_RETURNS_WITHIN = Duration.ofSeconds(60);

  private ServerFixture fx;
  private BatchSet table;

  @BeforeEach
  void start() throws Exception {
    ServerOptions options =
        new ServerOptions(
            ServerOptions.DEFAULT_HOST,
            0,
            0,
            null,
            null,
            null,
            Duration.ofSeconds(1),
            ServerOptions.DEFAULT_CLIENT_WAIT_TIMEOUT);
    fx = ServerFixture.start(options);
    int[] rows = new int[32];
    Arrays.fill(rows, 16_384);
    table = Tables.people(fx.allocator(), 0, rows);
    fx.client().put(PATH, table, PutMode.REPLACE);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      table.close();
    } finally {
      fx.close();
    }
  }

  private void closeServer() {
    assertTimeoutPreemptively(CLOSE_RETURNS_WITHIN, () -> fx.closeServer());
  }

  @Test
  void closeReturnsWithAnIdleClientConnected() {
    assertThat(fx.client().list(null)).hasSize(1);
    closeServer();
    assertThatThrownBy(() -> fx.client().list(null))
        .isInstanceOfSatisfying(
            FlightRuntimeException.class,
            e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAVAILABLE));
  }

  @Test
  void closeReturnsWhileADoGetIsInFlightAndTheClientStopsReading() throws Exception {
    FlightClient raw = fx.rawClient();
    try (FlightStream stream = raw.getStream(PATH.toTicket())) {
      assertThat(stream.next()).isTrue();
      // The client reads no further: the server's DoGet waits for it.
      closeServer();
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
  void closeReturnsWhileADoPutIsInFlight() {
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
      closeServer();
      assertThatThrownBy(put::getResult).isInstanceOf(FlightRuntimeException.class);
    }
  }
}
