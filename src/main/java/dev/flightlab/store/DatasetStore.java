package dev.flightlab.store;

import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.OutboundStream;
import dev.flightlab.wire.PutMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory store of Arrow datasets keyed by {@link DatasetPath}.
 *
 * <p>Thread-safe. Uploads write through a {@link WriteSession} and publish one immutable {@link
 * Dataset} version atomically; readers take a {@link #snapshot} that stays valid (and keeps its
 * buffers) until they close it, whatever happens to the path meanwhile. All buffers are accounted
 * to child allocators of the store's allocator, and an upload that would take the store over {@code
 * memoryLimitBytes} fails with RESOURCE_EXHAUSTED.
 */
public final class DatasetStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatasetStore.class);

  private final BufferAllocator allocator;
  private final BufferAllocator inFlight;
  private final long memoryLimitBytes;
  private final Clock clock;
  private final Map<DatasetPath, Dataset> datasets = new ConcurrentHashMap<>();
  private final Object commitLock = new Object();
  private final ConcurrentLinkedQueue<BufferAllocator> draining = new ConcurrentLinkedQueue<>();
  private final AtomicInteger uploadsInProgress = new AtomicInteger();
  private final AtomicLong sessionSequence = new AtomicLong();
  private volatile boolean closed;

  /**
   * Creates a store whose buffers live in a child of {@code parent}.
   *
   * @param parent the allocator the store's own child allocator is made from
   * @param memoryLimitBytes most direct memory the store may hold, in bytes
   */
  public DatasetStore(BufferAllocator parent, long memoryLimitBytes) {
    this(parent, memoryLimitBytes, Clock.systemUTC());
  }

  DatasetStore(BufferAllocator parent, long memoryLimitBytes, Clock clock) {
    if (memoryLimitBytes <= 0) {
      throw new IllegalArgumentException("memory limit must be positive: " + memoryLimitBytes);
    }
    // The limit is the allocator's own: a buffer that would pass it is refused before it exists.
    this.allocator = parent.newChildAllocator("store", 0, memoryLimitBytes);
    this.inFlight = allocator.newChildAllocator("in-flight", 0, Long.MAX_VALUE);
    this.memoryLimitBytes = memoryLimitBytes;
    this.clock = clock;
  }

  /**
   * Starts an upload to {@code path}. CREATE fails at once when the path is taken, APPEND when the
   * schema differs from the published one; both are checked again at commit.
   *
   * @param memorySchema the schema of the reader's root (dictionary fields hold indices)
   */
  public WriteSession beginWrite(DatasetPath path, PutMode mode, Schema memorySchema) {
    checkOpen();
    Dataset current = datasets.get(path);
    checkMode(path, mode, memorySchema, current);
    BufferAllocator sessionAllocator =
        allocator.newChildAllocator(
            "put:" + path + "#" + sessionSequence.incrementAndGet(), 0, Long.MAX_VALUE);
    uploadsInProgress.incrementAndGet();
    return new WriteSession(this, path, mode, sessionAllocator, memorySchema);
  }

  /**
   * Returns the published version of {@code path}, retained: close it when done.
   *
   * @throws org.apache.arrow.flight.FlightRuntimeException NOT_FOUND naming the path
   */
  public Dataset snapshot(DatasetPath path) {
    while (true) {
      Dataset d = datasets.get(path);
      if (d == null) {
        throw CallStatus.NOT_FOUND
            .withDescription("No dataset '" + path + "'")
            .toRuntimeException();
      }
      if (d.tryRetain()) {
        return d;
      }
      // Replaced or dropped between the lookup and the retain: look again.
    }
  }

  /** Describes {@code path}'s published version. */
  public DatasetInfo info(DatasetPath path) {
    try (Dataset d = snapshot(path)) {
      return DatasetInfo.of(d);
    }
  }

  /** Lists the datasets at or below {@code prefix} (all when null), sorted by path. */
  public List<DatasetInfo> list(DatasetPath prefix) {
    List<DatasetInfo> out = new ArrayList<>();
    for (DatasetPath path : datasets.keySet().stream().sorted().toList()) {
      if (prefix != null && !path.isUnder(prefix)) {
        continue;
      }
      Dataset d = datasets.get(path);
      if (d != null && d.tryRetain()) {
        try {
          out.add(DatasetInfo.of(d));
        } finally {
          d.close();
        }
      }
    }
    return out;
  }

  /**
   * Removes {@code path}; readers that hold it keep reading.
   *
   * @throws org.apache.arrow.flight.FlightRuntimeException NOT_FOUND naming the path
   */
  public DatasetInfo drop(DatasetPath path) {
    Dataset removed;
    synchronized (commitLock) {
      removed = datasets.remove(path);
    }
    if (removed == null) {
      throw CallStatus.NOT_FOUND.withDescription("No dataset '" + path + "'").toRuntimeException();
    }
    DatasetInfo info = DatasetInfo.of(removed);
    removed.close();
    reapDrained();
    return info;
  }

  /**
   * Removes every dataset and gives the freed blocks kept for reuse back to the OS; returns how
   * many datasets there were.
   */
  public int clear() {
    List<Dataset> removed;
    synchronized (commitLock) {
      removed = new ArrayList<>(datasets.values());
      datasets.clear();
    }
    removed.forEach(Dataset::close);
    reapDrained();
    Allocators.releaseCachedBlocks();
    return removed.size();
  }

  /** Counts what the store holds now. */
  public StoreStats stats() {
    reapDrained();
    long rows = 0;
    long body = 0;
    int count = 0;
    for (Dataset d : datasets.values()) {
      count++;
      rows += d.rowCount();
      body += d.ipcBodyBytes();
    }
    return new StoreStats(
        count,
        rows,
        body,
        allocator.getAllocatedMemory(),
        allocator.getPeakMemoryAllocation(),
        memoryLimitBytes,
        uploadsInProgress.get());
  }

  /**
   * The allocator for bytes still on their way into the store (received message bodies,
   * decompressed buffers, an upload's dictionaries): counted against the memory limit before they
   * are allocated, since it is a child of the store's own.
   */
  public BufferAllocator inFlightAllocator() {
    return inFlight;
  }

  /** Bytes received but not yet in a write session, or sent but not yet freed. */
  public long inFlightBytes() {
    return inFlight.getAllocatedMemory();
  }

  /** The most direct memory the store may hold, in bytes. */
  public long memoryLimitBytes() {
    return memoryLimitBytes;
  }

  /** Direct memory the store holds now, in bytes. */
  public long memoryUsedBytes() {
    return allocator.getAllocatedMemory();
  }

  void checkMemoryLimit(DatasetPath path) {
    if (allocator.getAllocatedMemory() > memoryLimitBytes) {
      throw overMemoryLimit(path);
    }
  }

  /** RESOURCE_EXHAUSTED for an upload to {@code path} that does not fit. */
  FlightRuntimeException overMemoryLimit(DatasetPath path) {
    return CallStatus.RESOURCE_EXHAUSTED
        .withDescription(
            "Upload to '"
                + path
                + "' exceeds the memory limit: the store holds "
                + allocator.getAllocatedMemory()
                + " bytes (uploads in flight included), limit "
                + memoryLimitBytes
                + " bytes (--memory-limit)")
        .toRuntimeException();
  }

  DatasetInfo publish(WriteSession session) {
    DatasetPath path = session.path();
    Dataset published;
    Dataset replaced;
    synchronized (commitLock) {
      checkOpen();
      Dataset current = datasets.get(path);
      checkMode(path, session.mode(), session.memorySchema(), current);
      List<Segment> segments = new ArrayList<>();
      if (session.mode() == PutMode.APPEND && current != null) {
        // Different dictionaries are fine: the new segment's are replayed as replacements.
        for (Segment s : current.segments()) {
          segments.add(s.retain());
        }
      }
      segments.add(
          new Segment(
              this,
              session.allocator(),
              session.batches(),
              session.dictionaries(),
              session.dictionaryUpdates()));
      Schema memorySchema = session.memorySchema();
      Schema schema =
          current != null && session.mode() == PutMode.APPEND
              ? current.schema()
              : OutboundStream.messageSchema(
                  memorySchema,
                  new DictionaryProvider.MapDictionaryProvider(
                      session.dictionaries().values().toArray(Dictionary[]::new)));
      published =
          new Dataset(
              path,
              schema,
              memorySchema,
              segments,
              current == null ? 1 : current.version() + 1,
              clock.instant());
      replaced = datasets.put(path, published);
      uploadsInProgress.decrementAndGet();
    }
    if (replaced != null) {
      replaced.close();
    }
    reapDrained();
    return DatasetInfo.of(published);
  }

  void abandon(WriteSession session) {
    uploadsInProgress.decrementAndGet();
    closeWhenDrained(session.allocator());
  }

  /** Closes the allocator now if it holds nothing, else once gRPC has released what it queued. */
  void closeWhenDrained(BufferAllocator segmentAllocator) {
    if (segmentAllocator.getAllocatedMemory() == 0) {
      segmentAllocator.close();
    } else {
      draining.add(segmentAllocator);
    }
  }

  private void reapDrained() {
    draining.removeIf(
        a -> {
          if (a.getAllocatedMemory() == 0) {
            a.close();
            return true;
          }
          return false;
        });
  }

  private void checkMode(DatasetPath path, PutMode mode, Schema memorySchema, Dataset current) {
    if (current == null) {
      return;
    }
    if (mode == PutMode.CREATE) {
      throw CallStatus.ALREADY_EXISTS
          .withDescription("Dataset '" + path + "' already exists (put mode create)")
          .toRuntimeException();
    }
    if (mode == PutMode.APPEND && !current.memorySchema().equals(memorySchema)) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription(
              "Append to '"
                  + path
                  + "' has a different schema: dataset has "
                  + current.memorySchema()
                  + ", upload has "
                  + memorySchema)
          .toRuntimeException();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw CallStatus.UNAVAILABLE.withDescription("The store is closed").toRuntimeException();
    }
  }

  /**
   * Drops every dataset and closes the store's allocator, waiting up to five seconds for buffers
   * still queued for sending.
   *
   * @throws IllegalStateException naming what leaked when memory is still held after the wait
   */
  @Override
  public void close() {
    closed = true;
    clear();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!draining.isEmpty() && System.nanoTime() < deadline) {
      reapDrained();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!draining.isEmpty()) {
      log.warn("Store closing with {} allocators still holding memory", draining.size());
      draining.forEach(a -> log.warn("  {}", a.toVerboseString()));
    }
    inFlight.close();
    allocator.close();
  }
}
