package dev.flightlab.server;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An upload that fails or is abandoned mid-stream commits nothing and frees what it held. */
class FailedUploadIT {
  private static final DatasetPath PATH = DatasetPath.parse("/uploads/table");

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private ServerFixture fx;
  private BatchSet current;
  private long baseline;

  @BeforeEach
  void putCurrentVersion() {
    fx = server.fixture();
    current = Tables.people(fx.allocator(), 0, "v1", 10, 20);
    fx.client().put(PATH, current, PutMode.REPLACE);
    baseline = fx.store().memoryUsedBytes();
  }

  @AfterEach
  void closeCurrentVersion() {
    current.close();
  }

  /** Starts a DoPut of the next version and sends {@code batches} batches of it. */
  private FlightClient.ClientStreamListener sendSome(
      FlightClient client, VectorSchemaRoot root, BatchSet next, int batches, CallOption... o) {
    FlightClient.ClientStreamListener put =
        client.startPut(PATH.toDescriptor(), root, new AsyncPutListener(), o);
    VectorLoader loader = new VectorLoader(root);
    for (int i = 0; i < batches; i++) {
      loader.load(next.batches().get(i));
      put.putNext();
    }
    ServerFixture.awaitUntil(
        () ->
            fx.store().stats().uploadsInProgress() == 1 && fx.store().memoryUsedBytes() > baseline,
        () -> "the server to hold part of the upload; now " + fx.store().stats());
    return put;
  }

  private void assertOldVersionStillServedAndMemoryBack() {
    fx.awaitStoreSettled(baseline);
    try (BatchSet got = fx.client().get(PATH)) {
      Tables.assertSameTable(current, got, fx.allocator());
    }
    assertThat(fx.store().info(PATH).version()).isEqualTo(1);
    assertThat(fx.client().health().path("status").asText()).isEqualTo("ok");
  }

  @Test
  void aClientThatFailsMidStreamCommitsNothing() {
    FlightClient raw = fx.rawClient();
    try (BatchSet next = Tables.people(fx.allocator(), 100, 5_000, 5_000, 5_000, 5_000);
        VectorSchemaRoot root = VectorSchemaRoot.create(next.schema(), fx.allocator())) {
      FlightClient.ClientStreamListener put = sendSome(raw, root, next, 3);
      put.error(new IllegalStateException("the client gave up"));
      assertStatus(put::getResult, FlightStatusCode.CANCELLED);
    }
    assertOldVersionStillServedAndMemoryBack();
  }

  @Test
  void anUploadPastItsDeadlineCommitsNothing() {
    FlightClient raw = fx.rawClient();
    try (BatchSet next = Tables.people(fx.allocator(), 100, 5_000, 5_000);
        VectorSchemaRoot root = VectorSchemaRoot.create(next.schema(), fx.allocator())) {
      FlightClient.ClientStreamListener put =
          sendSome(raw, root, next, 1, CallOptions.timeout(2, TimeUnit.SECONDS));
      // Never completed: the deadline ends the call on both sides.
      assertStatus(put::getResult, FlightStatusCode.TIMED_OUT);
    }
    assertOldVersionStillServedAndMemoryBack();
  }

  @Test
  void aClientWhoseConnectionDropsMidStreamCommitsNothing() throws Exception {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", fx.server().port()).usePlaintext().build();
    try (FlightClient doomed = FlightGrpcUtils.createFlightClient(fx.root(), channel);
        BatchSet next = Tables.people(fx.allocator(), 100, 5_000, 5_000, 5_000);
        VectorSchemaRoot root = VectorSchemaRoot.create(next.schema(), fx.allocator())) {
      FlightClient.ClientStreamListener put = sendSome(doomed, root, next, 2);
      channel.shutdownNow();
      assertThat(channel.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertStatus(put::getResult, FlightStatusCode.UNAVAILABLE);
    }
    assertOldVersionStillServedAndMemoryBack();
  }

  @Test
  void aFailedUploadToANewPathLeavesNoDataset() {
    FlightClient raw = fx.rawClient();
    DatasetPath fresh = DatasetPath.parse("/uploads/fresh");
    try (BatchSet next = Tables.people(fx.allocator(), 0, 5_000, 5_000);
        VectorSchemaRoot root = VectorSchemaRoot.create(next.schema(), fx.allocator())) {
      FlightClient.ClientStreamListener put =
          raw.startPut(fresh.toDescriptor(), root, new AsyncPutListener());
      new VectorLoader(root).load(next.batches().get(0));
      put.putNext();
      ServerFixture.awaitUntil(
          () -> fx.store().stats().uploadsInProgress() == 1,
          () -> "the upload to start; now " + fx.store().stats());
      assertThat(fx.client().list(null)).as("nothing visible before commit").hasSize(1);
      put.error(new IllegalStateException("stop"));
      assertStatus(put::getResult, FlightStatusCode.CANCELLED);
    }
    fx.awaitStoreSettled(baseline);
    assertThat(fx.client().list(null)).hasSize(1);
  }

  @Test
  void theSamePathTakesANewUploadAfterAFailedOne() {
    FlightClient raw = fx.rawClient();
    try (BatchSet next = Tables.people(fx.allocator(), 100, 5_000, 5_000);
        VectorSchemaRoot root = VectorSchemaRoot.create(next.schema(), fx.allocator())) {
      sendSome(raw, root, next, 1).error(new IllegalStateException("stop"));
      fx.awaitStoreSettled(baseline);
      fx.client().put(PATH, next, PutMode.REPLACE);
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(next, got, fx.allocator());
      }
      assertThat(fx.store().info(PATH).version()).isEqualTo(2);
    }
  }
}
