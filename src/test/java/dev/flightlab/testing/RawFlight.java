package dev.flightlab.testing;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A raw gRPC client of the Flight service: sends hand-built protobuf bytes to any Flight method and
 * returns the status and the raw responses, so tests can send what no Flight client would.
 */
public final class RawFlight implements AutoCloseable {
  private static final String SERVICE = "arrow.flight.protocol.FlightService/";

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

  private final ManagedChannel channel;

  /** Connects (plaintext) to a server on loopback. */
  public RawFlight(int port) {
    this.channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .build();
  }

  /** How a call ended. */
  public record Outcome(Status status, List<byte[]> responses) {}

  /**
   * Calls {@code method} (e.g. "DoPut") with {@code requests}, then half-closes; waits for the end.
   */
  public Outcome call(
      String method, MethodDescriptor.MethodType type, List<byte[]> requests, Metadata headers) {
    MethodDescriptor<byte[], byte[]> descriptor =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(type)
            .setFullMethodName(SERVICE + method)
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    ClientCall<byte[], byte[]> call =
        channel.newCall(descriptor, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
    List<byte[]> responses = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Status> done = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            responses.add(message);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            done.complete(status);
          }
        },
        headers == null ? new Metadata() : headers);
    call.request(Integer.MAX_VALUE);
    for (byte[] request : requests) {
      call.sendMessage(request);
    }
    call.halfClose();
    try {
      return new Outcome(done.get(90, TimeUnit.SECONDS), responses);
    } catch (Exception e) {
      call.cancel("test gave up", e);
      throw new AssertionError(method + " did not end", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
  }
}
