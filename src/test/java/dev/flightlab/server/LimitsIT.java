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

  // ------------------------------------------------------------ at scale (scripts/limits-scale.sh)

  /** True for the sizes (scripts/limits-scale.sh); CI runs the small versions. */
  private static final boolean FULL = "full".equals(System.getProperty("flightlab.limits.scale"));

  private static long rssBytes() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%,.1f MiB", bytes / 1048576.0);
  }

  /** The server's own threads (network loops, call executor, prefaulter): named flightlab-*. */
  private static int serverThreads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("flightlab-"))
            .count();
  }

  private static void figures(String line) {
    System.out.println("limits-scale: " + line);
  }

  private static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .usePlaintext()
        .maxInboundMessageSize(Integer.MAX_VALUE)
        .build();
  }

  /**
   * A DoPut or DoExchange that sends {@code first}, then {@code count} copies of {@code message} as
   * fast as gRPC's flow control lets it, and half-closes; the future ends with the call.
   */
  private static java.util.concurrent.CompletableFuture<Status> stream(
      ManagedChannel channel, String method, byte[] first, byte[] message, int count) {
    return stream(channel, method, first, message, count, true);
  }

  /** Like the above; with {@code read} false, the client never reads a response. */
  private static java.util.concurrent.CompletableFuture<Status> stream(
      ManagedChannel channel,
      String method,
      byte[] first,
      byte[] message,
      int count,
      boolean read) {
    io.grpc.MethodDescriptor<byte[], byte[]> descriptor =
        io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodType.BIDI_STREAMING)
            .setFullMethodName("arrow.flight.protocol.FlightService/" + method)
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    io.grpc.ClientCall<byte[], byte[]> call =
        channel.newCall(descriptor, io.grpc.CallOptions.DEFAULT);
    java.util.concurrent.CompletableFuture<Status> done =
        new java.util.concurrent.CompletableFuture<>();
    int[] sent = {0};
    Runnable pump =
        () -> {
          synchronized (sent) {
            while (!done.isDone() && sent[0] < count && call.isReady()) {
              call.sendMessage(message);
              sent[0]++;
            }
            if (sent[0] == count) {
              sent[0]++;
              call.halfClose();
            }
          }
        };
    call.start(
        new io.grpc.ClientCall.Listener<>() {
          @Override
          public void onReady() {
            pump.run();
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            done.complete(status);
          }
        },
        new Metadata());
    if (read) {
      call.request(Integer.MAX_VALUE);
    }
    call.sendMessage(first);
    pump.run();
    return done;
  }

  /**
   * Three concurrent uploads, each larger than --memory-limit: each refused RESOURCE_EXHAUSTED
   * naming the limit, the store never above it, another connection served throughout, nothing left.
   * CI: 3 x 48 MiB against 16 MiB; full: 3 x 600 MiB against 256 MiB.
   */
  @Test
  void concurrentUploadsOverTheMemoryLimitAreRefusedWithoutHarmingOthers() throws Exception {
    long limit = FULL ? 256L << 20 : 16L << 20;
    int messageRows = FULL ? 1 << 19 : 1 << 18; // 4 MiB or 2 MiB of int64 per message
    long uploadBytes = FULL ? 600L << 20 : 48L << 20;
    int messages = (int) (uploadBytes / (messageRows * 8L));
    byte[] batch = idsBatch(messageRows);
    long rssBefore = rssBytes();
    int threadsBefore = Thread.activeCount();
    long started = System.nanoTime();
    try (ServerFixture fx = ServerFixture.start(ServerOptions.ephemeral().withMemoryLimit(limit))) {
      long serverBaseline = fx.server().allocator().getAllocatedMemory();
      List<ManagedChannel> channels = new ArrayList<>();
      java.util.concurrent.atomic.AtomicBoolean uploading =
          new java.util.concurrent.atomic.AtomicBoolean(true);
      java.util.concurrent.atomic.AtomicInteger otherCalls =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicReference<Throwable> otherFailure =
          new java.util.concurrent.atomic.AtomicReference<>();
      int peakThreads = threadsBefore;
      try {
        ManagedChannel other = channel(fx.server().port());
        channels.add(other);
        listActions(other);
        Thread bystander =
            new Thread(
                () -> {
                  try {
                    while (uploading.get()) {
                      listActions(other);
                      otherCalls.incrementAndGet();
                      Thread.sleep(20);
                    }
                  } catch (Throwable t) {
                    otherFailure.set(t);
                  }
                });
        bystander.start();
        List<java.util.concurrent.CompletableFuture<Status>> uploads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          ManagedChannel c = channel(fx.server().port());
          channels.add(c);
          uploads.add(stream(c, "DoPut", schemaMessage("/big" + i), batch, messages));
        }
        for (java.util.concurrent.CompletableFuture<Status> u : uploads) {
          while (!u.isDone()) {
            peakThreads = Math.max(peakThreads, Thread.activeCount());
            Thread.sleep(50);
          }
        }
        uploading.set(false);
        bystander.join();
        for (java.util.concurrent.CompletableFuture<Status> u : uploads) {
          Status status = u.get();
          assertThat(status.getCode())
              .as(status.toString())
              .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(status.getDescription()).contains("--memory-limit");
        }
        assertThat(otherFailure.get()).as("the other connection's calls").isNull();
        assertThat(otherCalls.get()).isPositive();
        long peak = fx.store().stats().memoryPeakBytes();
        assertThat(peak).isLessThanOrEqualTo(limit);
        fx.awaitStoreSettled(0);
        ServerFixture.awaitUntil(
            () -> fx.server().allocator().getAllocatedMemory() == serverBaseline,
            () -> "server allocator back to " + serverBaseline);
        assertThat(fx.store().stats().datasets()).isZero();
        figures(
            String.format(
                java.util.Locale.ROOT,
                "uploads: 3 x %s against --memory-limit %s: 3 refused RESOURCE_EXHAUSTED; other"
                    + " connection %d calls, 0 failed; store peak %,d bytes (limit %,d); leaked 0"
                    + " bytes; RSS %s -> %s; threads %d -> peak %d; %.1f s",
                mib(uploadBytes),
                mib(limit),
                otherCalls.get(),
                peak,
                limit,
                mib(rssBefore),
                mib(rssBytes()),
                threadsBefore,
                peakThreads,
                (System.nanoTime() - started) / 1e9));
      } finally {
        uploading.set(false);
        for (ManagedChannel c : channels) {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  /**
   * DoExchanges that send and never read: the server reads no more than it can send back, so its
   * in-flight bytes stay bounded and counted, with no thread per call. CI: 20 x 64 MiB; full: 100.
   */
  @Test
  void exchangesThatNeverReadHoldBoundedMemoryAndNoThreads() throws Exception {
    int exchanges = FULL ? 100 : 20;
    byte[] oneMiB =
        Flight.FlightData.newBuilder()
            .setAppMetadata(ByteString.copyFrom(new byte[1 << 20]))
            .build()
            .toByteArray();
    long rssBefore = rssBytes();
    long started = System.nanoTime();
    try (ServerFixture fx = ServerFixture.start()) {
      int threadsBefore = serverThreads();
      List<ManagedChannel> channels = new ArrayList<>();
      long peakInFlight = 0;
      int peakThreads = threadsBefore;
      try {
        for (int i = 0; i < exchanges; i++) {
          ManagedChannel c = channel(fx.server().port());
          channels.add(c);
          stream(c, "DoExchange", schemaMessage("/exchange"), oneMiB, 64, false);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(FULL ? 10 : 2);
        while (System.nanoTime() < until) {
          peakInFlight = Math.max(peakInFlight, fx.store().inFlightBytes());
          peakThreads = Math.max(peakThreads, serverThreads());
          Thread.sleep(20);
        }
        // Each exchange holds at most a few messages in flight, counted in the store's account.
        assertThat(peakInFlight).isLessThan(exchanges * 16L * (1 << 20));
        // No thread per call: the server's threads stay as they were (give or take a prefaulter).
        assertThat(peakThreads - threadsBefore).isLessThanOrEqualTo(2);
        figures(
            String.format(
                java.util.Locale.ROOT,
                "exchanges: %d DoExchanges offering 64 MiB each, never reading: in-flight peak %,d"
                    + " bytes (counted against --memory-limit); server threads %d -> peak %d; RSS %s ->"
                    + " %s; %.1f s",
                exchanges,
                peakInFlight,
                threadsBefore,
                peakThreads,
                mib(rssBefore),
                mib(rssBytes()),
                (System.nanoTime() - started) / 1e9));
      } finally {
        for (ManagedChannel c : channels) {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      fx.awaitStoreSettled(0);
    }
  }

  /**
   * Many idle connections: no more than --max-connections admitted, and --idle-timeout closes them
   * all. CI: 60 against a cap of 50, 1 s; full: 2,000 against the default 1,024, 5 s.
   */
  @Test
  void manyIdleConnectionsAreCappedAndClosed() throws Exception {
    int connections = FULL ? 2000 : 60;
    int cap = FULL ? ServerLimits.DEFAULT_MAX_CONNECTIONS : 50;
    Duration idle = Duration.ofSeconds(FULL ? 5 : 1);
    long rssBefore = rssBytes();
    long started = System.nanoTime();
    try (ServerFixture fx =
        ServerFixture.start(
            ServerOptions.ephemeral(),
            ServerLimits.defaults().withMaxConnections(cap).withIdleTimeout(idle))) {
      int threadsBefore = Thread.activeCount();
      List<ManagedChannel> channels = new ArrayList<>();
      int peakAccepted = 0;
      try {
        io.netty.channel.EventLoopGroup loops = new io.netty.channel.nio.NioEventLoopGroup(2);
        try {
          for (int i = 0; i < connections; i++) {
            ManagedChannel c =
                NettyChannelBuilder.forAddress("127.0.0.1", fx.server().port())
                    .usePlaintext()
                    .eventLoopGroup(loops)
                    .channelType(io.netty.channel.socket.nio.NioSocketChannel.class)
                    .build();
            channels.add(c);
            c.getState(true); // connect, and stay idle
            peakAccepted = Math.max(peakAccepted, fx.server().acceptedConnections());
          }
          long openUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idle.toMillis() / 2);
          while (System.nanoTime() < openUntil) {
            peakAccepted = Math.max(peakAccepted, fx.server().acceptedConnections());
            Thread.sleep(10);
          }
          assertThat(peakAccepted).isLessThanOrEqualTo(cap);
          assertThat(peakAccepted).isGreaterThan(cap / 2);
          // Clients refused at accept reconnect with backoff, and are admitted once the first
          // ones have gone idle: allow for a few rounds.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (fx.server().acceptedConnections() > 0 && System.nanoTime() < deadline) {
            peakAccepted = Math.max(peakAccepted, fx.server().acceptedConnections());
            Thread.sleep(50);
          }
          assertThat(fx.server().acceptedConnections()).as("open after 60 s").isZero();
          assertThat(peakAccepted).isLessThanOrEqualTo(cap);
          double closedAfter = (System.nanoTime() - started) / 1e9;
          figures(
              String.format(
                  java.util.Locale.ROOT,
                  "idle: %d connections against --max-connections %d, --idle-timeout %d s: peak"
                      + " %d admitted, all closed after %.1f s; server threads %d; RSS %s -> %s",
                  connections,
                  cap,
                  idle.toSeconds(),
                  peakAccepted,
                  closedAfter,
                  threadsBefore,
                  mib(rssBefore),
                  mib(rssBytes())));
        } finally {
          for (ManagedChannel c : channels) {
            c.shutdownNow();
          }
          for (ManagedChannel c : channels) {
            c.awaitTermination(5, TimeUnit.SECONDS);
          }
          loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
      } finally {
        channels.clear();
      }
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
