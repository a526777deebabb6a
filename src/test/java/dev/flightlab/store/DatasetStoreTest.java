package dev.flightlab.store;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.data.BatchSet;
import dev.flightlab.memory.Allocators;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store on its own: versions, snapshots, aborts and memory, without sockets. */
class DatasetStoreTest {
  private static final DatasetPath PATH = DatasetPath.parse("/store/table");
  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

  private RootAllocator root;
  private BufferAllocator data;
  private DatasetStore store;

  @BeforeEach
  void start() {
    root = new RootAllocator();
    data = root.newChildAllocator("test-data", 0, Long.MAX_VALUE);
    store = new DatasetStore(root, 64L << 20, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    store.close();
    data.close();
    assertThat(root.getAllocatedMemory()).as(root.toVerboseString()).isZero();
    root.close();
  }

  /** A write session holding the batches of a people table whose ids start at {@code firstId}. */
  private WriteSession begin(DatasetPath path, PutMode mode, long firstId, int... rows) {
    WriteSession session = store.beginWrite(path, mode, Tables.PEOPLE);
    try {
      addAll(session, firstId, rows);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  private void addAll(WriteSession session, long firstId, int... rows) {
    try (BatchSet table = Tables.people(data, firstId, "m", rows);
        VectorSchemaRoot reader = VectorSchemaRoot.create(table.schema(), data)) {
      VectorLoader loader = new VectorLoader(reader);
      for (int i = 0; i < rows.length; i++) {
        loader.load(table.batches().get(i));
        session.add(reader, null, table.appMetadata().get(i));
      }
    }
  }

  private DatasetInfo put(DatasetPath path, PutMode mode, long firstId, int... rows) {
    try (WriteSession session = begin(path, mode, firstId, rows)) {
      return session.commit(null);
    }
  }

  /** The ids a snapshot holds, batch after batch. */
  private List<Long> ids(Dataset dataset) {
    List<Long> out = new ArrayList<>();
    try (VectorSchemaRoot reader = VectorSchemaRoot.create(dataset.memorySchema(), data)) {
      VectorLoader loader = new VectorLoader(reader);
      for (StoredBatch b : dataset.batches()) {
        loader.load(b.batch());
        BigIntVector ids = (BigIntVector) reader.getVector("id");
        for (int r = 0; r < reader.getRowCount(); r++) {
          out.add(ids.get(r));
        }
      }
    }
    return out;
  }

  private static List<Long> range(long first, int count) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(first + i);
    }
    return out;
  }

  @Test
  void commitPublishesOneVersionWithItsTotals() {
    DatasetInfo info = put(PATH, PutMode.REPLACE, 0, 3, 4);
    assertThat(info.path()).isEqualTo(PATH);
    assertThat(info.rowCount()).isEqualTo(7);
    assertThat(info.batchCount()).isEqualTo(2);
    assertThat(info.version()).isEqualTo(1);
    assertThat(info.committedAt()).isEqualTo(NOW);
    assertThat(info.schema()).isEqualTo(Tables.PEOPLE);
    assertThat(info.bytesHeld()).isPositive();
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(ids(d)).isEqualTo(range(0, 7));
      assertThat(d.batches()).extracting(StoredBatch::rowCount).containsExactly(3L, 4L);
      assertThat(d.batches())
          .extracting(b -> Tables.text(b.appMetadata()))
          .containsExactly("m-0", "m-1");
    }
  }

  @Test
  void snapshotSurvivesDrop() {
    put(PATH, PutMode.REPLACE, 0, 5, 5);
    long held = store.memoryUsedBytes();
    try (Dataset snapshot = store.snapshot(PATH)) {
      store.drop(PATH);
      assertStatus(() -> store.snapshot(PATH), FlightStatusCode.NOT_FOUND, "/store/table");
      assertThat(store.list(null)).isEmpty();
      assertThat(store.memoryUsedBytes()).as("the reader still holds the buffers").isEqualTo(held);
      assertThat(ids(snapshot)).isEqualTo(range(0, 10));
    }
    assertThat(store.memoryUsedBytes()).as("the last reader freed them").isZero();
  }

  @Test
  void snapshotSurvivesReplace() {
    put(PATH, PutMode.REPLACE, 0, 4);
    try (Dataset old = store.snapshot(PATH)) {
      put(PATH, PutMode.REPLACE, 100, 2);
      assertThat(ids(old)).isEqualTo(range(0, 4));
      try (Dataset now = store.snapshot(PATH)) {
        assertThat(ids(now)).isEqualTo(range(100, 2));
        assertThat(now.version()).isEqualTo(2);
      }
    }
  }

  @Test
  void replaceKeepsOldDataUntilCommit() {
    put(PATH, PutMode.REPLACE, 0, 4);
    try (WriteSession replacing = begin(PATH, PutMode.REPLACE, 100, 6, 6)) {
      assertThat(store.info(PATH).rowCount()).isEqualTo(4);
      assertThat(store.info(PATH).version()).isEqualTo(1);
      try (Dataset during = store.snapshot(PATH)) {
        assertThat(ids(during)).isEqualTo(range(0, 4));
      }
      assertThat(store.stats().uploadsInProgress()).isEqualTo(1);
      replacing.commit(null);
    }
    try (Dataset after = store.snapshot(PATH)) {
      assertThat(ids(after)).isEqualTo(range(100, 12));
    }
    assertThat(store.stats().uploadsInProgress()).isZero();
  }

  @Test
  void abortFreesMemory() {
    put(PATH, PutMode.REPLACE, 0, 4);
    long before = store.memoryUsedBytes();
    WriteSession abandoned = begin(PATH, PutMode.REPLACE, 100, 1_000, 1_000);
    assertThat(store.memoryUsedBytes()).isGreaterThan(before);
    abandoned.close();
    assertThat(store.memoryUsedBytes()).isEqualTo(before);
    assertThat(store.stats().uploadsInProgress()).isZero();
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(ids(d)).isEqualTo(range(0, 4));
    }
    abandoned.close(); // closing twice is harmless
  }

  @Test
  void anUploadOverTheMemoryLimitIsResourceExhaustedAndFreesWhatItHeld() {
    store.close();
    store = new DatasetStore(root, 256 * 1024);
    put(PATH, PutMode.REPLACE, 0, 10);
    long before = store.memoryUsedBytes();
    try (WriteSession big =
        store.beginWrite(DatasetPath.parse("/big"), PutMode.REPLACE, Tables.PEOPLE)) {
      assertStatus(
          () -> addAll(big, 0, 10_000, 10_000, 10_000),
          FlightStatusCode.RESOURCE_EXHAUSTED,
          "'/big'",
          "memory limit");
    }
    assertThat(store.memoryUsedBytes()).isEqualTo(before);
    assertThat(store.stats().memoryLimitBytes()).isEqualTo(256 * 1024);
    // The peak is what the store held, never more than the limit it refused to pass.
    assertThat(store.stats().memoryPeakBytes()).isBetween(before, 256L * 1024);
    assertThat(store.list(null)).hasSize(1);
  }

  @Test
  void createOnATakenPathFailsAtOnce() {
    put(PATH, PutMode.CREATE, 0, 2);
    assertStatus(
        () -> store.beginWrite(PATH, PutMode.CREATE, Tables.PEOPLE),
        FlightStatusCode.ALREADY_EXISTS,
        "/store/table");
    assertThat(store.stats().uploadsInProgress()).isZero();
  }

  @Test
  void theLoserOfACreateRaceGetsAlreadyExistsAndIsFreed() {
    WriteSession first = begin(PATH, PutMode.CREATE, 0, 3);
    WriteSession second = begin(PATH, PutMode.CREATE, 100, 5);
    first.commit(null);
    first.close();
    long afterFirst = store.memoryUsedBytes();
    assertStatus(() -> second.commit(null), FlightStatusCode.ALREADY_EXISTS, "/store/table");
    second.close();
    assertThat(store.memoryUsedBytes()).isLessThan(afterFirst);
    assertThat(store.stats().uploadsInProgress()).isZero();
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(ids(d)).isEqualTo(range(0, 3));
    }
  }

  @Test
  void appendWithADifferentSchemaFailsAtOnce() {
    put(PATH, PutMode.REPLACE, 0, 2);
    Schema other = new Schema(List.of(Field.nullable("id", new ArrowType.Int(32, true))));
    assertStatus(
        () -> store.beginWrite(PATH, PutMode.APPEND, other),
        FlightStatusCode.INVALID_ARGUMENT,
        "/store/table",
        "different schema");
    assertThat(store.stats().uploadsInProgress()).isZero();
  }

  @Test
  void anAppendWhoseDatasetChangedSchemaMeanwhileIsRejectedAtCommitAndFreed() {
    put(PATH, PutMode.REPLACE, 0, 2);
    WriteSession appending = begin(PATH, PutMode.APPEND, 2, 3);
    Schema other = new Schema(List.of(Field.nullable("x", new ArrowType.Int(32, true))));
    try (WriteSession replacing = store.beginWrite(PATH, PutMode.REPLACE, other)) {
      replacing.commit(null);
    }
    long before = store.memoryUsedBytes();
    assertStatus(
        () -> appending.commit(null), FlightStatusCode.INVALID_ARGUMENT, "different schema");
    appending.close();
    assertThat(store.memoryUsedBytes()).isLessThan(before);
    assertThat(store.stats().uploadsInProgress()).isZero();
    assertThat(store.info(PATH).schema()).isEqualTo(other);
  }

  @Test
  void appendSharesTheEarlierBatchesAndCountsVersions() {
    put(PATH, PutMode.REPLACE, 0, 2, 3);
    try (Dataset v1 = store.snapshot(PATH)) {
      DatasetInfo v2 = put(PATH, PutMode.APPEND, 5, 4);
      assertThat(v2.version()).isEqualTo(2);
      assertThat(v2.rowCount()).isEqualTo(9);
      assertThat(v2.batchCount()).isEqualTo(3);
      assertThat(ids(v1)).isEqualTo(range(0, 5));
      try (Dataset now = store.snapshot(PATH)) {
        assertThat(ids(now)).isEqualTo(range(0, 9));
        assertThat(now.batches().get(0).batch()).isSameAs(v1.batches().get(0).batch());
      }
    }
    assertThat(put(PATH, PutMode.REPLACE, 0, 1).version()).isEqualTo(3);
    store.drop(PATH);
    assertThat(store.memoryUsedBytes()).isZero();
  }

  @Test
  void anEmptyUploadPublishesASchemaOnlyDataset() {
    DatasetInfo info = put(PATH, PutMode.REPLACE, 0);
    assertThat(info.rowCount()).isZero();
    assertThat(info.batchCount()).isZero();
    assertThat(store.info(PATH).schema()).isEqualTo(Tables.PEOPLE);
  }

  @Test
  void theStoreKeepsItsOwnCopyOfAppMetadata() {
    try (WriteSession session = store.beginWrite(PATH, PutMode.REPLACE, Tables.PEOPLE);
        BatchSet table = Tables.people(data, 0, 2);
        VectorSchemaRoot reader = VectorSchemaRoot.create(table.schema(), data)) {
      new VectorLoader(reader).load(table.batches().get(0));
      ArrowBuf metadata = Tables.utf8(data, "caller's");
      session.add(reader, null, metadata);
      metadata.close();
      session.commit(null);
    }
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(Tables.text(d.batches().get(0).appMetadata())).isEqualTo("caller's");
    }
  }

  @Test
  void listIsSortedAndFilteredByPrefix() {
    for (String p : List.of("/b/x", "/a", "/a/b", "/ab", "/a/c/d")) {
      put(DatasetPath.parse(p), PutMode.REPLACE, 0, 1);
    }
    assertThat(store.list(null))
        .extracting(i -> i.path().canonical())
        .containsExactly("/a", "/a/b", "/a/c/d", "/ab", "/b/x");
    assertThat(store.list(DatasetPath.parse("/a")))
        .extracting(i -> i.path().canonical())
        .containsExactly("/a", "/a/b", "/a/c/d");
    assertThat(store.list(DatasetPath.parse("/c"))).isEmpty();
  }

  @Test
  void statsCountWhatTheStoreHolds() {
    put(DatasetPath.parse("/one"), PutMode.REPLACE, 0, 3);
    DatasetInfo two = put(DatasetPath.parse("/two"), PutMode.REPLACE, 0, 4, 1);
    StoreStats stats = store.stats();
    assertThat(stats.datasets()).isEqualTo(2);
    assertThat(stats.rows()).isEqualTo(8);
    assertThat(stats.ipcBodyBytes())
        .isEqualTo(store.info(DatasetPath.parse("/one")).ipcBodyBytes() + two.ipcBodyBytes());
    assertThat(stats.memoryUsedBytes()).isEqualTo(store.memoryUsedBytes()).isPositive();
    assertThat(stats.uploadsInProgress()).isZero();
  }

  @Test
  void clearDropsEverythingAndFreesMemory() {
    put(DatasetPath.parse("/one"), PutMode.REPLACE, 0, 3);
    put(DatasetPath.parse("/two"), PutMode.REPLACE, 0, 3);
    assertThat(store.clear()).isEqualTo(2);
    assertThat(store.list(null)).isEmpty();
    assertThat(store.memoryUsedBytes()).isZero();
  }

  @Test
  void dropOfAMissingPathIsNotFound() {
    assertStatus(() -> store.drop(PATH), FlightStatusCode.NOT_FOUND, "No dataset '/store/table'");
  }

  @Test
  void aClosedStoreRefusesUploads() {
    store.close();
    assertStatus(
        () -> store.beginWrite(PATH, PutMode.REPLACE, Tables.PEOPLE), FlightStatusCode.UNAVAILABLE);
    store = new DatasetStore(root, 1 << 20);
  }

  @Test
  void theMemoryLimitMustBePositive() {
    assertThatThrownBy(() -> new DatasetStore(root, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clearGivesCachedBlocksBack() {
    long size = 4096L * 301;
    try (RootAllocator exact = Allocators.newRoot();
        BufferAllocator blocks = exact.newChildAllocator("blocks", 0, Long.MAX_VALUE);
        DatasetStore store = new DatasetStore(exact, 64L << 20, Clock.systemUTC())) {
      blocks.buffer(size).close();
      assertThat(Allocators.cachedBlockBytes()).isGreaterThanOrEqualTo(size);
      store.clear();
      assertThat(Allocators.cachedBlockBytes()).isZero();
    }
  }
}
