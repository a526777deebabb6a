package dev.flightlab.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.memory.Allocators;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.junit.jupiter.api.Test;

/**
 * A shared header is only ever handed to a batch it was encoded for: byte for byte what Arrow's
 * serializer writes for that batch, whatever in the shape differs (length, nulls, buffer sizes).
 */
class IpcHeadersTest {
  @Test
  void batchesOfOneShapeShareAHeaderAndAnyDifferenceGetsItsOwn() {
    try (BufferAllocator allocator = Allocators.newRoot();
        BigIntVector ids = new BigIntVector("id", allocator);
        VarCharVector names = new VarCharVector("name", allocator);
        VectorSchemaRoot root = VectorSchemaRoot.of(ids, names)) {
      ByteBuffer first = headerOf(root, 4, 0, "abc");
      ByteBuffer same = headerOf(root, 4, 0, "xyz");
      assertThat(same).as("same shape: the same shared header").isSameAs(first);
      // Each one differs from the batch before it in one thing only: the null count, a buffer's
      // size, the length; each gets its own header (headerOf checks its bytes).
      ByteBuffer withNull = headerOf(root, 4, 1, "abc");
      assertThat(withNull).isNotSameAs(first);
      ByteBuffer back = headerOf(root, 4, 0, "abc");
      assertThat(back).isNotSameAs(withNull);
      ByteBuffer longerStrings = headerOf(root, 4, 0, "abcdefghijk");
      assertThat(longerStrings).isNotSameAs(back);
      headerOf(root, 4, 0, "abc");
      ByteBuffer longer = headerOf(root, 5, 0, "abc");
      assertThat(longer).isNotSameAs(back);
      assertThat(first.isReadOnly()).isTrue();
    }
  }

  /**
   * Loads {@code rows} rows ({@code nulls} of them null ids, every name {@code name}) and returns
   * the header IpcHeaders gives the batch, checked against Arrow's own encoding of it.
   */
  private static ByteBuffer headerOf(VectorSchemaRoot root, int rows, int nulls, String name) {
    BigIntVector ids = (BigIntVector) root.getVector("id");
    VarCharVector names = (VarCharVector) root.getVector("name");
    ids.allocateNew(rows);
    names.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      if (i < nulls) {
        ids.setNull(i);
      } else {
        ids.set(i, i);
      }
      names.setSafe(i, name.getBytes(StandardCharsets.UTF_8));
    }
    root.setRowCount(rows);
    try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
      ByteBuffer header = IpcHeaders.of(batch);
      ByteBuffer expected = MessageSerializer.serializeMetadata(batch, IpcOption.DEFAULT);
      assertThat(header.duplicate()).isEqualTo(expected);
      return header;
    }
  }
}
