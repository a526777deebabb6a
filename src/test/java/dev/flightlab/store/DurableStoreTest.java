package dev.flightlab.store;

import static dev.flightlab.store.StoreContract.files;
import static dev.flightlab.store.StoreContract.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store on a data directory: what survives a restart, what start-up refuses, file names. */
class DurableStoreTest {
  private static final DatasetPath PATH = DatasetPath.parse("/durable/table");
  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

  @TempDir Path dir;

  private RootAllocator root;
  private BufferAllocator data;
  private DatasetStore store;

  @BeforeEach
  void start() {
    root = new RootAllocator();
    data = root.newChildAllocator("test-data", 0, Long.MAX_VALUE);
    store = open(64L << 20);
  }

  private DatasetStore open(long limitBytes) {
    return new DatasetStore(root, limitBytes, Clock.fixed(NOW, ZoneOffset.UTC), dir);
  }

  private void reopen() {
    store.close();
    store = open(64L << 20);
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    data.close();
    assertThat(root.getAllocatedMemory()).as(root.toVerboseString()).isZero();
    root.close();
  }

  private DatasetInfo put(DatasetPath path, PutMode mode, long firstId, int... rows) {
    return StoreContract.put(store, data, path, mode, firstId, rows);
  }

  private List<Long> ids(DatasetPath path) {
    return StoreContract.ids(store, data, path);
  }

  private Path datasets() {
    return dir.resolve(DataDirectory.DATASETS);
  }

  private Path segmentOf(DatasetPath path) {
    String key = DataDirectory.key(path);
    return files(datasets()).stream()
        .filter(n -> n.startsWith(key + ".") && n.endsWith(".arrow"))
        .map(datasets()::resolve)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aRestartFindsEveryCommittedDatasetByteForByte() {
    put(PATH, PutMode.REPLACE, 0, 3, 4);
    put(PATH, PutMode.APPEND, 7, 5);
    put(DatasetPath.parse("/other"), PutMode.REPLACE, 100, 2);
    put(DatasetPath.parse("/other"), PutMode.REPLACE, 200, 6);
    List<byte[]> before;
    try (Dataset d = store.snapshot(PATH)) {
      before = StoreContract.bytes(d);
    }
    reopen();
    assertThat(store.list(null))
        .extracting(i -> i.path().canonical() + " v" + i.version() + " " + i.rowCount())
        .containsExactly("/durable/table v2 12", "/other v2 6");
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(StoreContract.bytes(d)).containsExactlyElementsOf(before);
      assertThat(d.committedAt()).isEqualTo(NOW);
      assertThat(d.batches())
          .extracting(b -> Tables.text(b.appMetadata()))
          .containsExactly("m-0", "m-1", "m-0");
    }
    assertThat(ids(PATH)).isEqualTo(range(0, 12));
    assertThat(ids(DatasetPath.parse("/other"))).isEqualTo(range(200, 6));
    // Each append wrote only its own segment; the replace left one file for /other.
    assertThat(files(datasets())).hasSize(5);
    assertThat(put(PATH, PutMode.APPEND, 12, 1).version()).isEqualTo(3);
  }

  @Test
  void dropAndClearRemoveTheFiles() {
    put(PATH, PutMode.REPLACE, 0, 3);
    put(DatasetPath.parse("/a"), PutMode.REPLACE, 0, 3);
    put(DatasetPath.parse("/b"), PutMode.REPLACE, 0, 3);
    store.drop(PATH);
    store.awaitFileDeletions();
    assertThat(files(datasets())).noneMatch(n -> n.startsWith(DataDirectory.key(PATH)));
    reopen();
    assertThat(store.list(null)).extracting(i -> i.path().canonical()).containsExactly("/a", "/b");
    assertThat(store.clear()).isEqualTo(2);
    store.awaitFileDeletions();
    assertThat(files(datasets())).isEmpty();
    reopen();
    assertThat(store.list(null)).isEmpty();
  }

  @Test
  void aCorruptedSegmentIsSetAsideAtStartAndNeverServed() throws IOException {
    put(PATH, PutMode.REPLACE, 0, 100);
    put(DatasetPath.parse("/fine"), PutMode.REPLACE, 0, 3);
    Path segment = segmentOf(PATH);
    store.close();
    store = null;
    // One bit flipped in the middle of the batch body: the IPC structure still parses.
    try (FileChannel f =
        FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      long at = f.size() / 2;
      f.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
      f.write(one, at);
    }
    store = open(64L << 20);
    assertThat(store.list(null)).extracting(i -> i.path().canonical()).containsExactly("/fine");
    assertThat(files(dir.resolve(DataDirectory.QUARANTINE)))
        .hasSize(2)
        .allMatch(n -> n.contains(DataDirectory.key(PATH)));
    // The path is free again.
    put(PATH, PutMode.CREATE, 5, 1);
    assertThat(ids(PATH)).containsExactly(5L);
  }

  @Test
  void aTruncatedSegmentOrATornManifestIsSetAside() throws IOException {
    put(PATH, PutMode.REPLACE, 0, 10);
    DatasetPath torn = DatasetPath.parse("/torn");
    put(torn, PutMode.REPLACE, 0, 10);
    put(DatasetPath.parse("/fine"), PutMode.REPLACE, 0, 3);
    Path segment = segmentOf(PATH);
    Path manifest = datasets().resolve(DataDirectory.key(torn) + ".manifest");
    store.close();
    store = null;
    try (FileChannel f = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      f.truncate(f.size() - 100);
    }
    byte[] m = Files.readAllBytes(manifest);
    Files.write(manifest, java.util.Arrays.copyOf(m, m.length / 2));
    store = open(64L << 20);
    assertThat(store.list(null)).extracting(i -> i.path().canonical()).containsExactly("/fine");
    assertThat(files(dir.resolve(DataDirectory.QUARANTINE))).hasSize(4);
  }

  @Test
  void leftoversOfAnInterruptedCommitAreRemovedAtStart() throws IOException {
    put(PATH, PutMode.REPLACE, 0, 3);
    String key = DataDirectory.key(PATH);
    store.close();
    store = null;
    // A commit that wrote its segment but died before its manifest, one mid-write, and a
    // manifest never renamed into place.
    Files.write(datasets().resolve(key + ".99.arrow"), new byte[100]);
    Files.write(datasets().resolve(key + ".100.arrow.tmp"), new byte[10]);
    Files.write(datasets().resolve(key + ".manifest.tmp"), new byte[10]);
    Files.write(datasets().resolve("notes.txt"), "mine".getBytes(StandardCharsets.UTF_8));
    store = open(64L << 20);
    assertThat(ids(PATH)).isEqualTo(range(0, 3));
    assertThat(files(datasets()))
        .containsExactlyInAnyOrder(
            key + ".manifest", segmentOf(PATH).getFileName().toString(), "notes.txt");
    // New segments never reuse a number seen on disk.
    put(PATH, PutMode.REPLACE, 0, 1);
    store.awaitFileDeletions();
    assertThat(segmentOf(PATH).getFileName().toString()).isEqualTo(key + ".100.arrow");
  }

  @Test
  void fileNamesStayInTheDirectoryAndNeverCollide() {
    List<String> paths =
        List.of(
            "/Reports/Daily",
            "/reports/daily",
            "/REPORTS/DAILY",
            "/…/../x".replace("/..", "/..."),
            "/données/été/日本語",
            "/" + "x".repeat(4000),
            "/" + "x".repeat(3999) + "y",
            "/a b/c%2Fd/\\e",
            "/CON/aux/nul");
    Set<String> keys = new HashSet<>();
    for (String p : paths) {
      String key = DataDirectory.key(DatasetPath.parse(p));
      assertThat(key).matches("[a-z0-9_-]{32,73}");
      keys.add(key.toLowerCase(Locale.ROOT));
    }
    assertThat(keys).as("distinct even on a case-insensitive file system").hasSize(paths.size());
    long firstId = 0;
    for (String p : paths) {
      put(DatasetPath.parse(p), PutMode.REPLACE, firstId++, 1);
    }
    reopen();
    List<String> listed = new ArrayList<>();
    store.list(null).forEach(i -> listed.add(i.path().canonical()));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(paths);
    assertThat(ids(DatasetPath.parse("/données/été/日本語"))).containsExactly(4L);
    assertThat(files(dir)).containsExactlyInAnyOrder("datasets", "quarantine", "flightlab.lock");
  }

  @Test
  void anUploadWritesItsSegmentAsItGoesAndAnAbortLeavesNoFile() {
    put(PATH, PutMode.REPLACE, 0, 3);
    List<String> before = files(datasets());
    try (WriteSession upload =
        StoreContract.begin(store, data, PATH, PutMode.REPLACE, 0, 500, 500)) {
      assertThat(files(datasets())).anyMatch(n -> n.endsWith(".arrow.tmp"));
    }
    assertThat(files(datasets())).isEqualTo(before);
    assertThat(ids(PATH)).isEqualTo(range(0, 3));
  }

  @Test
  void aSecondStoreOnTheSameDirectoryIsRefused() {
    assertThatThrownBy(() -> open(1 << 20))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("in use by another flightlab server");
  }

  @Test
  void storedDatasetsAreMappedAndDoNotCountAgainstTheMemoryLimit() {
    store.close();
    store = open(256 * 1024);
    for (int i = 0; i < 10; i++) {
      put(PATH, PutMode.APPEND, i * 5_000L, 5_000);
    }
    StoreStats stats = store.stats();
    assertThat(stats.memoryUsedBytes()).isZero();
    assertThat(stats.mappedBytes()).isGreaterThan(3 * stats.memoryLimitBytes());
    assertThat(stats.diskBytes()).isGreaterThan(3 * stats.memoryLimitBytes());
    assertThat(ids(PATH)).isEqualTo(range(0, 50_000));
    reopen();
    assertThat(ids(PATH)).isEqualTo(range(0, 50_000));
  }

  @Test
  void aSegmentFileIsAnArrowIpcFileAnyArrowReaderOpens() throws IOException {
    put(PATH, PutMode.REPLACE, 0, 3, 4);
    try (FileChannel f = FileChannel.open(segmentOf(PATH));
        ArrowFileReader reader = new ArrowFileReader(f, data)) {
      List<Long> ids = new ArrayList<>();
      while (reader.loadNextBatch()) {
        BigIntVector v = (BigIntVector) reader.getVectorSchemaRoot().getVector("id");
        for (int i = 0; i < v.getValueCount(); i++) {
          ids.add(v.get(i));
        }
      }
      assertThat(reader.getVectorSchemaRoot().getSchema()).isEqualTo(Tables.PEOPLE);
      assertThat(ids).isEqualTo(range(0, 7));
    }
  }

  @Test
  void aSegmentMappedInSeveralRegionsReadsBack() throws IOException {
    put(PATH, PutMode.REPLACE, 0, 20_000, 20_000, 20_000, 1);
    Path segment = segmentOf(PATH);
    try (FileChannel f = FileChannel.open(segment);
        BufferAllocator mapped = root.newChildAllocator("mapped", 0, Long.MAX_VALUE)) {
      // Regions of at most 100 kB: one per batch here.
      SegmentFormat.Content content = SegmentFormat.map(f, f.size(), mapped, 100_000);
      assertThat(mapped.getAllocatedMemory()).isGreaterThan(f.size() / 2);
      try (Dataset d =
          new Dataset(
              PATH,
              content.schema(),
              content.memorySchema(),
              List.of(new Segment(store, mapped, content.batches(), content.dicts())),
              1,
              NOW)) {
        assertThat(StoreContract.ids(d, data)).isEqualTo(range(0, 60_001));
        try (Dataset stored = store.snapshot(PATH)) {
          assertThat(StoreContract.bytes(d)).containsExactlyElementsOf(StoreContract.bytes(stored));
        }
      }
    }
  }
}
