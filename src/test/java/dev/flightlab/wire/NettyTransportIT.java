package dev.flightlab.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.channel.Channel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real gRPC server and client on flightlab's transports, on loopback: each side asks the other
 * for frames of up to {@link NettyTransport#MAX_FRAME_BYTES}, or of up to HTTP/2's largest when one
 * thread serves both ends, and messages many frames long cross exactly.
 */
class NettyTransportIT {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("flightlab.test.Echo/Echo")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  private NettyTransport serverTransport;
  private NettyTransport clientTransport;
  private Server server;
  private ManagedChannel channel;

  /** An echo server and a client to it on these transports, with the production flow window. */
  private void start(NettyTransport serverSide, NettyTransport clientSide) throws IOException {
    serverTransport = serverSide;
    NettyServerBuilder sb =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize(64 << 20)
            .flowControlWindow(16 << 20)
            .addService(
                ServerServiceDefinition.builder("flightlab.test.Echo")
                    .addMethod(
                        ECHO,
                        ServerCalls.asyncUnaryCall(
                            (request, response) -> {
                              response.onNext(request);
                              response.onCompleted();
                            }))
                    .build());
    serverTransport.configure(sb);
    server = sb.build().start();
    clientTransport = clientSide;
    NettyChannelBuilder cb =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .flowControlWindow(16 << 20);
    clientTransport.configure(cb);
    channel = cb.build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (clientTransport != null) {
      clientTransport.close();
    }
    if (serverTransport != null) {
      serverTransport.close();
    }
  }

  @Test
  void bothSidesRaiseTheLargestFrameTheyAccept() throws Exception {
    start(NettyTransport.forServer(), NettyTransport.forClient());
    assertThat(NettyTransport.MAX_FRAME_BYTES).isGreaterThan(16 << 10);
    assertBothSidesNegotiate(NettyTransport.MAX_FRAME_BYTES);
  }

  @Test
  void messagesManyFramesLongCrossExactly() throws Exception {
    start(NettyTransport.forServer(), NettyTransport.forClient());
    assertMessagesCrossExactly(NettyTransport.MAX_FRAME_BYTES);
  }

  @Test
  void bothEndsOnOneThreadAskForHttp2sLargestFrame() throws Exception {
    NettyTransport embedded = NettyTransport.forEmbeddedServer();
    start(embedded, embedded.clientOnSameLoop());
    assertBothSidesNegotiate(NettyTransport.SAME_THREAD_MAX_FRAME_BYTES);
    assertMessagesCrossExactly(NettyTransport.SAME_THREAD_MAX_FRAME_BYTES);
  }

  @Test
  void aClientOnAThreadOfItsOwnGetsTheOtherProcessFrameFromAnEmbeddedServer() throws Exception {
    start(NettyTransport.forEmbeddedServer(), NettyTransport.forClient());
    assertBothSidesNegotiate(NettyTransport.MAX_FRAME_BYTES);
  }

  @Test
  void everyConnectionTakesItsBuffersFromTheAdaptiveAllocatorNotGrpcsPool() throws Exception {
    NettyTransport embedded = NettyTransport.forEmbeddedServer();
    start(embedded, embedded.clientOnSameLoop());
    assertBuffersFromTransport();
    stop();
    start(NettyTransport.forServer(), NettyTransport.forClient());
    assertBuffersFromTransport();
  }

  /** Both ends' connections allocate from {@link NettyTransport#BUFFERS}, after a large echo. */
  private void assertBuffersFromTransport() {
    byte[] message = new byte[3 << 20];
    new Random(7).nextBytes(message);
    assertThat(echo(message)).isEqualTo(message);
    for (NettyTransport side : new NettyTransport[] {clientTransport, serverTransport}) {
      List<Channel> connections = List.copyOf(side.connections());
      assertThat(connections).isNotEmpty();
      for (Channel connection : connections) {
        assertThat(connection.alloc()).isSameAs(NettyTransport.BUFFERS);
      }
    }
    assertThat(NettyTransport.BUFFERS).isInstanceOf(AdaptiveByteBufAllocator.class);
  }

  /** Each side may send, and reads, frames of up to {@code expected} bytes. */
  private void assertBothSidesNegotiate(int expected) throws Exception {
    assertThat(echo(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
    for (NettyTransport side : new NettyTransport[] {clientTransport, serverTransport}) {
      List<Channel> connections = List.copyOf(side.connections());
      assertThat(connections).hasSize(1);
      Channel connection = connections.get(0);
      // What this side may send (the peer's SETTINGS) and what it now reads (its own, once
      // acknowledged): both arrive within a round trip or two of the first call.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      int[] sizes = frameSizes(connection);
      while ((sizes[0] != expected || sizes[1] != expected) && System.nanoTime() < deadline) {
        echo(new byte[1]);
        sizes = frameSizes(connection);
      }
      assertThat(sizes)
          .as("largest frame sent, largest frame read")
          .containsExactly(expected, expected);
    }
  }

  private void assertMessagesCrossExactly(int frameBytes) {
    Random random = new Random(42);
    for (int size :
        new int[] {
          frameBytes - 5,
          frameBytes,
          frameBytes + 1,
          Math.min(5 * frameBytes, 40 << 20) + 12_345,
          9 << 20
        }) {
      byte[] message = new byte[size];
      random.nextBytes(message);
      assertThat(echo(message)).as("%,d bytes", size).isEqualTo(message);
    }
  }

  @Test
  void aFrameSizeOutsideHttp2sRangeIsRefused() {
    assertThat(NettyTransport.configuredMaxFrameBytes(null)).isNull();
    assertThat(NettyTransport.MAX_FRAME_BYTES).isEqualTo(256 << 10);
    assertThat(NettyTransport.SAME_THREAD_MAX_FRAME_BYTES).isEqualTo(16_777_215);
    assertThat(NettyTransport.configuredMaxFrameBytes(16_384)).isEqualTo(16_384);
    assertThat(NettyTransport.configuredMaxFrameBytes(16_777_215)).isEqualTo(16_777_215);
    for (int bad : new int[] {16_383, 16_777_216, 0, -1}) {
      assertThatThrownBy(() -> NettyTransport.configuredMaxFrameBytes(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("16384 to 16777215");
    }
  }

  private byte[] echo(byte[] message) {
    return ClientCalls.blockingUnaryCall(
        channel, ECHO, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), message);
  }

  /** The largest frame this connection writes, and the largest it reads, read on its loop. */
  private static int[] frameSizes(Channel connection) throws Exception {
    return connection
        .eventLoop()
        .submit(
            () -> {
              GrpcHttp2ConnectionHandler grpc =
                  connection.pipeline().get(GrpcHttp2ConnectionHandler.class);
              return new int[] {
                grpc.encoder().configuration().frameSizePolicy().maxFrameSize(),
                grpc.decoder().localSettings().maxFrameSize()
              };
            })
        .get(5, TimeUnit.SECONDS);
  }
}
