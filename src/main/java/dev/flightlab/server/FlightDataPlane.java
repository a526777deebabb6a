package dev.flightlab.server;

import com.google.common.util.concurrent.MoreExecutors;
import dev.flightlab.store.DatasetStore;
import dev.flightlab.wire.FlightHeaders;
import dev.flightlab.wire.FlightMethods;
import dev.flightlab.wire.InboundFlightData;
import dev.flightlab.wire.OutboundFlightData;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.memory.BufferAllocator;

/**
 * flightlab's own DoGet ({@link DoGetHandler}), DoPut ({@link DoPutHandler}) and DoExchange ({@link
 * DoExchangeHandler}) bound in place of Arrow Java's, and the thread each Flight RPC runs on: the
 * same wire format, fewer copies and no threads parked per stream. Every other RPC is Arrow's,
 * answered by {@link DatasetProducer}, behind {@link StrictRequests}.
 */
final class FlightDataPlane {
  private static final String DO_GET = FlightServiceGrpc.getDoGetMethod().getFullMethodName();
  private static final String DO_PUT = FlightServiceGrpc.getDoPutMethod().getFullMethodName();
  private static final String DO_EXCHANGE =
      FlightServiceGrpc.getDoExchangeMethod().getFullMethodName();
  private static final Set<String> OWN_METHODS = Set.of(DO_GET, DO_PUT, DO_EXCHANGE);
  private static final Metadata.Key<String> COMPRESSION_HEADER =
      Metadata.Key.of(FlightHeaders.COMPRESSION, Metadata.ASCII_STRING_MARSHALLER);

  private final BufferAllocator allocator;
  private final DatasetStore store;
  private final DoGetCounters doGets;

  FlightDataPlane(BufferAllocator allocator, DatasetStore store, DoGetCounters doGets) {
    this.allocator = allocator;
    this.store = store;
    this.doGets = doGets;
  }

  /**
   * Runs DoPut and plain DoGet callbacks on the Netty thread that read the message: they never
   * block (DoGet waits for onReady callbacks, DoPut only files batches), so a hand-off per message
   * would buy nothing but a wake-up. A compressed DoGet, and every other RPC (Arrow's handlers may
   * block), run on {@code blockingExecutor}.
   *
   * <p>The server's own executor is the direct one, so that gRPC looks the method up (which is
   * where it asks this supplier) on the network thread too: with a pool there, every call would
   * begin with a hop to a pool thread and a wake-up back before its first data was read.
   */
  static <ReqT, RespT> Executor executorFor(
      ServerCall<ReqT, RespT> call, Metadata headers, Executor blockingExecutor) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (method.equals(DO_PUT)
        || method.equals(DO_EXCHANGE)
        || (method.equals(DO_GET) && headers.get(COMPRESSION_HEADER) == null)) {
      return MoreExecutors.directExecutor();
    }
    return blockingExecutor;
  }

  /**
   * Arrow's Flight service definition with DoGet, DoPut and DoExchange replaced by flightlab's;
   * registered after Arrow's own, it takes its place (gRPC keeps the last service of a name).
   * Arrow's remaining methods run behind {@code arrowMiddleware} (Arrow's middleware adapter, which
   * they read their call headers through); flightlab's DoGet and DoPut read theirs through {@link
   * RequestHeaders#INTERCEPTOR}, and its DoExchange reads none.
   */
  ServerServiceDefinition bind(BindableService arrowService, ServerInterceptor arrowMiddleware) {
    ServerServiceDefinition base = arrowService.bindService();
    MethodDescriptor<Flight.Ticket, OutboundFlightData> get = FlightMethods.serverDoGet();
    ServerMethodDefinition<Object, OutboundFlightData> getDefinition =
        StrictRequests.wrap(
            ServerMethodDefinition.create(
                get,
                ServerCalls.asyncServerStreamingCall(
                    (Flight.Ticket ticket,
                        io.grpc.stub.StreamObserver<OutboundFlightData> call) -> {
                      if (PerfStreams.isToken(ticket)) {
                        PerfStreams.doGet(ticket, call, allocator);
                      } else {
                        DoGetHandler.handle(ticket, call, store, allocator, doGets);
                      }
                    })));
    MethodDescriptor<InboundFlightData, Flight.PutResult> put =
        FlightMethods.serverDoPut(store.inFlightAllocator());
    MethodDescriptor<InboundFlightData, OutboundFlightData> exchange =
        FlightMethods.serverDoExchange(store.inFlightAllocator());
    // Arrow's methods, each made to answer a request that does not parse with INVALID_ARGUMENT.
    List<ServerMethodDefinition<?, ?>> arrowMethods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : base.getMethods()) {
      if (!OWN_METHODS.contains(m.getMethodDescriptor().getFullMethodName())) {
        arrowMethods.add(intercepted(StrictRequests.wrap(m), arrowMiddleware));
      }
    }
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(base.getServiceDescriptor().getName())
            .setSchemaDescriptor(base.getServiceDescriptor().getSchemaDescriptor())
            .addMethod(getDefinition.getMethodDescriptor())
            .addMethod(put)
            .addMethod(exchange);
    for (ServerMethodDefinition<?, ?> m : arrowMethods) {
      descriptor.addMethod(m.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder service =
        ServerServiceDefinition.builder(descriptor.build())
            .addMethod(intercepted(getDefinition, RequestHeaders.INTERCEPTOR))
            .addMethod(
                intercepted(
                    ServerMethodDefinition.create(
                        put,
                        ServerCalls.asyncBidiStreamingCall(
                            call -> PerfStreams.doPut(call, store, store.inFlightAllocator()))),
                    RequestHeaders.INTERCEPTOR))
            .addMethod(
                exchange,
                ServerCalls.asyncBidiStreamingCall(
                    call -> DoExchangeHandler.handle(call, store.inFlightAllocator())));
    for (ServerMethodDefinition<?, ?> m : arrowMethods) {
      service.addMethod(m);
    }
    return service.build();
  }

  /** {@code method} with {@code interceptor} in front of its handler. */
  private static <ReqT, RespT> ServerMethodDefinition<ReqT, RespT> intercepted(
      ServerMethodDefinition<ReqT, RespT> method, ServerInterceptor interceptor) {
    ServerCallHandler<ReqT, RespT> handler = method.getServerCallHandler();
    return method.withServerCallHandler(
        (call, headers) -> interceptor.interceptCall(call, headers, handler));
  }
}
