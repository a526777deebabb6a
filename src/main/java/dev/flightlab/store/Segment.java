package dev.flightlab.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.dictionary.Dictionary;

/**
 * The batches of one committed upload, in the allocator they were accounted to.
 *
 * <p>With a data directory the batches lie in a memory-mapped segment file ({@link #file()}),
 * accounted to the allocator all the same.
 *
 * <p>Reference counted: every {@link Dataset} version that lists the segment holds one reference
 * (an append shares the earlier segments with the new version). The last release frees the batches
 * and closes the allocator, or hands it to the store to close once gRPC has let go of buffers still
 * queued for sending.
 */
final class Segment {
  private final BufferAllocator allocator;
  private final List<StoredBatch> batches;
  private final Map<Long, Dictionary> dictionaries;
  private final Map<Integer, List<StoredDictionary>> dictionaryUpdates;
  private final long bytesHeld;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final DatasetStore owner;
  private final SegmentFile file;

  Segment(
      DatasetStore owner,
      BufferAllocator allocator,
      List<StoredBatch> batches,
      Map<Long, Dictionary> dictionaries) {
    this(owner, allocator, batches, dictionaries, Map.of(), null);
  }

  /**
   * A segment whose upload replaced or extended dictionaries between batches ({@code
   * dictionaryUpdates} maps the index, in this segment, of the batch they precede to them), read
   * from {@code file} (null for one held in memory only).
   */
  Segment(
      DatasetStore owner,
      BufferAllocator allocator,
      List<StoredBatch> batches,
      Map<Long, Dictionary> dictionaries,
      Map<Integer, List<StoredDictionary>> dictionaryUpdates,
      SegmentFile file) {
    this.owner = owner;
    this.file = file;
    this.allocator = allocator;
    this.batches = List.copyOf(batches);
    this.dictionaries = Map.copyOf(dictionaries);
    Map<Integer, List<StoredDictionary>> updates = new HashMap<>();
    for (Map.Entry<Integer, List<StoredDictionary>> e : dictionaryUpdates.entrySet()) {
      updates.put(e.getKey(), List.copyOf(e.getValue()));
    }
    this.dictionaryUpdates = Map.copyOf(updates);
    this.bytesHeld = allocator.getAllocatedMemory();
  }

  List<StoredBatch> batches() {
    return batches;
  }

  Map<Long, Dictionary> dictionaries() {
    return dictionaries;
  }

  /** Dictionary messages between batches, by the index (in this segment) of the batch after. */
  Map<Integer, List<StoredDictionary>> dictionaryUpdates() {
    return dictionaryUpdates;
  }

  long bytesHeld() {
    return bytesHeld;
  }

  /** The file the batches are mapped from, or null when they are held in memory. */
  SegmentFile file() {
    return file;
  }

  Segment retain() {
    if (refs.getAndIncrement() <= 0) {
      throw new IllegalStateException("segment already freed");
    }
    return this;
  }

  void release() {
    int left = refs.decrementAndGet();
    if (left == 0) {
      batches.forEach(StoredBatch::free);
      dictionaries.values().forEach(d -> d.getVector().close());
      dictionaryUpdates.values().forEach(list -> list.forEach(StoredDictionary::free));
      owner.closeWhenDrained(allocator);
    } else if (left < 0) {
      throw new IllegalStateException("segment released too often");
    }
  }
}
