package dev.flightlab.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.GeneratorOptions;
import dev.flightlab.data.SchemaSpec;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundStreamTest {
  private final RootAllocator allocator = new RootAllocator();
  private final List<InboundFlightData> received = new ArrayList<>();
  private final List<Integer> indices = new ArrayList<>();

  @AfterEach
  void allocatorEndsEmpty() {
    received.forEach(InboundFlightData::close);
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  @Test
  void schemaThenDictionariesThenBatchesCountedAsAnIpcStream() throws Exception {
    Schema schema = SchemaSpec.parse("a:int64,d:dictionary<utf8>,s:utf8");
    GeneratorOptions withNulls = GeneratorOptions.defaults().withNullFraction(0.5);
    try (BatchSet data = DataGenerator.generate(schema, 3000, 1000, withNulls, allocator)) {
      long ipcStreamBytes = encode(data, IpcCompression.NONE);

      // Every column has nulls, so no bitmap is dropped: the same bytes Arrow's writer counts.
      assertThat(ipcStreamBytes).isEqualTo(data.ipcStreamBytes(allocator));
      assertThat(indices).containsExactly(-1, -1, 0, 1, 2);
      assertThat(received.get(0).headerType()).isEqualTo(MessageHeader.Schema);
      assertThat(received.get(0).descriptor().getPath()).containsExactly("/t");
      assertThat(received.get(0).schema())
          .isEqualTo(OutboundStream.messageSchema(data.schema(), data.dictionaries()));
      assertThat(received.get(1).headerType()).isEqualTo(MessageHeader.DictionaryBatch);
      for (int i = 0; i < 3; i++) {
        try (ArrowRecordBatch batch = received.get(i + 2).recordBatch()) {
          assertThat(contents(data.schema(), batch))
              .isEqualTo(contents(data.schema(), data.batches().get(i)));
        }
      }
    }
  }

  @Test
  void compressedBatchesDecompressToTheSameValues() throws Exception {
    Schema schema = SchemaSpec.parse("int64x2,utf8");
    try (BatchSet data =
        DataGenerator.generate(schema, 2048, 1024, GeneratorOptions.defaults(), allocator)) {
      encode(data, IpcCompression.parse("lz4"));

      for (int i = 0; i < 2; i++) {
        try (ArrowRecordBatch batch = received.get(i + 1).recordBatch()) {
          assertThat(batch.getBodyCompression().getCodec())
              .isEqualTo(CompressionUtil.CodecType.LZ4_FRAME.getType());
          assertThat(contents(schema, batch)).isEqualTo(contents(schema, data.batches().get(i)));
        }
      }
    }
  }

  private long encode(BatchSet data, IpcCompression compression) throws Exception {
    return OutboundStream.encode(
        FlightDescriptor.path("/t"),
        data,
        data.appMetadata(),
        compression,
        allocator,
        (message, index) -> {
          indices.add(index);
          try (InputStream wire = message.stream()) {
            received.add(InboundFlightData.read(wire, allocator));
          } catch (java.io.IOException e) {
            throw new AssertionError(e);
          }
        });
  }

  private String contents(Schema schema, ArrowRecordBatch batch) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      new VectorLoader(root, CommonsCompressionFactory.INSTANCE).load(batch);
      return root.contentToTSVString();
    }
  }
}
