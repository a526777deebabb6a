package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.RawFlight;
import dev.flightlab.wire.PerfProtocol;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowBuffer;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DoPut of Arrow C++'s {@code arrow-flight-benchmark -test_put}, byte for byte: its descriptor
 * is C++'s {@code FlightDescriptor{}} (type UNKNOWN, nothing else), which Arrow Java's
 * FlightDescriptor cannot hold, so only a raw gRPC client can send it.
 */
class ArrowBenchmarkDoPutIT {
  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private String lastDescription;

  private Status.Code putWith(Flight.FlightDescriptor descriptor, List<byte[]> answers) {
    try (RawFlight raw = new RawFlight(server.fixture().server().port())) {
      RawFlight.Outcome outcome =
          raw.call(
              "DoPut",
              MethodType.BIDI_STREAMING,
              List.of(schema(descriptor), batch(0, "first"), batch(4096, "second")),
              null);
      answers.addAll(outcome.responses());
      lastDescription = outcome.status().getDescription();
      return outcome.status().getCode();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] schema(Flight.FlightDescriptor descriptor) {
    ByteBuffer header = MessageSerializer.serializeMetadata(PerfProtocol.SCHEMA, IpcOption.DEFAULT);
    return Flight.FlightData.newBuilder()
        .setFlightDescriptor(descriptor)
        .setDataHeader(ByteString.copyFrom(header))
        .build()
        .toByteArray();
  }

  /** A batch of 4096 rows of the perf schema, column a counting from {@code start}. */
  private byte[] batch(long start, String appMetadata) {
    try (VectorSchemaRoot root =
        VectorSchemaRoot.create(PerfProtocol.SCHEMA, server.fixture().allocator())) {
      for (FieldVector v : root.getFieldVectors()) {
        BigIntVector b = (BigIntVector) v;
        b.allocateNew(4096);
        for (int i = 0; i < 4096; i++) {
          b.set(i, start + i);
        }
        b.setValueCount(4096);
      }
      root.setRowCount(4096);
      try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
        byte[] body = new byte[(int) batch.computeBodyLength()];
        List<ArrowBuffer> layout = batch.getBuffersLayout();
        for (int i = 0; i < batch.getBuffers().size(); i++) {
          ArrowBuf buf = batch.getBuffers().get(i);
          buf.getBytes(0, body, (int) layout.get(i).getOffset(), (int) layout.get(i).getSize());
        }
        return Flight.FlightData.newBuilder()
            .setDataHeader(
                ByteString.copyFrom(MessageSerializer.serializeMetadata(batch, IpcOption.DEFAULT)))
            .setDataBody(ByteString.copyFrom(body))
            .setAppMetadata(ByteString.copyFromUtf8(appMetadata))
            .build()
            .toByteArray();
      }
    }
  }

  @Test
  void theEmptyUnknownDescriptorIsReadAndDiscardedAsArrowsPerfServerDoes() throws Exception {
    List<byte[]> answers = new ArrayList<>();
    // What C++ sends for FlightDescriptor{}: field 1 present, empty (type 0 = UNKNOWN).
    assertThat(schema(Flight.FlightDescriptor.getDefaultInstance())).startsWith(0x0a, 0x00);

    Status.Code code = putWith(Flight.FlightDescriptor.getDefaultInstance(), answers);

    assertThat(code).as(lastDescription).isEqualTo(Status.Code.OK);
    // perf_server.cc writes each batch's app_metadata back.
    assertThat(answers)
        .extracting(a -> Flight.PutResult.parseFrom(a).getAppMetadata().toStringUtf8())
        .containsExactly("first", "second");
    assertThat(server.fixture().store().stats().datasets()).isZero();
    assertThat(server.fixture().store().stats().uploadsInProgress()).isZero();
  }

  @Test
  void anUnknownDescriptorNamingAPathIsInvalidArgumentAndStoresNothing() {
    Flight.FlightDescriptor unknownWithPath =
        Flight.FlightDescriptor.newBuilder().addPath("/sales").build();
    assertThat(unknownWithPath.getType()).isEqualTo(Flight.FlightDescriptor.DescriptorType.UNKNOWN);

    Status.Code code = putWith(unknownWithPath, new ArrayList<>());

    assertThat(code).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(lastDescription)
        .isEqualTo(
            "DoPut: a descriptor of type UNKNOWN (0) names no dataset: use a path descriptor");
    assertThat(server.fixture().store().stats().datasets()).isZero();
  }

  @Test
  void aDescriptorOfATypeTheProtocolDoesNotDefineIsInvalidArgument() {
    Flight.FlightDescriptor typeSeven =
        Flight.FlightDescriptor.newBuilder().setTypeValue(7).addPath("/sales").build();

    Status.Code code = putWith(typeSeven, new ArrayList<>());

    assertThat(code).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(lastDescription)
        .isEqualTo("DoPut: a descriptor of type 7 names no dataset: use a path descriptor");
    assertThat(server.fixture().store().stats().datasets()).isZero();
  }
}
