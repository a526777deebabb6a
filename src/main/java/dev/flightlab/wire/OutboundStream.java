package dev.flightlab.wire;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.Batches;
import dev.flightlab.data.IpcSchemas;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A batch set encoded as the messages of one outbound Flight stream: the schema message (dictionary
 * fields in message form), one dictionary batch per dictionary, then the record batches as Arrow
 * C++ and pyarrow send them (columns without nulls without their all-ones validity bitmap),
 * compressed when asked.
 */
public final class OutboundStream {
  /** The end-of-stream marker of an IPC stream: continuation token and a zero length. */
  private static final long END_OF_STREAM_BYTES = 8;

  private OutboundStream() {}

  /** Takes each message of a stream in order. */
  @FunctionalInterface
  public interface Sink {
    /**
     * Takes {@code message} over: the sink sends or discards it.
     *
     * @param recordBatch the record batch's index in the set, -1 for the schema and dictionaries
     */
    void accept(OutboundFlightData message, int recordBatch) throws InterruptedException;
  }

  /**
   * Encodes {@code data} message by message into {@code sink}, each record batch only when the sink
   * has taken the one before (so compression runs as the stream goes).
   *
   * <p>Batches go out zero-copy: each message holds its own references to {@code data}'s buffers.
   *
   * @param descriptor sent with the schema message (DoPut), or null
   * @param appMetadata each batch's app_metadata (borrowed; null entries send none)
   * @param allocator where compressed bodies are allocated
   * @return the stream's size as an Arrow IPC stream: every message, plus the end-of-stream marker
   */
  public static long encode(
      FlightDescriptor descriptor,
      BatchSet data,
      List<ArrowBuf> appMetadata,
      IpcCompression compression,
      BufferAllocator allocator,
      Sink sink)
      throws InterruptedException {
    Schema schema = messageSchema(data.schema(), data.dictionaries());
    OutboundFlightData first = OutboundFlightData.schema(descriptor, schema, IpcOption.DEFAULT);
    long ipcStreamBytes = END_OF_STREAM_BYTES + first.ipcStreamBytes();
    sink.accept(first, -1);
    for (long id : data.dictionaries().getDictionaryIds()) {
      OutboundFlightData message = OutboundFlightData.dictionary(data.dictionaries().lookup(id));
      ipcStreamBytes += message.ipcStreamBytes();
      sink.accept(message, -1);
    }
    CompressionCodec codec = compression.enabled() ? compression.newCodec() : null;
    List<ArrowRecordBatch> batches = data.batches();
    Batches.ValidityPlan validity = Batches.ValidityPlan.of(data.schema());
    for (int i = 0; i < batches.size(); i++) {
      try (ArrowRecordBatch wire = wireBatch(batches.get(i), validity, codec, allocator)) {
        OutboundFlightData message =
            OutboundFlightData.recordBatch(wire, appMetadata.get(i), IpcOption.DEFAULT);
        ipcStreamBytes += message.ipcStreamBytes();
        sink.accept(message, i);
      }
    }
    return ipcStreamBytes;
  }

  /**
   * The schema as an IPC schema message states it: dictionary-encoded fields show their value type
   * and name their dictionary, where {@code memorySchema}'s hold the index type.
   */
  public static Schema messageSchema(Schema memorySchema, DictionaryProvider dictionaries) {
    if (dictionaries.getDictionaryIds().isEmpty()) {
      return memorySchema;
    }
    Set<Long> used = new HashSet<>();
    List<Field> fields = new ArrayList<>();
    for (Field f : memorySchema.getFields()) {
      fields.add(IpcSchemas.toMessageFormat(f, dictionaries, used));
    }
    return new Schema(fields, memorySchema.getCustomMetadata());
  }

  /** The batch as it goes on the wire: all-valid bitmaps dropped, then compressed if asked. */
  private static ArrowRecordBatch wireBatch(
      ArrowRecordBatch batch,
      Batches.ValidityPlan validity,
      CompressionCodec codec,
      BufferAllocator allocator) {
    ArrowRecordBatch wire = Batches.withoutAllValidBitmaps(batch, validity, allocator);
    if (codec == null) {
      return wire;
    }
    try (wire) {
      List<ArrowBuf> compressed = new ArrayList<>(wire.getBuffers().size());
      try {
        for (ArrowBuf buf : wire.getBuffers()) {
          // The codec releases its input: hand it a reference of its own.
          buf.getReferenceManager().retain();
          compressed.add(codec.compress(allocator, buf));
        }
      } catch (RuntimeException e) {
        compressed.forEach(ArrowBuf::close);
        throw e;
      }
      ArrowRecordBatch out =
          new ArrowRecordBatch(
              wire.getLength(),
              wire.getNodes(),
              compressed,
              CompressionUtil.createBodyCompression(codec),
              wire.getVariadicBufferCounts(),
              true,
              true);
      // The batch took its own references.
      compressed.forEach(ArrowBuf::close);
      return out;
    }
  }
}
