package dev.flightlab.bench;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataSizes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.ArrowBuffer;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * One stream's data, ready to send: the batches, their sizes measured once, and an 8-byte sequence
 * number per batch to send as app_metadata (so acks and echoes can be matched to the batch they
 * answer, and latencies timed without allocating during the run).
 */
final class StreamData implements AutoCloseable {
  private final BatchSet data;
  private final boolean owned;
  private final List<ArrowBuf> sequence;
  private final AtomicLongArray sentNanos;
  final long rows;
  final long batches;
  final long logicalBytes;
  final long ipcBodyBytes;
  final long ipcStreamBytes;
  private Long checksum;

  /**
   * Measures {@code data} and prepares its sequence numbers.
   *
   * @param owned whether closing this closes {@code data} (false when streams share one set)
   */
  StreamData(BatchSet data, boolean owned, BufferAllocator allocator) {
    this.data = data;
    this.owned = owned;
    this.rows = data.rowCount();
    this.batches = data.batches().size();
    this.logicalBytes = DataSizes.logicalBytes(data);
    this.ipcBodyBytes = ipcBodyBytes(data.batches());
    this.ipcStreamBytes = data.ipcStreamBytes(allocator);
    this.sequence = new ArrayList<>((int) batches);
    try {
      for (int i = 0; i < batches; i++) {
        ArrowBuf seq = allocator.buffer(Long.BYTES);
        seq.setLong(0, i);
        seq.writerIndex(Long.BYTES);
        sequence.add(seq);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    this.sentNanos = new AtomicLongArray((int) batches);
  }

  /**
   * IPC body bytes of {@code batches}, from each batch's buffer layout as recorded when it was made
   * (the end of its last buffer, padded to 8). Unlike ArrowRecordBatch.computeBodyLength, this does
   * not read the buffers' writer indexes, which a reader reusing its vectors may have reset since
   * (ArrowReader does, for every batch but the last).
   */
  static long ipcBodyBytes(List<ArrowRecordBatch> batches) {
    long sum = 0;
    for (ArrowRecordBatch b : batches) {
      List<ArrowBuffer> layout = b.getBuffersLayout();
      if (!layout.isEmpty()) {
        ArrowBuffer last = layout.get(layout.size() - 1);
        sum += (last.getOffset() + last.getSize() + 7) & ~7L;
      }
    }
    return sum;
  }

  /** The batches. Borrowed. */
  BatchSet data() {
    return data;
  }

  /**
   * Batch {@code i}'s sequence number as app_metadata, with a reference of its own for the message
   * that sends it (the message closes what it sends).
   */
  ArrowBuf sequenceForSending(int i) {
    ArrowBuf seq = sequence.get(i);
    seq.getReferenceManager().retain();
    return seq;
  }

  /** The sequence numbers as app_metadata, one per batch (borrowed: senders retain them). */
  List<ArrowBuf> sequence() {
    return sequence;
  }

  /** When each batch was handed to Flight (System.nanoTime), reused by every iteration. */
  AtomicLongArray sentNanos() {
    return sentNanos;
  }

  /** The content checksum, computed on first use. */
  long checksum(BufferAllocator allocator) {
    if (checksum == null) {
      checksum = Checksums.of(data, allocator);
    }
    return checksum;
  }

  /** Reads a sequence number from an ack's app_metadata; -1 when it is not one of ours. */
  static long sequenceOf(ByteBuffer metadata, long batches) {
    if (metadata == null || metadata.remaining() != Long.BYTES) {
      return -1;
    }
    // ArrowBuf.setLong wrote it in the platform's byte order.
    long seq = metadata.duplicate().order(ByteOrder.nativeOrder()).getLong();
    return seq >= 0 && seq < batches ? seq : -1;
  }

  /** Reads a sequence number from app_metadata; -1 when it is not one of ours. */
  static long sequenceOf(ArrowBuf metadata, long batches) {
    if (metadata == null || metadata.readableBytes() != Long.BYTES) {
      return -1;
    }
    long seq = metadata.getLong(metadata.readerIndex());
    return seq >= 0 && seq < batches ? seq : -1;
  }

  @Override
  public void close() {
    for (ArrowBuf b : sequence) {
      b.close();
    }
    sequence.clear();
    if (owned) {
      data.close();
    }
  }
}
