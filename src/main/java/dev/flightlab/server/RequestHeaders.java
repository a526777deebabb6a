package dev.flightlab.server;

import static dev.flightlab.wire.FlightHeaders.COMPRESSION;
import static dev.flightlab.wire.FlightHeaders.PUT_MODE;

import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.PutMode;
import java.util.Map;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;
import org.apache.arrow.flight.grpc.ServerInterceptorAdapter;

/**
 * Call headers flightlab reads: the put mode and the compression a DoGet asks for.
 *
 * <p>{@value dev.flightlab.wire.FlightHeaders#PUT_MODE} selects what an upload does to an existing
 * dataset: {@code replace} (the default), {@code append} or {@code create}.
 */
public final class RequestHeaders implements FlightServerMiddleware {
  static final FlightServerMiddleware.Key<RequestHeaders> KEY =
      FlightServerMiddleware.Key.of("flightlab-request-headers");

  private final String putMode;
  private final String compression;

  private RequestHeaders(String putMode, String compression) {
    this.putMode = putMode;
    this.compression = compression;
  }

  /** The headers of the call on this thread, read by the middleware; null outside a call. */
  static RequestHeaders current() {
    Map<FlightServerMiddleware.Key<?>, FlightServerMiddleware> middleware =
        ServerInterceptorAdapter.SERVER_MIDDLEWARE_KEY.get();
    return middleware != null && middleware.get(KEY) instanceof RequestHeaders h ? h : null;
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

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}

  /** Reads the headers of each call (credentials are {@link CallAuthenticator}'s). */
  static final class Factory implements FlightServerMiddleware.Factory<RequestHeaders> {
    @Override
    public RequestHeaders onCallStarted(
        CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      return new RequestHeaders(incomingHeaders.get(PUT_MODE), incomingHeaders.get(COMPRESSION));
    }
  }
}
