package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.GeneratorOptions;
import dev.flightlab.data.SchemaSpec;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamDataTest {
  private final RootAllocator root = new RootAllocator();

  @AfterEach
  void allocatorEndsEmpty() {
    assertThat(root.getAllocatedMemory()).isZero();
    root.close();
  }

  private BatchSet make() {
    return DataGenerator.generate(
        SchemaSpec.parse("int64,utf8,dictionary<utf8>"),
        3_000,
        1_000,
        GeneratorOptions.defaults(),
        root);
  }

  @Test
  void ipcBodyBytesComeFromTheLayoutNotTheWriterIndexes() {
    try (BatchSet set = make()) {
      long expected = set.ipcBodyBytes();
      // What ArrowReader does to the buffers of batches it loaded earlier.
      for (ArrowRecordBatch b : set.batches()) {
        for (ArrowBuf buf : b.getBuffers()) {
          buf.writerIndex(0);
        }
      }
      long recomputed = 0;
      for (ArrowRecordBatch b : set.batches()) {
        recomputed += b.computeBodyLength();
      }
      assertThat(recomputed).isLessThan(expected);
      assertThat(StreamData.ipcBodyBytes(set.batches())).isEqualTo(expected);
    }
  }

  @Test
  void measuresItsDataAndNumbersEveryBatch() {
    try (StreamData d = new StreamData(make(), true, root)) {
      assertThat(d.rows).isEqualTo(3_000);
      assertThat(d.batches).isEqualTo(3);
      assertThat(d.ipcStreamBytes).isGreaterThan(d.ipcBodyBytes);
      for (int i = 0; i < 3; i++) {
        try (ArrowBuf seq = d.sequenceForSending(i)) {
          assertThat(StreamData.sequenceOf(seq, d.batches)).isEqualTo(i);
        }
      }
      assertThat(StreamData.sequenceOf((ArrowBuf) null, 3)).isEqualTo(-1);
      assertThat(StreamData.sequenceOf(java.nio.ByteBuffer.allocate(4), 3)).isEqualTo(-1);
      try (ArrowBuf other = root.buffer(8)) {
        other.setLong(0, 7);
        other.writerIndex(8);
        assertThat(StreamData.sequenceOf(other, 3)).isEqualTo(-1);
      }
    }
  }
}
