package dev.flightlab.server;

import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers a message over {@code --max-message-size} with RESOURCE_EXHAUSTED naming the flag and the
 * limit, instead of gRPC's own words.
 *
 * <p>gRPC's deframer refuses such a message from its 5-byte length prefix, before any of it is
 * buffered ({@code MessageDeframer.processHeader}), and ends the call itself: with "gRPC message
 * exceeds maximum size N: M" while no response headers are out, else with a bare RST_STREAM that
 * the client sees as CANCELLED ({@code NettyServerStream.TransportState.deframeFailed}, then {@code
 * NettyServerHandler.cancelStream}). It has no hook for the words, but it tells the call's stream
 * tracers first, on the network thread, before it queues its own answer. The tracer here then
 * closes the call with flightlab's status, whose trailers are queued first and go out; gRPC's
 * answer finds the stream closed and only resets it. The deframer is closed either way, so the
 * oversized message is never accumulated.
 *
 * <p>Register it both as a stream tracer factory and as the outermost interceptor: the interceptor
 * hands the tracer the call, and keeps a handler from closing it a second time.
 */
final class MessageSizeLimit extends ServerStreamTracer.Factory implements ServerInterceptor {
  private static final Context.Key<Tracer> TRACER = Context.key("flightlab-message-size");

  // gRPC's own descriptions (io.grpc.internal.MessageDeframer); LimitsIT and PyarrowLimitsIT pin
  // them.
  private static final Pattern TOO_LARGE =
      Pattern.compile("gRPC message exceeds maximum size (\\d+): (-?\\d+)");
  private static final String DECOMPRESSED_TOO_LARGE = "Decompressed gRPC message exceeds";

  /**
   * gRPC's logger of deframing failures, held so that its filter stays: it logs each refused
   * message with a stack trace at WARNING, unlimited; the refusal log has the line instead.
   */
  private static final java.util.logging.Logger GRPC_STREAM_LOG =
      java.util.logging.Logger.getLogger("io.grpc.netty.NettyServerStream");

  static {
    GRPC_STREAM_LOG.setFilter(
        record ->
            !(record.getThrown() instanceof io.grpc.StatusRuntimeException e
                && e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED));
  }

  private final String limit;
  private final RefusalLog refusals;

  MessageSizeLimit(long maxMessageBytes, RefusalLog refusals) {
    this.limit = "the server's --max-message-size of " + sizeOf(maxMessageBytes);
    this.refusals = refusals;
  }

  /** {@code 64 MiB}, {@code 1536 KiB}, {@code 1000000 bytes}: exact, in the largest whole unit. */
  static String sizeOf(long bytes) {
    String[] units = {"bytes", "KiB", "MiB", "GiB"};
    int unit = 0;
    long value = bytes;
    while (unit < units.length - 1 && value >= 1024 && value % 1024 == 0) {
      value /= 1024;
      unit++;
    }
    return value + " " + units[unit];
  }

  /** The status a client gets for gRPC's {@code refusal}, or null when it is not about size. */
  Status rephrase(String method, Status refusal) {
    if (refusal.getCode() != Status.Code.RESOURCE_EXHAUSTED || refusal.getDescription() == null) {
      return null;
    }
    Matcher m = TOO_LARGE.matcher(refusal.getDescription());
    if (m.matches()) {
      long bytes = Long.parseLong(m.group(2));
      String what = bytes < 0 ? "message of more than 2 GiB" : "message of " + bytes + " bytes";
      return Status.RESOURCE_EXHAUSTED.withDescription(method + ": " + what + " exceeds " + limit);
    }
    if (refusal.getDescription().startsWith(DECOMPRESSED_TOO_LARGE)) {
      return Status.RESOURCE_EXHAUSTED.withDescription(
          method + ": decompressed message exceeds " + limit);
    }
    return null;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    int slash = fullMethodName.lastIndexOf('/');
    return new Tracer(fullMethodName.substring(slash + 1));
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Tracer tracer = TRACER.get();
    if (tracer == null) {
      return next.startCall(call, headers);
    }
    GuardedCall<ReqT, RespT> guarded = new GuardedCall<>(call);
    tracer.call = guarded;
    return next.startCall(guarded, headers);
  }

  /** One call's tracer: hears gRPC's status before the call's listener does. */
  private final class Tracer extends ServerStreamTracer {
    private final String method;
    private volatile GuardedCall<?, ?> call;

    Tracer(String method) {
      this.method = method;
    }

    @Override
    public Context filterContext(Context context) {
      return context.withValue(TRACER, this);
    }

    @Override
    public void streamClosed(Status status) {
      GuardedCall<?, ?> c = call;
      if (c == null) {
        return;
      }
      Status answer = rephrase(method, status);
      if (answer != null) {
        c.closeFirst(answer);
        refusals.refused(
            c.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
            method,
            answer.getDescription().substring(method.length() + 2));
      }
    }
  }

  /** A call that the limit may close before its handler does; later closes are dropped. */
  private static final class GuardedCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private volatile boolean closedByLimit;

    GuardedCall(ServerCall<ReqT, RespT> delegate) {
      super(delegate);
    }

    void closeFirst(Status status) {
      closedByLimit = true;
      delegate().close(status, new Metadata());
    }

    @Override
    public void sendHeaders(Metadata headers) {
      if (!closedByLimit) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public void sendMessage(RespT message) {
      if (!closedByLimit) {
        super.sendMessage(message);
      }
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!closedByLimit) {
        super.close(status, trailers);
      }
    }
  }
}
