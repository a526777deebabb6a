package dev.flightlab.store;

import dev.flightlab.wire.DatasetPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.compare.VectorEqualsVisitor;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An immutable, published version of a dataset: schema, batches, dictionaries and totals.
 *
 * <p>A reader gets one from {@link DatasetStore#snapshot} holding a reference and closes it when
 * done; a concurrent replace or drop never frees buffers under a reader, the last holder does.
 */
public final class Dataset implements AutoCloseable {
  private final DatasetPath path;
  private final Schema schema;
  private final Schema memorySchema;
  private final List<Segment> segments;
  private final List<StoredBatch> batches;
  private final DictionaryProvider dictionaries;
  private final Map<Integer, List<StoredDictionary>> dictionariesBefore;
  private final long rowCount;
  private final long ipcBodyBytes;
  private final long bytesHeld;
  private final long version;
  private final Instant committedAt;
  private final AtomicInteger refs = new AtomicInteger(1);

  Dataset(
      DatasetPath path,
      Schema schema,
      Schema memorySchema,
      List<Segment> segments,
      long version,
      Instant committedAt) {
    this.path = path;
    this.schema = schema;
    this.memorySchema = memorySchema;
    this.segments = List.copyOf(segments);
    List<StoredBatch> all = new ArrayList<>();
    long rows = 0;
    long body = 0;
    long held = 0;
    for (Segment segment : segments) {
      all.addAll(segment.batches());
      held += segment.bytesHeld();
      for (StoredBatch b : segment.batches()) {
        rows += b.rowCount();
        body += b.ipcBodyBytes();
      }
    }
    this.batches = Collections.unmodifiableList(all);
    this.rowCount = rows;
    this.ipcBodyBytes = body;
    this.bytesHeld = held;
    this.version = version;
    this.committedAt = committedAt;
    this.dictionaries =
        new SegmentDictionaries(segments.isEmpty() ? Map.of() : segments.get(0).dictionaries());
    this.dictionariesBefore = replayOrder(segments);
  }

  /**
   * Where each dictionary message goes in the replayed stream: every segment's own updates in
   * place, and before an appended segment's first batch its dictionaries as replacements, unless
   * the reader already holds exactly those.
   */
  private static Map<Integer, List<StoredDictionary>> replayOrder(List<Segment> segments) {
    Map<Integer, List<StoredDictionary>> before = new HashMap<>();
    if (segments.isEmpty()) {
      return Map.of();
    }
    Map<Long, Dictionary> held = segments.get(0).dictionaries();
    boolean changed = false;
    int offset = 0;
    for (int k = 0; k < segments.size(); k++) {
      Segment segment = segments.get(k);
      int size = segment.batches().size();
      if (k > 0 && size > 0 && !segment.dictionaries().isEmpty()) {
        if (changed || !sameDictionaries(held, segment.dictionaries())) {
          List<StoredDictionary> replacements = new ArrayList<>();
          segment.dictionaries().keySet().stream()
              .sorted()
              .forEach(
                  id ->
                      replacements.add(
                          new StoredDictionary(segment.dictionaries().get(id), false)));
          before.computeIfAbsent(offset, i -> new ArrayList<>()).addAll(replacements);
          held = segment.dictionaries();
          changed = false;
        }
      }
      for (Map.Entry<Integer, List<StoredDictionary>> e : segment.dictionaryUpdates().entrySet()) {
        // Messages after a segment's last batch change nothing any batch reads: not replayed.
        if (e.getKey() < size) {
          before.computeIfAbsent(offset + e.getKey(), i -> new ArrayList<>()).addAll(e.getValue());
          changed = true;
        }
      }
      offset += size;
    }
    Map<Integer, List<StoredDictionary>> frozen = new HashMap<>();
    before.forEach((index, list) -> frozen.put(index, List.copyOf(list)));
    return Map.copyOf(frozen);
  }

  private static boolean sameDictionaries(Map<Long, Dictionary> a, Map<Long, Dictionary> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    VectorEqualsVisitor equals = new VectorEqualsVisitor();
    for (Map.Entry<Long, Dictionary> e : a.entrySet()) {
      if (!equals.vectorEquals(e.getValue().getVector(), b.get(e.getKey()).getVector())) {
        return false;
      }
    }
    return true;
  }

  /** The dataset's path. */
  public DatasetPath path() {
    return path;
  }

  /** The schema as uploaded (dictionary-encoded fields show their value type). */
  public Schema schema() {
    return schema;
  }

  /** The schema of the vectors that hold the batches (dictionary fields hold their indices). */
  public Schema memorySchema() {
    return memorySchema;
  }

  /** The batches in upload order, with their original boundaries. Borrowed: do not close. */
  public List<StoredBatch> batches() {
    return batches;
  }

  /** The dictionaries the batches' dictionary-encoded fields refer to. Borrowed: do not close. */
  public DictionaryProvider dictionaries() {
    return dictionaries;
  }

  /**
   * The dictionary messages a reader must receive, in this order, just before batch {@code
   * batchIndex} of {@link #batches()}: replacements and deltas as uploaded, and an appended
   * upload's own dictionaries. Empty for most batches. Borrowed: do not close.
   */
  public List<StoredDictionary> dictionariesBefore(int batchIndex) {
    return dictionariesBefore.getOrDefault(batchIndex, List.of());
  }

  /** Rows across all batches. */
  public long rowCount() {
    return rowCount;
  }

  /** Sum of the batches' IPC body lengths in bytes. */
  public long ipcBodyBytes() {
    return ipcBodyBytes;
  }

  /** Direct memory the batches hold in bytes (as accounted by their allocators). */
  public long bytesHeld() {
    return bytesHeld;
  }

  /** 1 for the first commit under this path, then one more for each replace or append. */
  public long version() {
    return version;
  }

  /** When this version was published. */
  public Instant committedAt() {
    return committedAt;
  }

  List<Segment> segments() {
    return segments;
  }

  /** Takes one more reference unless the dataset is already freed; true when taken. */
  boolean tryRetain() {
    int n;
    do {
      n = refs.get();
      if (n <= 0) {
        return false;
      }
    } while (!refs.compareAndSet(n, n + 1));
    return true;
  }

  /** Releases the caller's reference; the last one frees the segments it alone held. */
  @Override
  public void close() {
    int left = refs.decrementAndGet();
    if (left == 0) {
      segments.forEach(Segment::release);
    } else if (left < 0) {
      throw new IllegalStateException("dataset " + path + " released too often");
    }
  }

  /** A read-only provider over a segment's dictionaries. */
  private static final class SegmentDictionaries implements DictionaryProvider {
    private final Map<Long, Dictionary> byId;

    SegmentDictionaries(Map<Long, Dictionary> byId) {
      this.byId = new HashMap<>(byId);
    }

    @Override
    public Dictionary lookup(long id) {
      return byId.get(id);
    }

    @Override
    public Set<Long> getDictionaryIds() {
      return byId.keySet();
    }
  }
}
