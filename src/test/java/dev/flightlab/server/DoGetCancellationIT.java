package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.store.DatasetPath;
import dev.flightlab.store.PutMode;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A reader that stops early frees the call; the server stays healthy and leaks nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DoGetCancellationIT {
  private static final DatasetPath PATH = DatasetPath.parse("/large/table");
  private static final int BATCHES = 48;

  private ServerFixture fx;
  private BatchSet table;

  @BeforeEach
  void start() throws Exception {
    fx = ServerFixture.start();
    int[] rows = new int[BATCHES];
    java.util.Arrays.fill(rows, 16_384);
    // About 20 MB of IPC bodies: far more than gRPC buffers for one call.
    table = Tables.people(fx.allocator(), 0, "b", rows);
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

  /**
   * The server answers, serves the whole dataset to another client, and has let go of every
   * snapshot: once the dataset is dropped, its memory is freed (a DoGet still running would hold
   * it).
   */
  private void assertServerHealthy() {
    assertThat(fx.client().health().path("status").asText()).isEqualTo("ok");
    try (BatchSet got = fx.newClient(null).get(PATH)) {
      Tables.assertSameTable(table, got, fx.allocator());
    }
    fx.client().drop(PATH);
    fx.awaitStoreSettled(0);
  }

  @Test
  void aClientThatCancelsMidStreamLeavesTheServerHealthy() throws Exception {
    FlightClient raw = fx.rawClient();
    try (FlightStream stream = raw.getStream(PATH.toTicket())) {
      for (int i = 0; i < 3; i++) {
        assertThat(stream.next()).isTrue();
        assertThat(stream.getRoot().getRowCount()).isEqualTo(16_384);
      }
      stream.cancel("read enough", null);
    }
    assertServerHealthy();
  }

  @Test
  void aClientThatClosesTheStreamUnreadLeavesTheServerHealthy() throws Exception {
    FlightClient raw = fx.rawClient();
    try (FlightStream stream = raw.getStream(PATH.toTicket())) {
      assertThat(stream.next()).isTrue();
      // Closing an unfinished stream cancels the call.
    }
    assertServerHealthy();
  }

  @Test
  void manyCancelledReadsInARowLeaveNothingBehind() throws Exception {
    FlightClient raw = fx.rawClient();
    for (int round = 0; round < 8; round++) {
      try (FlightStream stream = raw.getStream(PATH.toTicket())) {
        for (int i = 0; i <= round; i++) {
          assertThat(stream.next()).isTrue();
        }
        stream.cancel("round " + round, null);
      }
    }
    assertServerHealthy();
  }

  @Test
  void aCancelledReadDoesNotDisturbAConcurrentFullRead() throws Exception {
    FlightClient raw = fx.rawClient();
    try (FlightStream slow = raw.getStream(PATH.toTicket())) {
      assertThat(slow.next()).isTrue();
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(table, got, fx.allocator());
      }
      slow.cancel("done", null);
    }
    assertServerHealthy();
  }

  @Test
  void aSlowReaderGetsEveryBatchInOrder() throws Exception {
    FlightClient raw = fx.rawClient();
    long rows = 0;
    int batches = 0;
    try (FlightStream stream = raw.getStream(PATH.toTicket())) {
      while (stream.next()) {
        assertThat(stream.getRoot().getRowCount()).isEqualTo(16_384);
        assertThat(Tables.text(stream.getLatestMetadata())).isEqualTo("b-" + batches);
        rows += stream.getRoot().getRowCount();
        batches++;
        if (batches % 8 == 0) {
          Thread.sleep(20);
        }
      }
    }
    assertThat(batches).isEqualTo(BATCHES);
    assertThat(rows).isEqualTo(table.rowCount());
    assertServerHealthy();
  }
}
