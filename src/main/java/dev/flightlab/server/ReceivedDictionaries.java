package dev.flightlab.server;

import dev.flightlab.wire.BatchValidator;
import dev.flightlab.wire.IpcDecompression;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * What DoPut and DoExchange do alike with a received message before they part ways (one stores a
 * dictionary, the other echoes it): find the dictionary a message names, decompress its body,
 * validate it as Arrow C++ would, load values into a vector.
 */
final class ReceivedDictionaries {
  private ReceivedDictionaries() {}

  /** What a handler does with a dictionary message's validated values. */
  interface Use {
    void apply(Dictionary dictionary, ArrowRecordBatch values);
  }

  /**
   * Looks up the dictionary {@code batch} names in {@code dictionaries} (INVALID_ARGUMENT naming
   * {@code what} when the schema has none), validates its values against the dictionary's field and
   * hands them to {@code use}; a decompressed copy is freed afterwards.
   */
  static void receive(
      String what,
      ArrowDictionaryBatch batch,
      DictionaryProvider dictionaries,
      BatchValidator.DictionaryLengths lengths,
      BufferAllocator allocator,
      Use use) {
    Dictionary dictionary = dictionaries.lookup(batch.getDictionaryId());
    if (dictionary == null) {
      throw Statuses.invalid(
          what + ": dictionary " + batch.getDictionaryId() + " is not in the schema");
    }
    ArrowRecordBatch received = batch.getDictionary();
    ArrowRecordBatch data = uncompressed(received, allocator);
    try {
      BatchValidator.validate(List.of(dictionary.getVector().getField()), data, lengths);
      use.apply(dictionary, data);
    } finally {
      if (data != received) {
        data.close();
      }
    }
  }

  /**
   * The batch uncompressed: itself when it is not compressed, else a new batch to close, in {@code
   * allocator} (the call's in-flight account: counted against the memory limit first).
   */
  static ArrowRecordBatch uncompressed(ArrowRecordBatch batch, BufferAllocator allocator) {
    if (batch.getBodyCompression().getCodec() == NoCompressionCodec.COMPRESSION_TYPE) {
      return batch;
    }
    return IpcDecompression.decompress(batch, allocator);
  }

  /** Loads one batch of a single column into {@code vector}. */
  static void load(FieldVector vector, ArrowRecordBatch data) {
    VectorSchemaRoot one = new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), 0);
    new VectorLoader(one).load(data);
  }
}
