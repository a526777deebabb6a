package dev.flightlab.store;

import dev.flightlab.data.Batches;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * One upload in progress: batches are taken over zero-copy into the session's own allocator and
 * counted against the store's memory limit; nothing is visible to readers until {@link #commit}.
 *
 * <p>Not thread-safe: one upload stream feeds one session. Closing a session that did not commit
 * frees everything it held.
 */
public final class WriteSession implements AutoCloseable {
  private final DatasetStore store;
  private final DatasetPath path;
  private final PutMode mode;
  private final BufferAllocator allocator;
  private final Schema memorySchema;
  // Where memorySchema's validity buffers sit (null for schemas with views): see addReceived.
  private final Batches.ValidityPlan validity;
  private final List<StoredBatch> batches = new ArrayList<>();
  private final Map<Long, Dictionary> dictionaries = new HashMap<>();
  private final Map<Integer, List<StoredDictionary>> dictionaryUpdates = new HashMap<>();
  private final Map<Long, Long> dictionaryIdentity = new HashMap<>();
  private final DataDirectory.PendingSegment segment;
  private boolean dictionariesCaptured;
  private boolean finished;

  WriteSession(
      DatasetStore store,
      DatasetPath path,
      PutMode mode,
      BufferAllocator allocator,
      Schema memorySchema,
      DataDirectory.PendingSegment segment) {
    this.store = store;
    this.path = path;
    this.mode = mode;
    this.allocator = allocator;
    this.memorySchema = memorySchema;
    this.validity = Batches.ValidityPlan.of(memorySchema);
    this.segment = segment;
  }

  /** The dataset this upload writes. */
  public DatasetPath path() {
    return path;
  }

  /** Batches held so far. */
  public int batchCount() {
    return batches.size();
  }

  /**
   * Takes over the batch now in {@code root} (the root is left empty) with its app_metadata.
   *
   * @param root the reader's root, loaded with one batch
   * @param provider the reader's dictionaries, captured with the first batch
   * @param appMetadata the batch's app_metadata or null; copied, the caller keeps its buffer
   * @throws org.apache.arrow.flight.FlightRuntimeException RESOURCE_EXHAUSTED over the memory limit
   */
  public StoredBatch add(VectorSchemaRoot root, DictionaryProvider provider, ArrowBuf appMetadata) {
    checkOpen();
    try {
      ArrowRecordBatch[] taken = new ArrowRecordBatch[1];
      store.handOver(
          () -> {
            captureDictionaries(provider);
            taken[0] = Batches.takeOver(root, allocator);
          });
      ArrowRecordBatch batch;
      try (ArrowRecordBatch all = taken[0]) {
        // Stored and served as Arrow C++ and pyarrow write it: no all-ones validity bitmaps.
        batch = Batches.withoutAllValidBitmaps(all, validity, allocator);
      }
      ArrowBuf metadata;
      try {
        metadata = copy(appMetadata);
      } catch (RuntimeException e) {
        batch.close();
        throw e;
      }
      StoredBatch stored = keep(batch, metadata);
      store.checkMemoryLimit(path);
      return stored;
    } catch (OutOfMemoryException e) {
      throw store.overMemoryLimit(path);
    }
  }

  /** Keeps {@code batch} and {@code metadata} (both taken over, may be null). */
  private StoredBatch keep(ArrowRecordBatch batch, ArrowBuf metadata) {
    StoredBatch stored = StoredBatch.of(batch, metadata);
    batches.add(stored);
    writeToSegment(stored);
    return stored;
  }

  /**
   * Takes a batch as it arrived (its buffers already checked against the schema, see {@link
   * Batches#fitsSchema}) without loading it into vectors: the session takes its own references, in
   * its own allocator, and a copy of the app_metadata; then {@code release} drops the caller's
   * references, which moves the memory to this session's account. Both run under the store's
   * hand-over lock, so that no reading of the store's total (another upload's limit check) sees the
   * moving buffers counted in both allocators, as Arrow counts them for a moment. Call {@link
   * #checkMemoryLimit()} after.
   *
   * @param appMetadata the batch's app_metadata or null; copied before {@code release} runs
   * @param release drops the caller's references to {@code received}, its app_metadata and anything
   *     they came from; runs once, also when taking the batch fails
   */
  public StoredBatch addReceived(
      ArrowRecordBatch received,
      DictionaryProvider provider,
      ArrowBuf appMetadata,
      Runnable release) {
    List<ArrowBuf> owned = new ArrayList<>(received.getBuffers().size());
    ArrowBuf[] metadata = new ArrowBuf[1];
    try {
      store.handOver(
          () -> {
            try {
              checkOpen();
              captureDictionaries(provider);
              metadata[0] = copy(appMetadata);
              for (ArrowBuf buf : received.getBuffers()) {
                // The same memory, referenced from this session's allocator (no copy).
                owned.add(buf.getReferenceManager().retain(buf, allocator));
              }
            } finally {
              release.run();
            }
          });
    } catch (RuntimeException e) {
      owned.forEach(ArrowBuf::close);
      if (metadata[0] != null) {
        metadata[0].close();
      }
      throw e instanceof OutOfMemoryException ? store.overMemoryLimit(path) : e;
    }
    try {
      ArrowRecordBatch taken =
          new ArrowRecordBatch(
              received.getLength(),
              received.getNodes(),
              owned,
              received.getBodyCompression(),
              received.getVariadicBufferCounts(),
              true,
              false);
      ArrowRecordBatch batch;
      if (validity == null || !validity.mayDrop(taken)) {
        // Nothing to drop (no plan: a schema with views keeps its bitmaps): withoutAllValidBitmaps
        // would only make the same batch again.
        batch = taken;
      } else {
        try (taken) {
          batch = Batches.withoutAllValidBitmaps(taken, validity, allocator);
        } catch (RuntimeException e) {
          if (metadata[0] != null) {
            metadata[0].close();
          }
          throw e;
        }
      }
      return keep(batch, metadata[0]);
    } catch (OutOfMemoryException e) {
      throw store.overMemoryLimit(path);
    }
  }

  /**
   * Keeps a dictionary message that arrived after the first batch, to be replayed before the next
   * batch: a replacement ({@code delta} false) or values appended to the dictionary ({@code delta}
   * true). Before the first batch, dictionaries reach the session through the provider instead.
   *
   * @param values the message's values; ownership moves to the session (transferred into its
   *     allocator, no copy), the caller's vector is left empty
   */
  public void addDictionary(Dictionary values, boolean delta) {
    checkOpen();
    if (segment != null) {
      values.getVector().close();
      throw CallStatus.INVALID_ARGUMENT
          .withDescription(
              "Upload to '"
                  + path
                  + "' replaces or extends a dictionary after its first batch: a server with"
                  + " --data-dir does not keep such streams yet")
          .toRuntimeException();
    }
    FieldVector source = values.getVector();
    TransferPair transfer = source.getTransferPair(source.getField(), allocator);
    store.handOver(transfer::transfer);
    StoredDictionary stored =
        new StoredDictionary(
            new Dictionary((FieldVector) transfer.getTo(), values.getEncoding()), delta);
    dictionaryUpdates.computeIfAbsent(batches.size(), i -> new ArrayList<>()).add(stored);
    store.checkMemoryLimit(path);
  }

  /** Fails with RESOURCE_EXHAUSTED when the store is over its memory limit. */
  public void checkMemoryLimit() {
    store.checkMemoryLimit(path);
  }

  /**
   * Publishes the upload as a new immutable version of the dataset, atomically.
   *
   * @param provider the reader's dictionaries (captured here when no batch arrived)
   * @return the published version, not retained: read it only under {@link DatasetStore#snapshot}
   */
  public DatasetInfo commit(DictionaryProvider provider) {
    checkOpen();
    store.handOver(() -> captureDictionaries(provider));
    // publish takes nothing over before it can fail: on failure close() still frees the upload.
    DatasetInfo published = store.publish(this);
    finished = true;
    return published;
  }

  /**
   * With a data dir, writes the batch to the upload's segment file now (not synced), so that the
   * commit only has to finish and sync it.
   */
  private void writeToSegment(StoredBatch stored) {
    if (segment == null) {
      return;
    }
    try {
      segment.append(stored, memorySchema, dictionaries);
    } catch (java.io.IOException e) {
      throw DatasetStore.storageFailure("Upload to '" + path + "'", e);
    }
  }

  /** The upload's segment file in the making, or null without a data dir. */
  DataDirectory.PendingSegment segment() {
    return segment;
  }

  /** A copy of {@code appMetadata} in this session's allocator, or null when there is none. */
  private ArrowBuf copy(ArrowBuf appMetadata) {
    if (appMetadata == null || appMetadata.readableBytes() == 0) {
      return null;
    }
    long length = appMetadata.readableBytes();
    ArrowBuf metadata = allocator.buffer(length);
    metadata.setBytes(0, appMetadata, appMetadata.readerIndex(), length);
    metadata.writerIndex(length);
    return metadata;
  }

  Schema memorySchema() {
    return memorySchema;
  }

  PutMode mode() {
    return mode;
  }

  BufferAllocator allocator() {
    return allocator;
  }

  List<StoredBatch> batches() {
    return batches;
  }

  Map<Long, Dictionary> dictionaries() {
    return dictionaries;
  }

  /** Dictionary messages that arrived between batches, by the index of the batch they precede. */
  Map<Integer, List<StoredDictionary>> dictionaryUpdates() {
    return dictionaryUpdates;
  }

  /**
   * Frees the upload's buffers once a durable commit has written them to a file (the session's
   * allocator is then the store's to close).
   */
  void freeBuffers() {
    batches.forEach(StoredBatch::free);
    batches.clear();
    dictionaries.values().forEach(d -> d.getVector().close());
    dictionaries.clear();
  }

  /** Frees what the session holds unless it committed. */
  @Override
  public void close() {
    if (finished) {
      return;
    }
    finished = true;
    if (segment != null) {
      segment.close();
    }
    batches.forEach(StoredBatch::free);
    batches.clear();
    dictionaries.values().forEach(d -> d.getVector().close());
    dictionaries.clear();
    dictionaryUpdates.values().forEach(list -> list.forEach(StoredDictionary::free));
    dictionaryUpdates.clear();
    store.abandon(this);
  }

  /** Takes the dictionaries as they stand at the first batch (or at commit when none came). */
  private void captureDictionaries(DictionaryProvider provider) {
    if (provider == null || dictionariesCaptured) {
      return;
    }
    for (long id : provider.getDictionaryIds()) {
      Dictionary source = provider.lookup(id);
      FieldVector vector = source.getVector();
      FieldVector copy;
      if (vector.getValueCount() == 0) {
        copy = vector.getField().createVector(allocator);
        copy.setValueCount(0);
      } else {
        // Slices the dictionary's buffers into this session's allocator (no copy).
        TransferPair split = vector.getTransferPair(vector.getField(), allocator);
        split.splitAndTransfer(0, vector.getValueCount());
        copy = (FieldVector) split.getTo();
      }
      dictionaries.put(id, new Dictionary(copy, source.getEncoding()));
    }
    dictionariesCaptured = true;
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("upload to '" + path + "' already finished");
    }
  }
}
