package dev.flightlab.server;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A reader that stops early frees the call; the server stays healthy and leaks nothing. Also the
 * visitor-style read ({@code readBatches}), whose visitor runs on the network thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DoGetCancellationIT {
  private static final DatasetPath PATH = DatasetPath.parse("/large/table");
  private static final int BATCHES = 48;

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private ServerFixture fx;
  private BatchSet table;

  @BeforeEach
  void putLargeTable() {
    fx = server.fixture();
    int[] rows = new int[BATCHES];
    java.util.Arrays.fill(rows, 16_384);
    // About 20 MB of IPC bodies: far more than gRPC buffers for one call.
    table = Tables.people(fx.allocator(), 0, "b", rows);
    fx.client().put(PATH, table, PutMode.REPLACE);
  }

  @AfterEach
  void closeLargeTable() {
    table.close();
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

  @Test
  void readBatchesVisitsEveryBatchInOrderWithItsValuesAndMetadata() throws Exception {
    List<String> metadata = new ArrayList<>();
    long[] ids = {0, 0};
    Schema schema;
    try (BufferAllocator loading = fx.allocator().newChildAllocator("visitor", 0, Long.MAX_VALUE);
        VectorSchemaRoot root = VectorSchemaRoot.create(Tables.PEOPLE, loading)) {
      VectorLoader loader = new VectorLoader(root);
      schema =
          fx.client()
              .readBatches(
                  PATH,
                  (batch, appMetadata) -> {
                    metadata.add(Tables.text(appMetadata));
                    loader.load(batch);
                    BigIntVector id = (BigIntVector) root.getVector("id");
                    for (int r = 0; r < root.getRowCount(); r++) {
                      // ids run on from 0 across batches: the next one expected is ids[0].
                      assertThat(id.get(r)).isEqualTo(ids[0]);
                      ids[0]++;
                    }
                    ids[1] += root.getRowCount();
                  });
    }
    assertThat(schema.getFields()).extracting(f -> f.getName()).containsExactly("id", "name");
    assertThat(metadata).hasSize(BATCHES);
    for (int i = 0; i < BATCHES; i++) {
      assertThat(metadata.get(i)).isEqualTo("b-" + i);
    }
    assertThat(ids[1]).isEqualTo(table.rowCount());
    assertServerHealthy();
  }

  @Test
  void aVisitorThatThrowsCancelsTheCallAndItsExceptionReachesTheCaller() {
    int[] seen = {0};
    IllegalStateException boom = new IllegalStateException("visitor gave up");
    assertThatThrownBy(
            () ->
                fx.client()
                    .readBatches(
                        PATH,
                        (batch, appMetadata) -> {
                          if (++seen[0] == 3) {
                            throw boom;
                          }
                        }))
        .isSameAs(boom);
    assertThat(seen[0]).isEqualTo(3);
    // Nothing of the cancelled call stays behind on either side.
    ServerFixture.awaitUntil(
        () -> fx.client().allocator().getAllocatedMemory() == 0,
        () -> "client still holds " + fx.client().allocator().getAllocatedMemory() + " bytes");
    assertServerHealthy();
  }

  @Test
  void readBatchesOfAMissingDatasetIsNotFound() {
    assertStatus(
        () -> fx.client().readBatches(DatasetPath.parse("/no/such"), (b, m) -> {}),
        FlightStatusCode.NOT_FOUND);
    assertServerHealthy();
  }
}
