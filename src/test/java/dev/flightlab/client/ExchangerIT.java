package dev.flightlab.client;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.data.BatchSet;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.AllTypes;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.FlightMethods;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.OutboundFlightData;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DoExchange on flightlab's data plane against a real server: echoes, failures, cancellation. */
class ExchangerIT {
  private static final FlightDescriptor ECHO = FlightDescriptor.path("/echo");

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private ServerFixture fx;

  @BeforeEach
  void fixture() {
    fx = server.fixture();
  }

  @Test
  void echoComesBackExactlyWithDictionariesAndAppMetadata() {
    try (BatchSet sent = AllTypes.table(fx.allocator(), "x", 8, 0, 9);
        ExchangeOutcome outcome = fx.client().exchange(ECHO, sent)) {
      Tables.assertSameTable(sent, outcome.received(), fx.allocator());
      assertThat(outcome.rowsSent()).isEqualTo(17);
      assertThat(outcome.batchesSent()).isEqualTo(3);
      assertThat(outcome.rowsReceived()).isEqualTo(17);
      assertThat(outcome.batchesReceived()).isEqualTo(3);
      assertThat(outcome.ipcStreamBytes()).isPositive();
    }
    assertThat(fx.client().list(null)).as("an exchange stores nothing").isEmpty();
  }

  @Test
  void compressedBatchesComeBackWithTheSameValues() {
    try (BatchSet sent = Tables.people(fx.allocator(), 0, "z", 1_000, 3, 2_000);
        ExchangeOutcome outcome =
            fx.client()
                .exchange(
                    ECHO, sent, sent.appMetadata(), IpcCompression.parse("zstd"), null, true)) {
      Tables.assertSameTable(sent, outcome.received(), fx.allocator());
    }
  }

  @Test
  void listenerSeesEverySendAndEchoInOrderWhileNothingIsKept() {
    List<Integer> sending = new ArrayList<>();
    List<String> echoed = new ArrayList<>();
    FlightLabClient.ExchangeListener listener =
        new FlightLabClient.ExchangeListener() {
          @Override
          public void sending(int index, long bodyBytes) {
            assertThat(bodyBytes).isPositive();
            sending.add(index);
          }

          @Override
          public void echoed(ArrowRecordBatch batch, ArrowBuf appMetadata) {
            echoed.add(Tables.text(appMetadata) + ":" + batch.getLength());
          }
        };
    try (BatchSet sent = Tables.people(fx.allocator(), 0, "m", 5, 0, 7, 1);
        ExchangeOutcome outcome =
            fx.client()
                .exchange(ECHO, sent, sent.appMetadata(), IpcCompression.NONE, listener, false)) {
      assertThat(outcome.received()).isNull();
      assertThat(outcome.rowsReceived()).isEqualTo(13);
      assertThat(outcome.batchesReceived()).isEqualTo(4);
    }
    // The listener's echo calls ran on the network thread; the call's end orders them before this.
    assertThat(sending).containsExactly(0, 1, 2, 3);
    assertThat(echoed).containsExactly("m-0:5", "m-1:0", "m-2:7", "m-3:1");
  }

  @Test
  void serverErrorMidStreamSurfacesAsItsFlightStatus() throws Exception {
    long limit = 1L << 20;
    try (ServerFixture limited =
            ServerFixture.start(ServerOptions.ephemeral().withMemoryLimit(limit));
        BatchSet sent = Tables.people(limited.allocator(), 0, "b", 100, 100, 200_000, 100)) {
      List<String> echoed = new ArrayList<>();
      assertStatus(
          () ->
              limited
                  .client()
                  .exchange(
                      ECHO, sent, sent.appMetadata(), IpcCompression.NONE, echoes(echoed), true)
                  .close(),
          FlightStatusCode.RESOURCE_EXHAUSTED,
          "memory limit");
      assertThat(echoed).as("what came back before the failure").containsExactly("b-0", "b-1");
      // The same connection goes on working.
      try (BatchSet small = Tables.people(limited.allocator(), 0, "s", 3);
          ExchangeOutcome again = limited.client().exchange(ECHO, small)) {
        Tables.assertSameTable(small, again.received(), limited.allocator());
      }
    }
  }

  @Test
  void listenerThatThrowsCancelsTheExchangeAndFreesBothEnds() {
    try (BatchSet sent = Tables.people(fx.allocator(), 0, "c", batches(40, 20_000))) {
      FlightLabClient.ExchangeListener stopAtFirst =
          new FlightLabClient.ExchangeListener() {
            @Override
            public void sending(int index, long bodyBytes) {}

            @Override
            public void echoed(ArrowRecordBatch batch, ArrowBuf appMetadata) {
              throw new IllegalStateException("reader gave up");
            }
          };
      assertThatThrownBy(
              () ->
                  fx.client()
                      .exchange(
                          ECHO, sent, sent.appMetadata(), IpcCompression.NONE, stopAtFirst, true)
                      .close())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("reader gave up");
      ServerFixture.awaitUntil(
          () -> fx.store().inFlightAllocator().getAllocatedMemory() == 0,
          () -> "the server to free the cancelled exchange: " + fx.store().inFlightAllocator());
      try (ExchangeOutcome again = fx.client().exchange(ECHO, sent)) {
        assertThat(again.batchesReceived()).isEqualTo(40);
      }
    }
  }

  @Test
  void serverThatEndsEarlyWithoutErrorStopsTheSending() throws Exception {
    try (RootAllocator root = new RootAllocator()) {
      BufferAllocator serverMemory = root.newChildAllocator("early-server", 0, Long.MAX_VALUE);
      Server early = endsAfterTheSchema(serverMemory);
      try (FlightLabClient client =
              FlightLabClient.connect(
                  ClientOptions.of(URI.create("grpc://127.0.0.1:" + early.getPort())), root);
          BatchSet sent = Tables.people(root, 0, "e", batches(40, 50_000));
          ExchangeOutcome outcome =
              client.exchange(ECHO, sent, sent.appMetadata(), IpcCompression.NONE, null, false)) {
        assertThat(outcome.batchesSent()).isLessThan(40);
        assertThat(outcome.rowsSent()).isEqualTo(50_000L * outcome.batchesSent());
        assertThat(outcome.batchesReceived()).isZero();
      } finally {
        early.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      assertThat(serverMemory.getAllocatedMemory()).isZero();
      serverMemory.close();
      assertThat(root.getAllocatedMemory()).isZero();
    }
  }

  /** A Flight server whose DoExchange takes the schema message and ends the call, OK. */
  private static Server endsAfterTheSchema(BufferAllocator allocator) throws Exception {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(FlightServiceGrpc.SERVICE_NAME)
            .addMethod(
                FlightMethods.serverDoExchange(allocator),
                ServerCalls.asyncBidiStreamingCall(
                    (StreamObserver<OutboundFlightData> out) ->
                        new StreamObserver<InboundFlightData>() {
                          private boolean ended;

                          @Override
                          public void onNext(InboundFlightData message) {
                            message.close();
                            if (!ended) {
                              ended = true;
                              out.onCompleted();
                            }
                          }

                          @Override
                          public void onError(Throwable t) {}

                          @Override
                          public void onCompleted() {}
                        }))
            .build();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(service)
        .build()
        .start();
  }

  private static FlightLabClient.ExchangeListener echoes(List<String> echoed) {
    return new FlightLabClient.ExchangeListener() {
      @Override
      public void sending(int index, long bodyBytes) {}

      @Override
      public void echoed(ArrowRecordBatch batch, ArrowBuf appMetadata) {
        echoed.add(Tables.text(appMetadata));
      }
    };
  }

  private static int[] batches(int count, int rows) {
    int[] out = new int[count];
    java.util.Arrays.fill(out, rows);
    return out;
  }
}
