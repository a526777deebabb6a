package dev.flightlab.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A table held as record batches with their original boundaries: what the client uploads and what a
 * download returns.
 *
 * <p>Owns its batches, dictionaries and per-batch metadata; close it to free them. The schema is
 * the in-memory one (dictionary-encoded fields hold their index type).
 */
public final class BatchSet implements AutoCloseable {
  private final Schema schema;
  private final List<ArrowRecordBatch> batches;
  private final List<ArrowBuf> appMetadata;
  // Counted when each batch was added: a root loaded from a batch in the same allocator shares
  // its buffer objects, and unloading that root again moves their writer indices.
  private final long ipcBodyBytes;
  private final DictionaryProvider.MapDictionaryProvider dictionaries;
  // Batch index -> dictionaries (whole values) that replace the ones before from that batch on.
  private final NavigableMap<Integer, List<Dictionary>> replacements;

  private BatchSet(
      Schema schema,
      List<ArrowRecordBatch> batches,
      List<ArrowBuf> appMetadata,
      DictionaryProvider.MapDictionaryProvider dictionaries,
      NavigableMap<Integer, List<Dictionary>> replacements,
      long ipcBodyBytes) {
    this.replacements = replacements;
    this.schema = schema;
    this.ipcBodyBytes = ipcBodyBytes;
    this.batches = Collections.unmodifiableList(batches);
    this.appMetadata = Collections.unmodifiableList(appMetadata);
    this.dictionaries = dictionaries;
  }

  /** Starts a batch set with the given in-memory schema. */
  public static Builder builder(Schema schema) {
    return new Builder(schema);
  }

  /** A batch set that takes over the single batch in {@code root} (no copy; root left empty). */
  public static BatchSet of(VectorSchemaRoot root) {
    return builder(root.getSchema()).add(root, null).build();
  }

  /** The in-memory schema. */
  public Schema schema() {
    return schema;
  }

  /** The batches, in order. Borrowed: do not close. */
  public List<ArrowRecordBatch> batches() {
    return batches;
  }

  /** Each batch's app_metadata (null where it had none), parallel to {@link #batches()}. */
  public List<ArrowBuf> appMetadata() {
    return appMetadata;
  }

  /**
   * The dictionaries dictionary-encoded fields refer to (those of the first batch; see {@link
   * #dictionariesAt}). Borrowed: do not close.
   */
  public DictionaryProvider dictionaries() {
    return dictionaries;
  }

  /**
   * The dictionaries batch {@code batchIndex}'s encoded fields refer to: a stream may replace or
   * extend them between batches. Borrowed: do not close.
   */
  public DictionaryProvider dictionariesAt(int batchIndex) {
    if (replacements.isEmpty() || replacements.firstKey() > batchIndex) {
      return dictionaries;
    }
    return dictionariesAt(dictionaries, replacements.headMap(batchIndex, true));
  }

  /** Whether any dictionary changes between batches ({@link #dictionariesAt} differs). */
  public boolean dictionariesChange() {
    return !replacements.isEmpty();
  }

  /** Rows across all batches. */
  public long rowCount() {
    long rows = 0;
    for (ArrowRecordBatch b : batches) {
      rows += b.getLength();
    }
    return rows;
  }

  /** Sum of the batches' IPC body lengths in bytes. */
  public long ipcBodyBytes() {
    return ipcBodyBytes;
  }

  /**
   * The size in bytes of this table written as an Arrow IPC stream: schema message, dictionary
   * batches, record batch messages (headers, bodies, padding) and end-of-stream marker.
   */
  public long ipcStreamBytes(BufferAllocator allocator) {
    CountingChannel counter = new CountingChannel();
    try (VectorSchemaRoot root = IpcSchemas.createRoot(schema, allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, dictionaries, counter)) {
      VectorLoader loader = new VectorLoader(root);
      writer.start();
      for (ArrowRecordBatch b : batches) {
        loader.load(b);
        writer.writeBatch();
      }
      writer.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return counter.bytes;
  }

  /**
   * Joins downloaded parts (a FlightInfo's endpoints, in order) into one set, taking ownership of
   * their batches, metadata and dictionaries; the parts are left empty and need no closing. Parts
   * may carry the same dictionaries (each endpoint's stream sends its own copy): duplicates are
   * freed; a part whose dictionaries differ from those in force replaces them from its first batch
   * on ({@link #dictionariesAt}).
   *
   * @throws IllegalArgumentException when the schemas of the parts differ (the parts are all freed)
   */
  public static BatchSet concat(List<BatchSet> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no parts to join");
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    BatchSet first = parts.get(0);
    for (BatchSet part : parts) {
      if (!part.schema.equals(first.schema)) {
        parts.forEach(BatchSet::close);
        throw new IllegalArgumentException(
            "endpoints sent different schemas: " + first.schema + " and " + part.schema);
      }
    }
    // Ownership of every batch, metadata buffer and dictionary moves to the joined set; a later
    // part's dictionaries that differ from those in force become replacements at its first batch.
    List<ArrowRecordBatch> batches = new ArrayList<>();
    List<ArrowBuf> metadata = new ArrayList<>();
    DictionaryProvider.MapDictionaryProvider dictionaries =
        new DictionaryProvider.MapDictionaryProvider();
    NavigableMap<Integer, List<Dictionary>> replacements = new TreeMap<>();
    long bodyBytes = 0;
    for (BatchSet part : parts) {
      int offset = batches.size();
      DictionaryProvider inForce = dictionariesAt(dictionaries, replacements);
      for (long id : part.dictionaries.getDictionaryIds()) {
        Dictionary theirs = part.dictionaries.lookup(id);
        Dictionary current = inForce.lookup(id);
        if (current != null
            && org.apache.arrow.vector.compare.VectorEqualsVisitor.vectorEquals(
                current.getVector(), theirs.getVector())) {
          theirs.getVector().close();
        } else if (offset == 0) {
          // No batch refers to the dictionary it displaces yet.
          if (current != null) {
            current.getVector().close();
          }
          dictionaries.put(theirs);
        } else {
          replacements.computeIfAbsent(offset, i -> new ArrayList<>()).add(theirs);
        }
      }
      part.replacements.forEach(
          (index, list) ->
              replacements.computeIfAbsent(offset + index, i -> new ArrayList<>()).addAll(list));
      batches.addAll(part.batches);
      metadata.addAll(part.appMetadata);
      bodyBytes += part.ipcBodyBytes;
    }
    return new BatchSet(first.schema, batches, metadata, dictionaries, replacements, bodyBytes);
  }

  /** {@code base} with every dictionary of {@code replacements} put over it, in batch order. */
  private static DictionaryProvider dictionariesAt(
      DictionaryProvider.MapDictionaryProvider base,
      SortedMap<Integer, List<Dictionary>> replacements) {
    DictionaryProvider.MapDictionaryProvider at = new DictionaryProvider.MapDictionaryProvider();
    base.getDictionaryIds().forEach(id -> at.put(base.lookup(id)));
    replacements.values().forEach(list -> list.forEach(at::put));
    return at;
  }

  /** Frees every batch, metadata buffer and dictionary. */
  @Override
  public void close() {
    List<AutoCloseable> all = new ArrayList<>(batches);
    for (ArrowBuf b : appMetadata) {
      if (b != null) {
        all.add(b);
      }
    }
    for (long id : dictionaries.getDictionaryIds()) {
      all.add(dictionaries.lookup(id).getVector());
    }
    replacements.values().forEach(list -> list.forEach(d -> all.add(d.getVector())));
    try {
      AutoCloseables.close(all);
    } catch (Exception e) {
      throw new IllegalStateException("could not free batch set: " + e.getMessage(), e);
    }
  }

  /** Collects batches for a {@link BatchSet}. */
  public static final class Builder {
    private final Schema schema;
    private final List<ArrowRecordBatch> batches = new ArrayList<>();
    private final List<ArrowBuf> appMetadata = new ArrayList<>();
    private final DictionaryProvider.MapDictionaryProvider dictionaries =
        new DictionaryProvider.MapDictionaryProvider();
    private final NavigableMap<Integer, List<Dictionary>> replacements = new TreeMap<>();

    private Builder(Schema schema) {
      this.schema = schema;
    }

    /** Batches added so far. */
    public int batchCount() {
      return batches.size();
    }

    /** The schema of the set being built. */
    public Schema schema() {
      return schema;
    }

    /**
     * Takes over the batch now in {@code root} (its buffers move, no copy; the root is left empty
     * and may be reloaded, as readers do) and ownership of {@code metadata} (may be null).
     */
    public Builder add(VectorSchemaRoot root, ArrowBuf metadata) {
      BufferAllocator owner = RecordBatches.allocatorOf(root);
      batches.add(owner == null ? RecordBatches.unload(root, null) : Batches.takeOver(root, owner));
      appMetadata.add(metadata);
      return this;
    }

    /** Adds a batch, taking ownership of it and of {@code metadata} (may be null). */
    public Builder add(ArrowRecordBatch batch, ArrowBuf metadata) {
      batches.add(batch);
      appMetadata.add(metadata);
      return this;
    }

    /** Takes ownership of a dictionary. */
    public Builder dictionary(Dictionary dictionary) {
      dictionaries.put(dictionary);
      return this;
    }

    /**
     * Takes ownership of a dictionary's whole values that replace its earlier ones from the next
     * batch added on (a stream's replacement, or a delta applied by the reader).
     */
    public Builder replaceDictionary(Dictionary dictionary) {
      if (batches.isEmpty()) {
        Dictionary old = dictionaries.lookup(dictionary.getEncoding().getId());
        if (old != null) {
          old.getVector().close();
        }
        dictionaries.put(dictionary);
      } else {
        replacements.computeIfAbsent(batches.size(), i -> new ArrayList<>()).add(dictionary);
      }
      return this;
    }

    /** Finishes the set. */
    public BatchSet build() {
      long bodyBytes = 0;
      for (ArrowRecordBatch b : batches) {
        bodyBytes += b.computeBodyLength();
      }
      return new BatchSet(schema, batches, appMetadata, dictionaries, replacements, bodyBytes);
    }
  }

  private static final class CountingChannel implements WritableByteChannel {
    long bytes;

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      src.position(src.limit());
      bytes += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
