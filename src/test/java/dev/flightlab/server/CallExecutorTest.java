package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.concurrent.Executor;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.junit.jupiter.api.Test;

/**
 * Which thread each Flight RPC starts on: the server's own executor is the direct one, so every
 * call but the data plane's must be moved to the pool here, or Arrow's handlers would run (and
 * compression would burn CPU) on the network thread that all the connection's calls share.
 */
class CallExecutorTest {
  private static final Executor POOL = command -> {};
  private static final Metadata.Key<String> COMPRESSION =
      Metadata.Key.of(
          dev.flightlab.wire.FlightHeaders.COMPRESSION, Metadata.ASCII_STRING_MARSHALLER);

  private static Executor executorFor(MethodDescriptor<?, ?> method, Metadata headers) {
    return FlightDataPlane.executorFor(new Call<>(method), headers, POOL);
  }

  @Test
  void plainDoPutDoGetAndDoExchangeStayOnTheNetworkThread() {
    assertThat(executorFor(FlightServiceGrpc.getDoPutMethod(), new Metadata()))
        .isSameAs(MoreExecutors.directExecutor());
    assertThat(executorFor(FlightServiceGrpc.getDoExchangeMethod(), new Metadata()))
        .isSameAs(MoreExecutors.directExecutor());
    assertThat(executorFor(FlightServiceGrpc.getDoGetMethod(), new Metadata()))
        .isSameAs(MoreExecutors.directExecutor());
  }

  @Test
  void aCompressedDoGetMovesToThePool() {
    Metadata compressed = new Metadata();
    compressed.put(COMPRESSION, "zstd");
    assertThat(executorFor(FlightServiceGrpc.getDoGetMethod(), compressed)).isSameAs(POOL);
  }

  @Test
  void everyOtherFlightRpcMovesToThePool() {
    for (MethodDescriptor<?, ?> method :
        new MethodDescriptor<?, ?>[] {
          FlightServiceGrpc.getHandshakeMethod(),
          FlightServiceGrpc.getListFlightsMethod(),
          FlightServiceGrpc.getGetFlightInfoMethod(),
          FlightServiceGrpc.getPollFlightInfoMethod(),
          FlightServiceGrpc.getGetSchemaMethod(),
          FlightServiceGrpc.getDoActionMethod(),
          FlightServiceGrpc.getListActionsMethod()
        }) {
      assertThat(executorFor(method, new Metadata())).as(method.getFullMethodName()).isSameAs(POOL);
    }
  }

  /** A call that only knows its method: all that the supplier reads. */
  private static final class Call<ReqT, RespT> extends ServerCall<ReqT, RespT> {
    private final MethodDescriptor<ReqT, RespT> method;

    Call(MethodDescriptor<ReqT, RespT> method) {
      this.method = method;
    }

    @Override
    public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
      return method;
    }

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(RespT message) {}

    @Override
    public void close(Status status, Metadata trailers) {}

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }
  }
}
