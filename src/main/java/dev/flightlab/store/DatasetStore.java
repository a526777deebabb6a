package dev.flightlab.store;

import dev.flightlab.data.IpcSchemas;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.OutboundStream;
import dev.flightlab.wire.PutMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
 *
 * <p>Opened on a data directory ({@link #open}), the store is durable: each commit writes the
 * upload as a segment file and switches the dataset's manifest before it returns, drops remove
 * files before they return, and published datasets are served from the memory-mapped files, so the
 * memory limit bounds uploads in flight, not what is stored (docs/durability.md).
 */
public final class DatasetStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatasetStore.class);

  private final BufferAllocator allocator;
  private final BufferAllocator inFlight;
  private final StorePeak peak;
  private final long memoryLimitBytes;
  private final Clock clock;
  private final Map<DatasetPath, Dataset> datasets = new ConcurrentHashMap<>();
  private final Object commitLock = new Object();
  private final ConcurrentLinkedQueue<BufferAllocator> draining = new ConcurrentLinkedQueue<>();
  private final AtomicInteger uploadsInProgress = new AtomicInteger();
  private final AtomicLong sessionSequence = new AtomicLong();
  private final DataDirectory dataDir;
  private final BufferAllocator mappedAllocator;
  private final Object[] pathLocks;
  // Durable switches hold it shared, close() exclusive: no commit publishes after close began.
  private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
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
    this(parent, memoryLimitBytes, clock, null);
  }

  /**
   * Opens a store on a data directory, loading the datasets it holds, or a memory-only store when
   * {@code dataDir} is null.
   *
   * @param parent the allocator the store's own child allocators are made from
   * @param memoryLimitBytes most direct memory uploads and in-memory datasets may hold, in bytes
   *     (mapped files are not counted)
   * @param dataDir the data directory (created when missing), or null
   * @throws UncheckedIOException when the directory cannot be created, read or locked
   */
  public static DatasetStore open(BufferAllocator parent, long memoryLimitBytes, Path dataDir) {
    return new DatasetStore(parent, memoryLimitBytes, Clock.systemUTC(), dataDir);
  }

  DatasetStore(BufferAllocator parent, long memoryLimitBytes, Clock clock, Path dataDir) {
    if (memoryLimitBytes <= 0) {
      throw new IllegalArgumentException("memory limit must be positive: " + memoryLimitBytes);
    }
    this.memoryLimitBytes = memoryLimitBytes;
    this.clock = clock;
    // The limit is the allocator's own: a buffer that would pass it is refused before it exists.
    this.peak = new StorePeak(parent.getListener());
    this.allocator = parent.newChildAllocator("store", peak, 0, memoryLimitBytes);
    peak.attach(allocator);
    this.inFlight = allocator.newChildAllocator("in-flight", 0, Long.MAX_VALUE);
    if (dataDir == null) {
      this.dataDir = null;
      this.mappedAllocator = null;
      this.pathLocks = null;
      return;
    }
    long started = System.nanoTime();
    DataDirectory dir;
    try {
      dir = DataDirectory.open(dataDir, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open data dir " + dataDir + ": " + describe(e), e);
    }
    this.dataDir = dir;
    // Beside "store", not under it: mapped files do not count against the memory limit.
    this.mappedAllocator = parent.newChildAllocator("store-mapped", 0, Long.MAX_VALUE);
    this.pathLocks = new Object[256];
    for (int i = 0; i < pathLocks.length; i++) {
      pathLocks[i] = new Object();
    }
    try {
      loadDatasets(started);
    } catch (IOException | RuntimeException e) {
      try {
        close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(
            "cannot load data dir " + dir.root() + ": " + describe(io), io);
      }
      throw (RuntimeException) e;
    }
  }

  /** An I/O error in words: file system exceptions often carry only the file's name. */
  private static String describe(IOException e) {
    String what =
        e instanceof java.nio.file.AccessDeniedException
            ? "permission denied"
            : e instanceof java.nio.file.NoSuchFileException
                ? "no such file or directory"
                : e instanceof java.nio.file.FileAlreadyExistsException
                    ? "a file is in the way"
                    : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
                        ? fs.getReason()
                        : null;
    if (what == null) {
      return String.valueOf(e.getMessage());
    }
    return e instanceof java.nio.file.FileSystemException fs && fs.getFile() != null
        ? fs.getFile() + ": " + what
        : what;
  }

  private void loadDatasets(long startedNanos) throws IOException {
    DataDirectory.LoadReport report = dataDir.load(mappedAllocator);
    long rows = 0;
    long bytes = 0;
    int files = 0;
    for (DataDirectory.Loaded loaded : report.datasets()) {
      List<Segment> segments = new ArrayList<>();
      for (DataDirectory.MappedSegment m : loaded.segments()) {
        segments.add(segmentOf(m));
      }
      SegmentFormat.Content first =
          loaded.segments().isEmpty() ? null : loaded.segments().get(0).content();
      Manifest manifest = loaded.manifest();
      Dataset dataset =
          new Dataset(
              manifest.path(),
              first == null ? new Schema(List.of()) : first.schema(),
              first == null ? new Schema(List.of()) : first.memorySchema(),
              segments,
              manifest.version(),
              manifest.committedAt());
      datasets.put(manifest.path(), dataset);
      rows += manifest.rows();
      bytes += manifest.segmentBytes();
      files += manifest.segments().size();
    }
    long millis = (System.nanoTime() - startedNanos) / 1_000_000;
    log.info(
        "Data dir {}: loaded {} datasets ({} rows, {} bytes in {} segment files, mapped) in {} ms"
            + " ({} ms of it checking the CRC32C of {} bytes); set aside {} to {}; removed {}"
            + " temporary and {} unreferenced files",
        dataDir.root(),
        report.datasets().size(),
        rows,
        bytes,
        files,
        millis,
        report.verifyNanos() / 1_000_000,
        report.verifiedBytes(),
        report.setAside(),
        dataDir.root().resolve(DataDirectory.QUARANTINE),
        report.removedTemporary(),
        report.removedUnreferenced());
  }

  private Segment segmentOf(DataDirectory.MappedSegment m) {
    return new Segment(
        this, m.allocator(), m.content().batches(), m.content().dicts(), Map.of(), m.file());
  }

  /** Waits until the files of replaced and dropped datasets are deleted (tests). */
  void awaitFileDeletions() {
    if (dataDir != null) {
      dataDir.awaitDeletions();
    }
  }

  /** The data directory, or null for a memory-only store. */
  public Path dataDir() {
    return dataDir == null ? null : dataDir.root();
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
    DataDirectory.PendingSegment segment = null;
    if (dataDir != null) {
      try {
        segment = dataDir.startSegment(path);
      } catch (IOException e) {
        sessionAllocator.close();
        throw storageFailure("Upload to '" + path + "'", e);
      }
    }
    uploadsInProgress.incrementAndGet();
    return new WriteSession(this, path, mode, sessionAllocator, memorySchema, segment);
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
    if (dataDir != null) {
      return dropDurably(path);
    }
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
    if (dataDir != null) {
      return clearDurably();
    }
    return forgetAll();
  }

  /** Removes every dataset from memory (not from disk); returns how many there were. */
  private int forgetAll() {
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
    long disk = 0;
    int count = 0;
    for (Dataset d : datasets.values()) {
      count++;
      rows += d.rowCount();
      body += d.ipcBodyBytes();
      for (Segment s : d.segments()) {
        disk += s.file() == null ? 0 : s.file().bytes();
      }
    }
    return new StoreStats(
        count,
        rows,
        body,
        allocator.getAllocatedMemory(),
        peak.peak(),
        memoryLimitBytes,
        uploadsInProgress.get(),
        disk,
        mappedAllocator == null ? 0 : mappedAllocator.getAllocatedMemory());
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
    if (peak.sample() > memoryLimitBytes) {
      throw overMemoryLimit(path);
    }
  }

  /** Runs a move of buffers between the store's allocators: see {@link StorePeak#handOver}. */
  void handOver(Runnable move) {
    peak.handOver(move);
  }

  /** RESOURCE_EXHAUSTED for an upload to {@code path} that does not fit. */
  FlightRuntimeException overMemoryLimit(DatasetPath path) {
    return CallStatus.RESOURCE_EXHAUSTED
        .withDescription(
            "Upload to '"
                + path
                + "' exceeds the memory limit: the store holds "
                + peak.sample()
                + " bytes (uploads in flight included), limit "
                + memoryLimitBytes
                + " bytes (--memory-limit)")
        .toRuntimeException();
  }

  DatasetInfo publish(WriteSession session) {
    if (dataDir != null) {
      return publishDurably(session);
    }
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
              session.dictionaryUpdates(),
              null));
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
                  + IpcSchemas.describe(current.memorySchema())
                  + ", upload has "
                  + IpcSchemas.describe(memorySchema))
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
    closeLock.writeLock().lock();
    try {
      closed = true;
    } finally {
      closeLock.writeLock().unlock();
    }
    forgetAll();
    Allocators.releaseCachedBlocks();
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
    try {
      inFlight.close();
      allocator.close();
    } finally {
      if (dataDir != null) {
        try {
          mappedAllocator.close();
        } finally {
          try {
            dataDir.close();
          } catch (IOException e) {
            log.warn("Could not release the data dir's lock: {}", e.toString());
          }
        }
      }
    }
  }

  private Object pathLock(DatasetPath path) {
    return pathLocks[(path.hashCode() & 0x7fffffff) % pathLocks.length];
  }

  /**
   * The durable commit: the upload's segment file, written as its batches arrived, is finished
   * (synced, renamed, folder synced) outside any lock; under the path's lock the mode is checked
   * again, the new manifest is switched in by atomic rename (synced), and only then is the new
   * version published in memory. The upload's memory is freed: the published version is served from
   * the mapped file.
   */
  private DatasetInfo publishDurably(WriteSession session) {
    DatasetPath path = session.path();
    checkOpen();
    Schema fileSchema = SegmentFormat.messageSchema(session.memorySchema(), session.dictionaries());
    long t0 = System.nanoTime();
    SegmentFile file;
    try {
      file = session.segment().finish(session.memorySchema(), session.dictionaries());
    } catch (IOException e) {
      throw storageFailure("Upload to '" + path + "'", e);
    }
    long t1 = System.nanoTime();
    Segment segment;
    try {
      segment = segmentOf(dataDir.mapSegment(file, mappedAllocator));
    } catch (IOException | RuntimeException e) {
      dataDir.deleteSegments(List.of(file.name()));
      throw e instanceof IOException io
          ? storageFailure("Upload to '" + path + "'", io)
          : (RuntimeException) e;
    }
    long t2 = System.nanoTime();
    Dataset published;
    Dataset replaced;
    List<Segment> segments = new ArrayList<>();
    closeLock.readLock().lock();
    try {
      synchronized (pathLock(path)) {
        checkOpen();
        Dataset current = datasets.get(path);
        checkMode(path, session.mode(), session.memorySchema(), current);
        boolean append = session.mode() == PutMode.APPEND && current != null;
        if (append) {
          // Different dictionaries are fine: each segment file keeps its own, and the new
          // segment's are replayed as replacements.
          for (Segment s : current.segments()) {
            segments.add(s.retain());
          }
        }
        segments.add(segment);
        long version = current == null ? 1 : current.version() + 1;
        Instant now = clock.instant();
        List<SegmentFile> files = new ArrayList<>();
        segments.forEach(s -> files.add(s.file()));
        // Built before the switch: once the manifest is renamed into place, nothing may fail.
        published =
            new Dataset(
                path,
                append ? current.schema() : fileSchema,
                session.memorySchema(),
                segments,
                version,
                now);
        try {
          dataDir.commitManifest(new Manifest(path, version, now, files));
        } catch (IOException e) {
          throw storageFailure("Upload to '" + path + "'", e);
        }
        synchronized (commitLock) {
          replaced = datasets.put(path, published);
          uploadsInProgress.decrementAndGet();
        }
      }
    } catch (RuntimeException e) {
      // Nothing was published: give back what this commit took, and its file.
      segments.forEach(Segment::release);
      if (!segments.contains(segment)) {
        segment.release();
      }
      dataDir.deleteSegments(List.of(file.name()));
      throw e;
    } finally {
      closeLock.readLock().unlock();
    }
    long t3 = System.nanoTime();
    // The upload's memory is no longer needed: the published version reads the mapped file.
    session.freeBuffers();
    closeWhenDrained(session.allocator());
    long t4 = System.nanoTime();
    if (replaced != null) {
      List<String> unreferenced = new ArrayList<>();
      for (Segment s : replaced.segments()) {
        if (!published.segments().contains(s) && s.file() != null) {
          unreferenced.add(s.file().name());
        }
      }
      // Readers of the old version keep their mappings; the files' names can go now.
      dataDir.deleteSegmentsLater(unreferenced);
      replaced.close();
    }
    reapDrained();
    if (log.isDebugEnabled()) {
      log.debug(
          "Committed '{}' v{}: segment finished in {} ms, mapped in {} ms, manifest switched in {}"
              + " ms, upload freed in {} ms, then {} ms",
          path,
          published.version(),
          (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000,
          (t3 - t2) / 1_000_000,
          (t4 - t3) / 1_000_000,
          (System.nanoTime() - t4) / 1_000_000);
    }
    return DatasetInfo.of(published);
  }

  private DatasetInfo dropDurably(DatasetPath path) {
    Dataset removed;
    closeLock.readLock().lock();
    try {
      synchronized (pathLock(path)) {
        checkOpen();
        if (!datasets.containsKey(path)) {
          throw CallStatus.NOT_FOUND
              .withDescription("No dataset '" + path + "'")
              .toRuntimeException();
        }
        try {
          dataDir.removeManifest(path);
        } catch (IOException e) {
          throw storageFailure("Drop of '" + path + "'", e);
        }
        synchronized (commitLock) {
          removed = datasets.remove(path);
        }
      }
    } finally {
      closeLock.readLock().unlock();
    }
    DatasetInfo info = DatasetInfo.of(removed);
    List<String> files = new ArrayList<>();
    for (Segment s : removed.segments()) {
      if (s.file() != null) {
        files.add(s.file().name());
      }
    }
    dataDir.deleteSegmentsLater(files);
    removed.close();
    reapDrained();
    return info;
  }

  private int clearDurably() {
    int dropped = 0;
    for (DatasetPath path : datasets.keySet().stream().sorted().toList()) {
      try {
        dropDurably(path);
        dropped++;
      } catch (FlightRuntimeException e) {
        if (e.status().code() != org.apache.arrow.flight.FlightStatusCode.NOT_FOUND) {
          throw e;
        }
      }
    }
    Allocators.releaseCachedBlocks();
    return dropped;
  }

  /**
   * RESOURCE_EXHAUSTED when the data directory's file system is full (the client may retry once
   * space is freed), INTERNAL naming the I/O error otherwise.
   */
  static FlightRuntimeException storageFailure(String what, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("No space left on device") || m.contains("Disk quota exceeded")) {
        return CallStatus.RESOURCE_EXHAUSTED
            .withDescription(what + " could not be stored: the data dir's file system is full")
            .withCause(e)
            .toRuntimeException();
      }
    }
    return CallStatus.INTERNAL
        .withDescription(what + " could not be stored in the data dir: " + e.getMessage())
        .withCause(e)
        .toRuntimeException();
  }
}
