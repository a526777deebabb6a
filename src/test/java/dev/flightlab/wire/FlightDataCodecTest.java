package dev.flightlab.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.Batches;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.GeneratorOptions;
import dev.flightlab.data.SchemaSpec;
import io.grpc.HasByteBuffer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlightDataCodecTest {
  private final RootAllocator allocator = new RootAllocator();

  @AfterEach
  void allocatorEndsEmpty() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  @Test
  void schemaMessageCarriesDescriptorAndSchema() throws Exception {
    Schema schema = SchemaSpec.parse("a:int64,b:utf8,c:list<float64>");
    OutboundFlightData out =
        OutboundFlightData.schema(FlightDescriptor.path("/x/y"), schema, IpcOption.DEFAULT);
    try (InputStream wire = out.stream();
        InboundFlightData in = InboundFlightData.read(wire, allocator)) {
      assertThat(in.headerType()).isEqualTo(MessageHeader.Schema);
      assertThat(in.descriptor().getPath()).containsExactly("/x/y");
      assertThat(in.schema()).isEqualTo(schema);
    }
  }

  @Test
  void recordBatchComesBackWithItsValuesAndAppMetadata() throws Exception {
    Schema schema = SchemaSpec.parse("int64x2,utf8,float64");
    GeneratorOptions options = GeneratorOptions.defaults().withNullFraction(0.2);
    try (BatchSet data = DataGenerator.generate(schema, 1000, 1000, options, allocator);
        ArrowBuf metadata = allocator.buffer(3)) {
      metadata.setBytes(0, "abc".getBytes(StandardCharsets.UTF_8));
      metadata.writerIndex(3);
      ArrowRecordBatch sent = data.batches().get(0);
      OutboundFlightData out = OutboundFlightData.recordBatch(sent, metadata, IpcOption.DEFAULT);
      assertThat(out.ipcBodyBytes()).isEqualTo(sent.computeBodyLength());
      try (InputStream wire = out.stream();
          InboundFlightData in = InboundFlightData.read(wire, allocator);
          ArrowRecordBatch received = in.recordBatch()) {
        byte[] md = new byte[3];
        in.appMetadata().getBytes(0, md);
        assertThat(new String(md, StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(contents(schema, received)).isEqualTo(contents(schema, sent));
      }
    }
  }

  @Test
  void bodiesAreReadWholeFromBufferChainsThatExposeTheirBytesOrNot() throws Exception {
    Schema schema = SchemaSpec.parse("int64x2,utf8");
    try (BatchSet data =
        DataGenerator.generate(
            schema, 500, 500, GeneratorOptions.defaults().withNullFraction(0.1), allocator)) {
      ArrowRecordBatch sent = data.batches().get(0);
      byte[] wire;
      try (InputStream in =
          OutboundFlightData.recordBatch(sent, null, IpcOption.DEFAULT).stream()) {
        wire = in.readAllBytes();
      }
      // gRPC hands the message over as a chain of network buffers, one per HTTP/2 frame.
      for (InputStream stream :
          List.of(new ChunkedStream(wire, 7, true), new ChunkedStream(wire, 4096, false))) {
        try (InboundFlightData in = InboundFlightData.read(stream, allocator);
            ArrowRecordBatch received = in.recordBatch()) {
          assertThat(contents(schema, received)).isEqualTo(contents(schema, sent));
        }
      }
    }
  }

  /**
   * A message stream like gRPC's: exposes its bytes as direct ByteBuffers of {@code chunk} bytes at
   * a time, or (when {@code exposes} is false) throws as a buffer chain that cannot does.
   */
  private static final class ChunkedStream extends ByteArrayInputStream implements HasByteBuffer {
    private final int chunk;
    private final boolean exposes;

    ChunkedStream(byte[] bytes, int chunk, boolean exposes) {
      super(bytes);
      this.chunk = chunk;
      this.exposes = exposes;
    }

    @Override
    public boolean byteBufferSupported() {
      return exposes;
    }

    @Override
    public ByteBuffer getByteBuffer() {
      if (!exposes) {
        throw new UnsupportedOperationException("no ByteBuffer here");
      }
      int n = Math.min(chunk, count - pos);
      ByteBuffer out = ByteBuffer.allocateDirect(n);
      out.put(buf, pos, n).flip();
      return out;
    }
  }

  @Test
  void everyPartOfAMessageIsDirectSoNettyWritesItWithoutCopying() throws Exception {
    // Columns of odd widths need padding between buffers; metadata and a descriptor add parts.
    Schema schema = SchemaSpec.parse("int8,utf8,int64");
    try (BatchSet data =
            DataGenerator.generate(
                schema, 37, 37, GeneratorOptions.defaults().withNullFraction(0.3), allocator);
        ArrowBuf metadata = allocator.buffer(1)) {
      metadata.writeByte(7);
      OutboundFlightData batch =
          OutboundFlightData.recordBatch(data.batches().get(0), metadata, IpcOption.DEFAULT);
      OutboundFlightData schemaMessage =
          OutboundFlightData.schema(FlightDescriptor.path("/a"), schema, IpcOption.DEFAULT);
      try {
        assertThat(batch.isDirect()).isTrue();
        assertThat(schemaMessage.isDirect()).isTrue();
      } finally {
        batch.discard();
        schemaMessage.discard();
      }
    }
  }

  @Test
  void batchesWithoutNullsTravelWithoutValidityBitmaps() throws Exception {
    Schema schema = SchemaSpec.parse("int64x4,utf8");
    try (BatchSet data =
            DataGenerator.generate(schema, 4096, 4096, GeneratorOptions.defaults(), allocator);
        ArrowRecordBatch compact =
            Batches.withoutAllValidBitmaps(data.batches().get(0), schema, allocator)) {
      ArrowRecordBatch full = data.batches().get(0);
      // Five validity bitmaps of 512 bytes each are dropped.
      assertThat(full.computeBodyLength() - compact.computeBodyLength()).isEqualTo(5 * 512);
      try (InputStream wire =
              OutboundFlightData.recordBatch(compact, null, IpcOption.DEFAULT).stream();
          InboundFlightData in = InboundFlightData.read(wire, allocator);
          ArrowRecordBatch received = in.recordBatch()) {
        assertThat(contents(schema, received)).isEqualTo(contents(schema, full));
      }
    }
  }

  @Test
  void columnsWithNullsKeepTheirBitmaps() {
    Schema schema = SchemaSpec.parse("int64x2");
    GeneratorOptions options = GeneratorOptions.defaults().withNullFraction(0.5);
    try (BatchSet data = DataGenerator.generate(schema, 1024, 1024, options, allocator);
        ArrowRecordBatch compact =
            Batches.withoutAllValidBitmaps(data.batches().get(0), schema, allocator)) {
      assertThat(compact.computeBodyLength()).isEqualTo(data.batches().get(0).computeBodyLength());
    }
  }

  @Test
  void garbageIsInvalidArgument() {
    byte[] garbage = {(byte) 0x12, (byte) 0x7f, 1, 2, 3};
    assertThatThrownBy(() -> InboundFlightData.read(new ByteArrayInputStream(garbage), allocator))
        .isInstanceOf(FlightRuntimeException.class)
        .hasMessageContaining("Malformed FlightData");
  }

  private String contents(Schema schema, ArrowRecordBatch batch) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      new VectorLoader(root).load(batch);
      return root.contentToTSVString();
    }
  }
}
