package dev.flightlab.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.flightlab.data.IpcSchemas;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.grpc.StatusUtils;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.flight.impl.FlightServiceGrpc.FlightServiceBlockingStub;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * ListFlights, GetFlightInfo and GetSchema, their schemas read by {@link IpcSchemas}: Arrow Java's
 * {@code FlightClient} fails on a whole answer that holds one schema with a 32- or 64-bit decimal.
 */
final class MetadataCalls {
  private MetadataCalls() {}

  /** GetFlightInfo. */
  static FlightInfo getInfo(Connection c, FlightDescriptor descriptor, CallOption... options) {
    try {
      return toFlightInfo(stub(c, options).getFlightInfo(toProtocol(descriptor)));
    } catch (StatusRuntimeException e) {
      throw StatusUtils.fromGrpcRuntimeException(e);
    }
  }

  /** ListFlights with {@code criteria} (empty: all). */
  static List<FlightInfo> listFlights(Connection c, byte[] criteria, CallOption... options) {
    try {
      Iterator<Flight.FlightInfo> answers =
          stub(c, options)
              .listFlights(
                  Flight.Criteria.newBuilder()
                      .setExpression(ByteString.copyFrom(criteria))
                      .build());
      List<FlightInfo> out = new ArrayList<>();
      answers.forEachRemaining(pb -> out.add(toFlightInfo(pb)));
      return out;
    } catch (StatusRuntimeException e) {
      throw StatusUtils.fromGrpcRuntimeException(e);
    }
  }

  /** GetSchema. */
  static Schema getSchema(Connection c, FlightDescriptor descriptor, CallOption... options) {
    try {
      Flight.SchemaResult result = stub(c, options).getSchema(toProtocol(descriptor));
      return readSchema(result.getSchema());
    } catch (StatusRuntimeException e) {
      throw StatusUtils.fromGrpcRuntimeException(e);
    }
  }

  /**
   * A FlightInfo as Arrow Java reads it (descriptor, endpoints, totals), with the schema read by
   * {@link IpcSchemas}.
   */
  static FlightInfo toFlightInfo(Flight.FlightInfo pb) {
    FlightInfo rest;
    try {
      rest =
          FlightInfo.deserialize(
              ByteBuffer.wrap(pb.toBuilder().clearSchema().build().toByteArray()));
    } catch (IOException | URISyntaxException | RuntimeException e) {
      throw CallStatus.INTERNAL
          .withDescription("the server's FlightInfo does not parse: " + e.getMessage())
          .toRuntimeException();
    }
    Schema schema = pb.getSchema().isEmpty() ? null : readSchema(pb.getSchema());
    return new FlightInfo(
        schema,
        rest.getDescriptor(),
        rest.getEndpoints(),
        rest.getBytes(),
        rest.getRecords(),
        rest.getOrdered(),
        IpcOption.DEFAULT,
        rest.getAppMetadata());
  }

  private static Schema readSchema(ByteString bytes) {
    try {
      return IpcSchemas.readMessage(bytes.toByteArray());
    } catch (RuntimeException e) {
      throw CallStatus.INTERNAL
          .withDescription("the server sent a schema that cannot be read: " + e.getMessage())
          .toRuntimeException();
    }
  }

  private static Flight.FlightDescriptor toProtocol(FlightDescriptor descriptor) {
    try {
      return Flight.FlightDescriptor.parseFrom(descriptor.serialize());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FlightServiceBlockingStub stub(Connection c, CallOption... options) {
    FlightServiceBlockingStub stub = FlightServiceGrpc.newBlockingStub(c.channel);
    for (CallOption option : options) {
      if (option instanceof CallOptions.GrpcCallOption grpc) {
        stub = wrap(grpc, stub);
      }
    }
    return stub;
  }

  private static <T extends AbstractStub<T>> T wrap(CallOptions.GrpcCallOption option, T stub) {
    return option.wrapStub(stub);
  }
}
