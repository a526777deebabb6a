package dev.flightlab.wire;

import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.io.InputStream;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.memory.BufferAllocator;

/**
 * gRPC method descriptors for the Flight data methods, marshalled with flightlab's own FlightData
 * codec ({@link OutboundFlightData}, {@link InboundFlightData}) instead of Arrow Java's.
 *
 * <p>The wire format is the standard one: any Flight client or server talks to these.
 */
public final class FlightMethods {
  private FlightMethods() {}

  /** DoGet as a server sends it. */
  public static MethodDescriptor<Flight.Ticket, OutboundFlightData> serverDoGet() {
    return FlightServiceGrpc.getDoGetMethod().toBuilder(ticketMarshaller(), OUTBOUND).build();
  }

  /** DoGet as a client reads it; bodies land in {@code allocator}. */
  public static MethodDescriptor<Flight.Ticket, InboundFlightData> clientDoGet(
      BufferAllocator allocator) {
    return FlightServiceGrpc.getDoGetMethod().toBuilder(
            ticketMarshaller(), new InboundMarshaller(allocator, false))
        .build();
  }

  /**
   * DoPut as a server reads it; bodies land in {@code allocator}. A message that cannot be read
   * arrives as a failed {@link InboundFlightData} (never an exception, which gRPC would report as
   * UNKNOWN and follow with the half-close).
   */
  public static MethodDescriptor<InboundFlightData, Flight.PutResult> serverDoPut(
      BufferAllocator allocator) {
    return FlightServiceGrpc.getDoPutMethod().toBuilder(
            new InboundMarshaller(allocator, true), putResultMarshaller())
        .build();
  }

  /** DoExchange as a server runs it: FlightData in (failures as values), FlightData out. */
  public static MethodDescriptor<InboundFlightData, OutboundFlightData> serverDoExchange(
      BufferAllocator allocator) {
    return FlightServiceGrpc.getDoExchangeMethod().toBuilder(
            new InboundMarshaller(allocator, true), OUTBOUND)
        .build();
  }

  /** DoPut as a client sends it. */
  public static MethodDescriptor<OutboundFlightData, Flight.PutResult> clientDoPut() {
    return FlightServiceGrpc.getDoPutMethod().toBuilder(OUTBOUND, putResultMarshaller()).build();
  }

  /**
   * DoExchange as a client runs it: FlightData out, FlightData in with bodies landing in {@code
   * allocator} (a message that cannot be read fails the call).
   */
  public static MethodDescriptor<OutboundFlightData, InboundFlightData> clientDoExchange(
      BufferAllocator allocator) {
    return FlightServiceGrpc.getDoExchangeMethod().toBuilder(
            OUTBOUND, new InboundMarshaller(allocator, false))
        .build();
  }

  private static MethodDescriptor.Marshaller<Flight.Ticket> ticketMarshaller() {
    return ProtoUtils.marshaller(Flight.Ticket.getDefaultInstance());
  }

  private static MethodDescriptor.Marshaller<Flight.PutResult> putResultMarshaller() {
    return ProtoUtils.marshaller(Flight.PutResult.getDefaultInstance());
  }

  private static final MethodDescriptor.Marshaller<OutboundFlightData> OUTBOUND =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(OutboundFlightData value) {
          return value.stream();
        }

        @Override
        public OutboundFlightData parse(InputStream stream) {
          throw new UnsupportedOperationException("outbound FlightData is never parsed");
        }
      };

  private static final class InboundMarshaller
      implements MethodDescriptor.Marshaller<InboundFlightData> {
    private final BufferAllocator allocator;
    private final boolean failuresAsValues;

    InboundMarshaller(BufferAllocator allocator, boolean failuresAsValues) {
      this.allocator = allocator;
      this.failuresAsValues = failuresAsValues;
    }

    @Override
    public InputStream stream(InboundFlightData value) {
      throw new UnsupportedOperationException("inbound FlightData is never sent");
    }

    @Override
    public InboundFlightData parse(InputStream stream) {
      return failuresAsValues
          ? InboundFlightData.receive(stream, allocator)
          : InboundFlightData.read(stream, allocator);
    }
  }
}
