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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real gRPC server and client on flightlab's transports, on loopback: each side asks the other
 * for frames of up to {@link NettyTransport#MAX_FRAME_BYTES}, and messages many frames long cross
 * exactly.
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

  @BeforeEach
  void start() throws IOException {
    serverTransport = NettyTransport.forServer();
    NettyServerBuilder sb =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize(64 << 20)
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
    clientTransport = NettyTransport.forClient();
    NettyChannelBuilder cb =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .usePlaintext()
            .maxInboundMessageSize(64 << 20);
    clientTransport.configure(cb);
    channel = cb.build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    clientTransport.close();
    serverTransport.close();
  }

  @Test
  void bothSidesRaiseTheLargestFrameTheyAccept() throws Exception {
    assertThat(NettyTransport.MAX_FRAME_BYTES).isGreaterThan(16 << 10);
    assertThat(echo(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);

    for (NettyTransport side : new NettyTransport[] {clientTransport, serverTransport}) {
      List<Channel> connections = List.copyOf(side.connections());
      assertThat(connections).hasSize(1);
      Channel connection = connections.get(0);
      // What this side may send (the peer's SETTINGS) and what it now reads (its own, once
      // acknowledged): both arrive within a round trip or two of the first call.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      int[] sizes = frameSizes(connection);
      while ((sizes[0] != NettyTransport.MAX_FRAME_BYTES
              || sizes[1] != NettyTransport.MAX_FRAME_BYTES)
          && System.nanoTime() < deadline) {
        echo(new byte[1]);
        sizes = frameSizes(connection);
      }
      assertThat(sizes)
          .as("largest frame sent, largest frame read")
          .containsExactly(NettyTransport.MAX_FRAME_BYTES, NettyTransport.MAX_FRAME_BYTES);
    }
  }

  @Test
  void messagesManyFramesLongCrossExactly() {
    Random random = new Random(42);
    for (int size :
        new int[] {
          NettyTransport.MAX_FRAME_BYTES - 5,
          NettyTransport.MAX_FRAME_BYTES,
          NettyTransport.MAX_FRAME_BYTES + 1,
          5 * NettyTransport.MAX_FRAME_BYTES + 12_345,
          9 << 20
        }) {
      byte[] message = new byte[size];
      random.nextBytes(message);
      assertThat(echo(message)).as("%,d bytes", size).isEqualTo(message);
    }
  }

  @Test
  void aFrameSizeOutsideHttp2sRangeIsRefused() {
    assertThat(NettyTransport.maxFrameBytes(null)).isEqualTo(256 << 10);
    assertThat(NettyTransport.maxFrameBytes(16_384)).isEqualTo(16_384);
    assertThat(NettyTransport.maxFrameBytes(16_777_215)).isEqualTo(16_777_215);
    for (int bad : new int[] {16_383, 16_777_216, 0, -1}) {
      assertThatThrownBy(() -> NettyTransport.maxFrameBytes(bad))
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
