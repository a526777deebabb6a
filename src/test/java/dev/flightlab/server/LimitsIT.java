package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.flightlab.testing.RawFlight;
import dev.flightlab.testing.ServerFixture;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** Every limit answers with its Flight status before it is passed, and the server stays up. */
class LimitsIT {
  private static final Schema IDS =
      new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true))));

  private static byte[] schemaMessage(String path) {
    return Flight.FlightData.newBuilder()
        .setFlightDescriptor(
            Flight.FlightDescriptor.newBuilder()
                .setType(Flight.FlightDescriptor.DescriptorType.PATH)
                .addPath(path))
        .setDataHeader(
            ByteString.copyFrom(MessageSerializer.serializeMetadata(IDS, IpcOption.DEFAULT)))
        .build()
        .toByteArray();
  }

  /** A FlightData message whose body is {@code bytes} long (never read: the size decides). */
  private static byte[] bodyOf(int bytes) {
    return Flight.FlightData.newBuilder()
        .setDataBody(ByteString.copyFrom(new byte[bytes]))
        .build()
        .toByteArray();
  }

  /** A valid record batch message of {@code rows} ids (0, 1, 2...). */
  private static byte[] idsBatch(int rows) {
    try (RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(IDS, allocator)) {
      BigIntVector ids = (BigIntVector) root.getVector(0);
      for (int i = 0; i < rows; i++) {
        ids.setSafe(i, i);
      }
      root.setRowCount(rows);
      try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
        byte[] body = new byte[(int) batch.computeBodyLength()];
        for (int i = 0; i < batch.getBuffers().size(); i++) {
          batch
              .getBuffers()
              .get(i)
              .getBytes(
                  0,
                  body,
                  (int) batch.getBuffersLayout().get(i).getOffset(),
                  (int) batch.getBuffersLayout().get(i).getSize());
        }
        java.nio.ByteBuffer header = MessageSerializer.serializeMetadata(batch, IpcOption.DEFAULT);
        byte[] headerBytes = new byte[header.remaining()];
        header.get(headerBytes);
        return Flight.FlightData.newBuilder()
            .setDataHeader(ByteString.copyFrom(headerBytes))
            .setDataBody(ByteString.copyFrom(body))
            .build()
            .toByteArray();
      }
    }
  }

  /** What a client is told of a message of {@code bytes} over a 1 MiB --max-message-size. */
  private static void assertTooLarge(RawFlight.Outcome outcome, String method, int bytes) {
    assertThat(outcome.status().getCode())
        .as(method + " " + outcome.status())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(outcome.status().getDescription())
        .as(method)
        .isEqualTo(
            method
                + ": message of "
                + bytes
                + " bytes exceeds the server's --max-message-size of 1 MiB");
  }

  @Test
  void aMessageOverTheMaximumSizeIsResourceExhaustedNamingTheFlagOnEveryCall() throws Exception {
    try (ServerFixture fx =
            ServerFixture.start(
                ServerOptions.ephemeral(), ServerLimits.defaults().withMaxMessageBytes(1 << 20));
        RawFlight raw = new RawFlight(fx.server().port())) {
      byte[] big = bodyOf(2 << 20);
      // Straight after the schema, before the server has sent anything.
      assertTooLarge(
          raw.call(
              "DoPut",
              MethodType.BIDI_STREAMING,
              List.of(schemaMessage("/big"), big),
              new Metadata()),
          "DoPut",
          big.length);
      // After a batch the server acknowledged: its response headers are out already.
      RawFlight.Outcome acked =
          raw.call(
              "DoPut",
              MethodType.BIDI_STREAMING,
              List.of(schemaMessage("/big"), idsBatch(100), big),
              new Metadata());
      assertTooLarge(acked, "DoPut", big.length);
      assertTooLarge(
          raw.call(
              "DoExchange",
              MethodType.BIDI_STREAMING,
              List.of(schemaMessage("/x"), idsBatch(100), big),
              new Metadata()),
          "DoExchange",
          big.length);
      byte[] hugeDescriptor =
          Flight.FlightDescriptor.newBuilder()
              .setType(Flight.FlightDescriptor.DescriptorType.PATH)
              .addPath("/" + "a".repeat(2 << 20))
              .build()
              .toByteArray();
      assertTooLarge(
          raw.call("GetFlightInfo", MethodType.UNARY, List.of(hugeDescriptor), null),
          "GetFlightInfo",
          hugeDescriptor.length);
      byte[] hugeAction =
          Flight.Action.newBuilder()
              .setType("drop")
              .setBody(ByteString.copyFrom(new byte[2 << 20]))
              .build()
              .toByteArray();
      assertTooLarge(
          raw.call("DoAction", MethodType.SERVER_STREAMING, List.of(hugeAction), null),
          "DoAction",
          hugeAction.length);
      fx.awaitStoreSettled(0);
      assertThat(fx.store().stats().datasets()).isZero();
      // The same connection still serves, and a message under the limit is taken.
      assertThat(
              raw.call(
                      "DoPut",
                      MethodType.BIDI_STREAMING,
                      List.of(schemaMessage("/small"), idsBatch(100)),
                      new Metadata())
                  .status()
                  .getCode())
          .isEqualTo(Status.Code.OK);
      assertThat(fx.store().stats().datasets()).isEqualTo(1);
    }
  }

  @Test
  void bodiesOverTheMemoryLimitAreRefusedBeforeTheyAreAllocated() throws Exception {
    long limit = 4 << 20;
    try (ServerFixture fx = ServerFixture.start(ServerOptions.ephemeral().withMemoryLimit(limit));
        RawFlight raw = new RawFlight(fx.server().port())) {
      RawFlight.Outcome outcome =
          raw.call(
              "DoPut",
              MethodType.BIDI_STREAMING,
              List.of(schemaMessage("/big"), bodyOf(8 << 20)),
              new Metadata());
      assertThat(outcome.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(outcome.status().getDescription()).contains("--memory-limit");
      fx.awaitStoreSettled(0);
      assertThat(fx.store().stats().memoryPeakBytes()).isLessThanOrEqualTo(limit);
    }
  }

  @Test
  void aConnectionOverTheCapHasItsCallsRefusedNamingTheFlagThenIsClosed() throws Exception {
    try (ServerFixture fx =
        ServerFixture.start(
            ServerOptions.ephemeral(), ServerLimits.defaults().withMaxConnections(3))) {
      List<ManagedChannel> channels = new ArrayList<>();
      try {
        // One at a time, so that the first three are the ones admitted.
        for (int i = 0; i < 4; i++) {
          ManagedChannel c =
              NettyChannelBuilder.forAddress("127.0.0.1", fx.server().port())
                  .usePlaintext()
                  .build();
          channels.add(c);
          if (i < 3) {
            listActions(c);
          }
        }
        ManagedChannel fourth = channels.get(3);
        io.grpc.StatusRuntimeException refused =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                io.grpc.StatusRuntimeException.class, () -> listActions(fourth));
        assertThat(refused).isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.getStatus().getDescription())
            .isEqualTo(
                "This server has its --max-connections of 3 connections open: try again later");
        // Then the server closes that connection (GOAWAY): the channel goes idle.
        ServerFixture.awaitUntil(
            () -> fourth.getState(false) != io.grpc.ConnectivityState.READY,
            () -> "the refused connection closed; channel " + fourth.getState(false));
        assertThat(fx.server().acceptedConnections()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
          listActions(channels.get(i));
        }
      } finally {
        for (ManagedChannel c : channels) {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static void listActions(ManagedChannel c) {
    FlightServiceGrpc.newBlockingStub(c)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .listActions(Flight.Empty.getDefaultInstance())
        .forEachRemaining(a -> {});
  }

  @Test
  void idleConnectionsAreClosed() throws Exception {
    try (ServerFixture fx =
        ServerFixture.start(
            ServerOptions.ephemeral(),
            ServerLimits.defaults().withIdleTimeout(Duration.ofMillis(300)))) {
      ManagedChannel c =
          NettyChannelBuilder.forAddress("127.0.0.1", fx.server().port()).usePlaintext().build();
      try {
        FlightServiceGrpc.newBlockingStub(c)
            .listActions(Flight.Empty.getDefaultInstance())
            .forEachRemaining(a -> {});
        assertThat(fx.server().acceptedConnections()).isGreaterThanOrEqualTo(1);
        ServerFixture.awaitUntil(
            () -> fx.server().acceptedConnections() == 0,
            () -> "idle connections closed; open: " + fx.server().acceptedConnections());
      } finally {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void exchangesThatNeverReadHoldBoundedMemoryAndNoThreads() throws Exception {
    try (ServerFixture fx = ServerFixture.start();
        RootAllocator unused = new RootAllocator()) {
      int threadsBefore = Thread.activeCount();
      List<ManagedChannel> channels = new ArrayList<>();
      List<io.grpc.ClientCall<byte[], byte[]>> calls = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          ManagedChannel c =
              NettyChannelBuilder.forAddress("127.0.0.1", fx.server().port())
                  .usePlaintext()
                  .build();
          channels.add(c);
          calls.add(StalledExchange.start(c, schemaMessage("/exchange"), 64));
        }
        Thread.sleep(2000);
        // Each exchange holds at most a few messages in flight, counted in the store's account.
        assertThat(fx.store().inFlightBytes()).isLessThan(20L * 16 * (1 << 20));
        assertThat(Thread.activeCount() - threadsBefore).isLessThan(20);
      } finally {
        for (ManagedChannel c : channels) {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      fx.awaitStoreSettled(0);
    }
  }

  /** A DoExchange whose client sends {@code megabytes} 1 MiB messages and never reads a reply. */
  private static final class StalledExchange {
    static io.grpc.ClientCall<byte[], byte[]> start(
        ManagedChannel channel, byte[] schema, int megabytes) {
      io.grpc.MethodDescriptor<byte[], byte[]> method =
          io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
              .setType(MethodType.BIDI_STREAMING)
              .setFullMethodName(FlightServiceGrpc.getDoExchangeMethod().getFullMethodName())
              .setRequestMarshaller(BYTES)
              .setResponseMarshaller(BYTES)
              .build();
      io.grpc.ClientCall<byte[], byte[]> call =
          channel.newCall(method, io.grpc.CallOptions.DEFAULT);
      call.start(new io.grpc.ClientCall.Listener<>() {}, new Metadata());
      // No request(): the client never reads.
      byte[] oneMiB =
          Flight.FlightData.newBuilder()
              .setAppMetadata(ByteString.copyFrom(new byte[1 << 20]))
              .build()
              .toByteArray();
      for (int i = 0; i < megabytes; i++) {
        call.sendMessage(oneMiB);
      }
      return call;
    }
  }

  private static final io.grpc.MethodDescriptor.Marshaller<byte[]> BYTES =
      new io.grpc.MethodDescriptor.Marshaller<>() {
        @Override
        public java.io.InputStream stream(byte[] value) {
          return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };
}
