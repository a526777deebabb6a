package dev.flightlab.server;

import dev.flightlab.wire.NettyTransport;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;

/**
 * Answers every call on a connection accepted over {@code --max-connections} with
 * RESOURCE_EXHAUSTED naming the flag, then closes that connection (the transport closes it anyway a
 * few seconds after it was accepted). A client thus hears why, instead of finding its connection
 * dropped.
 */
final class ConnectionLimit implements ServerInterceptor {
  private final NettyTransport transport;

  ConnectionLimit(NettyTransport transport) {
    this.transport = transport;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (!transport.refuses(remote)) {
      return next.startCall(call, headers);
    }
    call.close(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "This server has its --max-connections of "
                + transport.maxConnections()
                + " connections open: try again later"),
        new Metadata());
    transport.closeRefused(remote);
    return new ServerCall.Listener<>() {};
  }
}
