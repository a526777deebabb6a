package dev.flightlab.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/** Unloads record batches that can always be sent again. */
public final class RecordBatches {
  private RecordBatches() {}

  /**
   * The batch now in {@code root}, its buffers retained (no copy), aligned and with null counts.
   *
   * <p>Arrow Java 19 unloads an empty list or map vector whose offset buffer arrived empty (as
   * Arrow Java itself writes it) with a writer index past the buffer's capacity
   * (apache/arrow-java#1194), and such a batch fails when it is sent or written again. Those
   * buffers are replaced by zeroed ones of the length they claim, taken from {@code allocator}: an
   * empty vector's offsets are [0].
   */
  public static ArrowRecordBatch unload(VectorSchemaRoot root, BufferAllocator allocator) {
    ArrowRecordBatch batch = new VectorUnloader(root, true, true).getRecordBatch();
    List<ArrowBuf> buffers = batch.getBuffers();
    if (buffers.stream().noneMatch(b -> b.writerIndex() > b.capacity())) {
      return batch;
    }
    List<ArrowBuf> complete = new ArrayList<>(buffers.size());
    List<ArrowBuf> created = new ArrayList<>();
    for (ArrowBuf b : buffers) {
      if (b.writerIndex() > b.capacity()) {
        ArrowBuf zeroed = allocator.buffer(b.writerIndex());
        created.add(zeroed);
        zeroed.setZero(0, zeroed.capacity());
        zeroed.writerIndex(b.writerIndex());
        complete.add(zeroed);
      } else {
        complete.add(b);
      }
    }
    // The new batch retains every buffer it lists; the old batch and our own references go.
    try (batch) {
      return new ArrowRecordBatch(
          batch.getLength(),
          batch.getNodes(),
          complete,
          batch.getBodyCompression(),
          batch.getVariadicBufferCounts(),
          true);
    } finally {
      created.forEach(ArrowBuf::close);
    }
  }

  /** The allocator of {@code root}'s first vector (where its buffers were made), or null. */
  static BufferAllocator allocatorOf(VectorSchemaRoot root) {
    List<FieldVector> vectors = root.getFieldVectors();
    return vectors.isEmpty() ? null : vectors.get(0).getAllocator();
  }
}
