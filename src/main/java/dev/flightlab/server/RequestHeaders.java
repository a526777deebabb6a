package dev.flightlab.server;

import static dev.flightlab.wire.FlightHeaders.COMPRESSION;
import static dev.flightlab.wire.FlightHeaders.PUT_MODE;

import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.PutMode;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Call headers flightlab reads: the put mode and the compression a DoGet asks for.
 *
 * <p>{@value dev.flightlab.wire.FlightHeaders#PUT_MODE} selects what an upload does to an existing
 * dataset: {@code replace} (the default), {@code append} or {@code create}.
 *
 * <p>The data plane's DoGet and DoPut get them through {@link #INTERCEPTOR}, a gRPC context value,
 * rather than through Arrow's middleware adapter: that adapter builds a middleware map, a header
 * view and a forwarding call for every call, about a quarter of a warm server's per-call set-up
 * under the pyarrow client's uploads. Arrow's own methods keep it.
 */
public final class RequestHeaders {
  private static final Context.Key<RequestHeaders> KEY = Context.key("flightlab-request-headers");
  private static final Metadata.Key<String> PUT_MODE_KEY =
      Metadata.Key.of(PUT_MODE, Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> COMPRESSION_KEY =
      Metadata.Key.of(COMPRESSION, Metadata.ASCII_STRING_MARSHALLER);

  /** Reads the headers of each call it sees into the context its handlers run in. */
  static final ServerInterceptor INTERCEPTOR =
      new ServerInterceptor() {
        @Override
        public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
          RequestHeaders read =
              new RequestHeaders(headers.get(PUT_MODE_KEY), headers.get(COMPRESSION_KEY));
          return Contexts.interceptCall(
              Context.current().withValue(KEY, read), call, headers, next);
        }
      };

  private final String putMode;
  private final String compression;

  private RequestHeaders(String putMode, String compression) {
    this.putMode = putMode;
    this.compression = compression;
  }

  /** The headers of the call on this thread; null outside a call that {@link #INTERCEPTOR} saw. */
  static RequestHeaders current() {
    return KEY.get();
  }

  /** The compression the call asked for, NONE when it asked for none. */
  IpcCompression compression() {
    return compression == null || compression.isBlank()
        ? IpcCompression.NONE
        : IpcCompression.parse(compression);
  }

  /** The put mode the call asked for, REPLACE when it asked for none. */
  PutMode putMode() {
    if (putMode == null || putMode.isBlank()) {
      return PutMode.REPLACE;
    }
    return PutMode.parse(putMode);
  }
}
