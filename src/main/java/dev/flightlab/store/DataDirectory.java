package dev.flightlab.store;

import dev.flightlab.wire.DatasetPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data directory: where a durable {@link DatasetStore} keeps its datasets, and the protocol that
 * keeps each dataset whole or absent across a crash.
 *
 * <p>Layout (docs/durability.md): {@code DIR/flightlab.lock} (held while a server runs), {@code
 * DIR/datasets/KEY.manifest} (a {@link Manifest}, the commit point), {@code
 * DIR/datasets/KEY.SEQ.arrow} (segment files, Arrow IPC), {@code DIR/quarantine/} (files set aside
 * at start). KEY is derived from the dataset's path ({@link #key}); the real path is inside the
 * manifest. Every file is written under a {@code .tmp} name, synced, renamed into place, and the
 * folder synced, before anything refers to it.
 *
 * <p>Thread-safe: callers serialise changes to one dataset; files of different datasets never share
 * a name.
 */
final class DataDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

  static final String DATASETS = "datasets";
  static final String QUARANTINE = "quarantine";
  static final String LOCK = "flightlab.lock";
  static final String MANIFEST_SUFFIX = ".manifest";
  static final String SEGMENT_SUFFIX = ".arrow";
  static final String TMP_SUFFIX = ".tmp";

  /** A slug of the path for people reading a listing, then 128 bits of its SHA-256. */
  private static final String KEY = "(?:[a-z0-9_]{1,40}-)?[0-9a-f]{32}";

  private static final Pattern MANIFEST_NAME = Pattern.compile("(" + KEY + ")\\.manifest");
  private static final Pattern SEGMENT_NAME =
      Pattern.compile("(" + KEY + ")\\.([0-9]{1,19})\\.arrow");
  private static final DateTimeFormatter QUARANTINE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Path root;
  private final Path datasets;
  private final Path quarantine;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Clock clock;
  private final AtomicLong nextSegment = new AtomicLong(1);
  private final ExecutorService cleaner =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread t = new Thread(task, "flightlab-data-dir-cleaner");
            t.setDaemon(true);
            return t;
          });

  private DataDirectory(
      Path root,
      Path datasets,
      Path quarantine,
      FileChannel lockChannel,
      FileLock lock,
      Clock clock) {
    this.root = root;
    this.datasets = datasets;
    this.quarantine = quarantine;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.clock = clock;
  }

  /**
   * Opens (creating it when missing) and locks a data directory.
   *
   * @throws IOException when it cannot be created, or another process holds it
   */
  static DataDirectory open(Path dir, Clock clock) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    Path datasets = Files.createDirectories(root.resolve(DATASETS));
    Path quarantine = Files.createDirectories(root.resolve(QUARANTINE));
    FileChannel channel =
        FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("data dir " + root + " is in use by another flightlab server");
    }
    syncDirectory(root);
    return new DataDirectory(root, datasets, quarantine, channel, lock, clock);
  }

  /** The directory's absolute path. */
  Path root() {
    return root;
  }

  /**
   * The file name stem of {@code path}'s files: never escapes the folder, at most 73 ASCII
   * characters, the same on case-insensitive file systems only for the same path.
   */
  static String key(DatasetPath path) {
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256")
              .digest(path.canonical().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
    StringBuilder slug = new StringBuilder();
    for (char c : path.canonical().toCharArray()) {
      if (slug.length() == 40) {
        break;
      }
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        slug.append(c);
      } else if (c >= 'A' && c <= 'Z') {
        slug.append((char) (c - 'A' + 'a'));
      } else if (slug.length() > 0 && slug.charAt(slug.length() - 1) != '_') {
        slug.append('_');
      }
    }
    while (slug.length() > 0 && slug.charAt(slug.length() - 1) == '_') {
      slug.setLength(slug.length() - 1);
    }
    String hash = HexFormat.of().formatHex(digest, 0, 16);
    return slug.length() == 0 ? hash : slug + "-" + hash;
  }

  /** The manifest file of {@code path}. */
  Path manifestFile(DatasetPath path) {
    return datasets.resolve(key(path) + MANIFEST_SUFFIX);
  }

  /** A file in the datasets folder. */
  Path file(String name) {
    return datasets.resolve(name);
  }

  /**
   * Starts the segment file of an upload to {@code path}, written under a temporary name as its
   * batches arrive; {@link PendingSegment#finish} makes it a segment file, {@link
   * PendingSegment#close} without it removes it.
   */
  PendingSegment startSegment(DatasetPath path) throws IOException {
    String name = key(path) + "." + nextSegment.getAndIncrement() + SEGMENT_SUFFIX;
    Path tmp = datasets.resolve(name + TMP_SUFFIX);
    FileChannel channel =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new PendingSegment(path, name, tmp, channel);
  }

  /** A segment file being written by one upload. Not thread-safe. */
  final class PendingSegment implements AutoCloseable {
    private final DatasetPath path;
    private final String name;
    private final Path tmp;
    private final FileChannel channel;
    private final SegmentFormat.Writer writer;
    private long rows;
    private int batches;
    private long writeNanos;
    private boolean done;

    private PendingSegment(DatasetPath path, String name, Path tmp, FileChannel channel) {
      this.path = path;
      this.name = name;
      this.tmp = tmp;
      this.channel = channel;
      this.writer = new SegmentFormat.Writer(channel);
    }

    /**
     * Writes one batch (not synced); the schema and dictionaries go first, with the first batch.
     *
     * @param memorySchema the upload's schema (dictionary fields hold their indices)
     */
    void append(StoredBatch batch, Schema memorySchema, Map<Long, Dictionary> dicts)
        throws IOException {
      long t0 = System.nanoTime();
      startIfNeeded(memorySchema, dicts);
      writer.append(batch);
      rows += batch.rowCount();
      batches++;
      writeNanos += System.nanoTime() - t0;
    }

    private void startIfNeeded(Schema memorySchema, Map<Long, Dictionary> dicts)
        throws IOException {
      if (!writer.started()) {
        writer.start(SegmentFormat.messageSchema(memorySchema, dicts), dicts);
      }
    }

    /**
     * Ends the file, syncs it, renames it into place and syncs the folder: after this it is a
     * segment file that a manifest may name. On failure nothing is left behind.
     */
    SegmentFile finish(Schema memorySchema, Map<Long, Dictionary> dicts) throws IOException {
      Path target = datasets.resolve(name);
      try {
        long t0 = System.nanoTime();
        startIfNeeded(memorySchema, dicts);
        SegmentFormat.Written written = writer.finish();
        long t1 = System.nanoTime();
        channel.force(true);
        channel.close();
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(datasets);
        done = true;
        if (log.isDebugEnabled()) {
          log.debug(
              "Data dir: '{}' segment {}: {} bytes written in {} ms (as batches arrived) + {} ms,"
                  + " synced in {} ms",
              path,
              name,
              written.bytes(),
              writeNanos / 1_000_000,
              (t1 - t0) / 1_000_000,
              (System.nanoTime() - t1) / 1_000_000);
        }
        return new SegmentFile(name, written.bytes(), written.crc32c(), rows, batches);
      } catch (IOException | RuntimeException e) {
        close();
        deleteQuietly(target);
        throw e;
      }
    }

    /** Removes the file unless {@link #finish} made it a segment. */
    @Override
    public void close() {
      if (done) {
        return;
      }
      done = true;
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("Data dir: could not close {}: {}", tmp, e.toString());
      }
      deleteQuietly(tmp);
    }
  }

  /**
   * Maps a segment file into a child of {@code parent} named after the file; the caller owns the
   * allocator (closed here on failure).
   */
  MappedSegment mapSegment(SegmentFile file, BufferAllocator parent) throws IOException {
    BufferAllocator allocator = parent.newChildAllocator("file:" + file.name(), 0, Long.MAX_VALUE);
    try (FileChannel channel = FileChannel.open(datasets.resolve(file.name()))) {
      long size = channel.size();
      if (size != file.bytes()) {
        throw new IOException(
            "segment " + file.name() + " has " + size + " bytes, manifest says " + file.bytes());
      }
      SegmentFormat.Content content = SegmentFormat.map(channel, size, allocator);
      return new MappedSegment(file, allocator, content);
    } catch (IOException | RuntimeException e) {
      allocator.close();
      throw e;
    }
  }

  /** A segment file mapped: its allocator and what it holds. */
  record MappedSegment(
      SegmentFile file, BufferAllocator allocator, SegmentFormat.Content content) {}

  /**
   * Makes {@code manifest} the dataset's committed state: written under a temporary name, synced,
   * renamed over the old manifest and the folder synced. After this returns the change survives a
   * crash; if it throws, the old manifest is in place (see {@link #syncAfterSwitch} for the one
   * failure that comes after the switch).
   */
  void commitManifest(Manifest manifest) throws IOException {
    Path target = manifestFile(manifest.path());
    Path tmp = datasets.resolve(target.getFileName() + TMP_SUFFIX);
    try {
      try (FileChannel channel =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(manifest.encode());
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
    syncAfterSwitch(manifest.path());
  }

  /**
   * Syncs the folder after a manifest was renamed or removed. That switch is done and cannot be
   * taken back, so a failure here is logged, not thrown: the change holds for every process, and
   * only a power loss or OS crash before the kernel writes the folder could undo it.
   */
  private void syncAfterSwitch(DatasetPath path) {
    try {
      syncDirectory(datasets);
    } catch (IOException e) {
      log.error(
          "Data dir: the change to '{}' is made but its folder could not be synced ({}): it may"
              + " not survive a power loss",
          path,
          e.toString());
    }
  }

  /** Removes {@code path}'s manifest durably: once this returns the dataset is gone for good. */
  void removeManifest(DatasetPath path) throws IOException {
    Files.deleteIfExists(manifestFile(path));
    syncAfterSwitch(path);
  }

  /**
   * Deletes segment files nothing refers to any more (not synced: a file left by a crash is removed
   * at the next start).
   */
  void deleteSegments(Collection<String> names) {
    for (String name : names) {
      deleteQuietly(datasets.resolve(name));
    }
  }

  /**
   * Deletes segment files nothing refers to any more on a thread of the directory's own, off the
   * caller's path: freeing a large file's blocks takes long (the root disk here, mounted with
   * {@code discard}, took 70-130 ms for 320 MB), and the client's ack need not wait for it.
   */
  void deleteSegmentsLater(Collection<String> names) {
    if (names.isEmpty()) {
      return;
    }
    List<String> copy = List.copyOf(names);
    try {
      cleaner.execute(() -> deleteSegments(copy));
    } catch (RejectedExecutionException closing) {
      deleteSegments(copy);
    }
  }

  /** Waits until the deletions asked for so far are done. */
  void awaitDeletions() {
    try {
      cleaner.submit(() -> {}).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      log.warn("Data dir: deletions still pending: {}", e.toString());
    }
  }

  /** What {@link #load} found. */
  record Loaded(Manifest manifest, List<MappedSegment> segments) {}

  /** A summary of a load, for the start-up log line. */
  record LoadReport(
      List<Loaded> datasets,
      int setAside,
      int removedTemporary,
      int removedUnreferenced,
      long verifiedBytes,
      long verifyNanos) {}

  /**
   * Reads every dataset in the directory: each manifest is checked, and each segment's length and
   * CRC32C, before its files are mapped into children of {@code parent}. A dataset with a torn,
   * truncated or corrupted file is moved to {@code quarantine/} with every file of its key, and
   * logged; it is never served. Temporary files and segment files no manifest names (left by a
   * crash mid-commit, or after a replace or drop) are deleted.
   */
  LoadReport load(BufferAllocator parent) throws IOException {
    List<Path> manifests = new ArrayList<>();
    Map<String, List<Path>> segmentsByKey = new TreeMap<>();
    int removedTemporary = 0;
    long maxSequence = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(datasets)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        Matcher segment = SEGMENT_NAME.matcher(name);
        if (name.endsWith(TMP_SUFFIX)) {
          Files.deleteIfExists(f);
          removedTemporary++;
        } else if (MANIFEST_NAME.matcher(name).matches()) {
          manifests.add(f);
        } else if (segment.matches()) {
          segmentsByKey.computeIfAbsent(segment.group(1), k -> new ArrayList<>()).add(f);
          maxSequence = Math.max(maxSequence, parseSequence(segment.group(2)));
        } else {
          log.warn("Data dir: left alone a file flightlab did not write: {}", f);
        }
      }
    }
    nextSegment.set(maxSequence + 1);
    manifests.sort(null);
    List<Loaded> loaded = new ArrayList<>();
    Set<String> referenced = new HashSet<>();
    int setAside = 0;
    ByteBuffer buffer = ByteBuffer.allocateDirect(4 << 20);
    long verifiedBytes = 0;
    long verifyNanos = 0;
    for (Path manifestFile : manifests) {
      Matcher m = MANIFEST_NAME.matcher(manifestFile.getFileName().toString());
      m.matches();
      String key = m.group(1);
      List<Path> keySegments = segmentsByKey.getOrDefault(key, List.of());
      Manifest manifest = null;
      List<MappedSegment> mapped = new ArrayList<>();
      try {
        manifest = Manifest.decode(Files.readAllBytes(manifestFile));
        if (!key(manifest.path()).equals(key)) {
          throw new IOException(
              "manifest names '" + manifest.path() + "', whose files are " + key(manifest.path()));
        }
        for (SegmentFile s : manifest.segments()) {
          Matcher sm = SEGMENT_NAME.matcher(s.name());
          if (!sm.matches() || !sm.group(1).equals(key)) {
            throw new IOException("manifest names a segment of another dataset: " + s.name());
          }
          long t0 = System.nanoTime();
          verify(s, buffer);
          verifyNanos += System.nanoTime() - t0;
          verifiedBytes += s.bytes();
        }
        for (SegmentFile s : manifest.segments()) {
          mapped.add(mapSegment(s, parent));
        }
        checkCounts(manifest, mapped);
        loaded.add(new Loaded(manifest, mapped));
        manifest.segments().forEach(s -> referenced.add(s.name()));
      } catch (IOException | RuntimeException e) {
        mapped.forEach(DataDirectory::unmap);
        String what =
            manifest == null ? manifestFile.getFileName().toString() : "'" + manifest.path() + "'";
        log.warn(
            "Data dir: set aside dataset {} ({}): {}; its files are in {}",
            what,
            manifestFile.getFileName(),
            e.getMessage(),
            quarantine);
        setAside++;
        List<Path> all = new ArrayList<>(keySegments);
        all.add(manifestFile);
        for (Path f : all) {
          setAside(f);
        }
        keySegments.forEach(p -> referenced.add(p.getFileName().toString()));
      }
    }
    int removedUnreferenced = 0;
    for (List<Path> files : segmentsByKey.values()) {
      for (Path f : files) {
        if (!referenced.contains(f.getFileName().toString())) {
          Files.deleteIfExists(f);
          removedUnreferenced++;
        }
      }
    }
    if (removedTemporary + removedUnreferenced + setAside > 0) {
      syncDirectory(datasets);
    }
    return new LoadReport(
        loaded, setAside, removedTemporary, removedUnreferenced, verifiedBytes, verifyNanos);
  }

  private void verify(SegmentFile s, ByteBuffer buffer) throws IOException {
    Path f = datasets.resolve(s.name());
    try (FileChannel channel = FileChannel.open(f)) {
      long size = channel.size();
      if (size != s.bytes()) {
        throw new IOException(
            "segment "
                + s.name()
                + " has "
                + size
                + " bytes, manifest says "
                + s.bytes()
                + " (truncated or torn)");
      }
      long crc = SegmentFormat.crc32c(channel, size, buffer);
      if (crc != s.crc32c()) {
        throw new IOException(
            String.format(
                "segment %s fails its checksum: CRC32C %08x, manifest says %08x (corrupted)",
                s.name(), crc, s.crc32c()));
      }
    } catch (NoSuchFileException e) {
      throw new IOException("segment " + s.name() + " is missing");
    }
  }

  private static void checkCounts(Manifest manifest, List<MappedSegment> mapped)
      throws IOException {
    Schema first = null;
    for (MappedSegment m : mapped) {
      long rows = m.content().batches().stream().mapToLong(StoredBatch::rowCount).sum();
      if (rows != m.file().rows() || m.content().batches().size() != m.file().batches()) {
        throw new IOException(
            "segment " + m.file().name() + " holds other batches than its manifest says");
      }
      if (first == null) {
        first = m.content().memorySchema();
      } else if (!first.equals(m.content().memorySchema())) {
        throw new IOException("segment " + m.file().name() + " has another schema than the first");
      }
    }
  }

  /** Frees a segment mapped during a load that is then set aside. */
  static void unmap(MappedSegment m) {
    m.content().batches().forEach(StoredBatch::free);
    m.content().dicts().values().forEach(d -> d.getVector().close());
    m.allocator().close();
  }

  private void setAside(Path f) {
    Path target =
        quarantine.resolve(QUARANTINE_STAMP.format(clock.instant()) + "-" + f.getFileName());
    try {
      Files.move(f, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("Data dir: could not move {} to {}: {}", f, quarantine, e.toString());
    }
  }

  private static long parseSequence(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Syncs a directory, so that the names created, renamed or removed in it survive a crash. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteQuietly(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      log.debug("Data dir: could not delete {}: {}", f, e.toString());
    }
  }

  /** Finishes pending deletions, then releases the directory's lock. */
  @Override
  public void close() throws IOException {
    cleaner.shutdown();
    try {
      if (!cleaner.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("Data dir: deletions still running at close; the next start removes the files");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
