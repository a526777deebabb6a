package dev.flightlab.server;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.io.InputStream;

/**
 * Wraps a method so that a request that does not parse (not protobuf, or a string field that is not
 * UTF-8) ends the call with INVALID_ARGUMENT naming the method, where gRPC would answer UNKNOWN
 * ("Application error processing RPC") and, for a stream, still deliver the half-close.
 */
final class StrictRequests {
  private StrictRequests() {}

  /** A request that did not parse. */
  private record Unparsed(String method) {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  static <ReqT, RespT> ServerMethodDefinition<Object, RespT> wrap(
      ServerMethodDefinition<ReqT, RespT> definition) {
    MethodDescriptor<ReqT, RespT> method = definition.getMethodDescriptor();
    String name = method.getBareMethodName();
    MethodDescriptor.Marshaller<ReqT> requests = method.getRequestMarshaller();
    MethodDescriptor.Marshaller<Object> lenient =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(Object value) {
            return requests.stream((ReqT) value);
          }

          @Override
          public Object parse(InputStream stream) {
            try {
              return requests.parse(stream);
            } catch (RuntimeException | StackOverflowError e) {
              return new Unparsed(name);
            }
          }
        };
    MethodDescriptor<Object, RespT> wrapped =
        method.toBuilder(lenient, method.getResponseMarshaller()).build();
    ServerCallHandler<ReqT, RespT> inner = definition.getServerCallHandler();
    ServerCallHandler<Object, RespT> handler =
        (call, headers) -> {
          ServerCall<ReqT, RespT> typed =
              new ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT>((ServerCall) call) {
                @Override
                public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
                  return method;
                }
              };
          ServerCall.Listener<ReqT> listener = inner.startCall(typed, headers);
          return new Guard<>(call, listener);
        };
    return ServerMethodDefinition.create(wrapped, handler);
  }

  /** Passes parsed requests on; ends the call at the first that did not parse. */
  private static final class Guard<ReqT> extends ServerCall.Listener<Object> {
    private final ServerCall<Object, ?> call;
    private final ServerCall.Listener<ReqT> delegate;
    private boolean rejected;

    Guard(ServerCall<Object, ?> call, ServerCall.Listener<ReqT> delegate) {
      this.call = call;
      this.delegate = delegate;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMessage(Object message) {
      if (rejected) {
        return;
      }
      if (message instanceof Unparsed u) {
        rejected = true;
        call.close(
            Status.INVALID_ARGUMENT.withDescription(
                u.method()
                    + ": the request is not a valid Flight protobuf message (malformed, or a"
                    + " string field that is not UTF-8)"),
            new Metadata());
        return;
      }
      delegate.onMessage((ReqT) message);
    }

    @Override
    public void onHalfClose() {
      if (!rejected) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      delegate.onCancel();
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }

    @Override
    public void onReady() {
      if (!rejected) {
        delegate.onReady();
      }
    }
  }
}
