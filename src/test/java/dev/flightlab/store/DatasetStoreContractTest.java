package dev.flightlab.store;

import static dev.flightlab.store.StoreContract.assertStatus;
import static dev.flightlab.store.StoreContract.held;
import static dev.flightlab.store.StoreContract.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.store.StoreContract.Kind;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link DatasetStore} promises, memory-only or durable on a data directory: one
 * contract, run over both kinds (as HdrHistogram runs one test over its histogram kinds).
 */
class DatasetStoreContractTest {
  private static final DatasetPath PATH = DatasetPath.parse("/store/table");
  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

  @TempDir Path dir;

  private RootAllocator root;
  private BufferAllocator data;
  private DatasetStore store;

  private void open(Kind kind) {
    open(kind, 64L << 20);
  }

  private void open(Kind kind, long limitBytes) {
    root = new RootAllocator();
    data = root.newChildAllocator("test-data", 0, Long.MAX_VALUE);
    store = kind.open(root, limitBytes, Clock.fixed(NOW, ZoneOffset.UTC), dir);
  }

  @AfterEach
  void stop() {
    store.close();
    data.close();
    assertThat(root.getAllocatedMemory()).as(root.toVerboseString()).isZero();
    root.close();
  }

  private DatasetInfo put(DatasetPath path, PutMode mode, long firstId, int... rows) {
    return StoreContract.put(store, data, path, mode, firstId, rows);
  }

  private WriteSession begin(DatasetPath path, PutMode mode, long firstId, int... rows) {
    return StoreContract.begin(store, data, path, mode, firstId, rows);
  }

  private List<Long> ids(Dataset d) {
    return StoreContract.ids(d, data);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void commitPublishesOneVersionWithItsTotals(Kind kind) {
    open(kind);
    DatasetInfo info = put(PATH, PutMode.REPLACE, 0, 3, 4);
    assertThat(info.rowCount()).isEqualTo(7);
    assertThat(info.batchCount()).isEqualTo(2);
    assertThat(info.version()).isEqualTo(1);
    assertThat(info.committedAt()).isEqualTo(NOW);
    assertThat(info.schema()).isEqualTo(Tables.PEOPLE);
    try (Dataset d = store.snapshot(PATH)) {
      assertThat(ids(d)).isEqualTo(range(0, 7));
      assertThat(d.batches()).extracting(StoredBatch::rowCount).containsExactly(3L, 4L);
      assertThat(d.batches())
          .extracting(b -> Tables.text(b.appMetadata()))
          .containsExactly("m-0", "m-1");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void snapshotSurvivesDrop(Kind kind) {
    open(kind);
    put(PATH, PutMode.REPLACE, 0, 5, 5);
    long held = held(store);
    try (Dataset snapshot = store.snapshot(PATH)) {
      store.drop(PATH);
      assertStatus(() -> store.snapshot(PATH), FlightStatusCode.NOT_FOUND, "/store/table");
      assertThat(store.list(null)).isEmpty();
      assertThat(held(store)).as("the reader still holds the buffers").isEqualTo(held);
      assertThat(ids(snapshot)).isEqualTo(range(0, 10));
    }
    assertThat(held(store)).as("the last reader freed them").isZero();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void snapshotSurvivesReplace(Kind kind) {
    open(kind);
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

  @ParameterizedTest
  @EnumSource(Kind.class)
  void replaceKeepsOldDataUntilCommit(Kind kind) {
    open(kind);
    put(PATH, PutMode.REPLACE, 0, 4);
    try (WriteSession replacing = begin(PATH, PutMode.REPLACE, 100, 6, 6)) {
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

  @ParameterizedTest
  @EnumSource(Kind.class)
  void anAbortedUploadLeavesTheStoreAsItWas(Kind kind) {
    open(kind);
    put(PATH, PutMode.REPLACE, 0, 4);
    StoreStats before = store.stats();
    WriteSession abandoned = begin(PATH, PutMode.REPLACE, 100, 1_000, 1_000);
    assertThat(store.memoryUsedBytes()).isGreaterThan(before.memoryUsedBytes());
    abandoned.close();
    assertThat(store.stats()).isEqualTo(withPeak(before, store.stats().memoryPeakBytes()));
    assertThat(StoreContract.ids(store, data, PATH)).isEqualTo(range(0, 4));
  }

  private static StoreStats withPeak(StoreStats s, long peak) {
    return new StoreStats(
        s.datasets(),
        s.rows(),
        s.ipcBodyBytes(),
        s.memoryUsedBytes(),
        peak,
        s.memoryLimitBytes(),
        s.uploadsInProgress(),
        s.diskBytes(),
        s.mappedBytes());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void anUploadOverTheMemoryLimitIsResourceExhaustedAndChangesNothing(Kind kind) {
    open(kind, 256 * 1024);
    put(PATH, PutMode.REPLACE, 0, 10);
    long before = store.memoryUsedBytes();
    try (WriteSession big =
        store.beginWrite(DatasetPath.parse("/big"), PutMode.REPLACE, Tables.PEOPLE)) {
      assertStatus(
          () -> StoreContract.addAll(big, data, 0, 10_000, 10_000, 10_000),
          FlightStatusCode.RESOURCE_EXHAUSTED,
          "'/big'",
          "memory limit");
    }
    assertThat(store.memoryUsedBytes()).isEqualTo(before);
    assertThat(store.list(null)).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void theLoserOfACreateRaceGetsAlreadyExistsAndIsFreed(Kind kind) {
    open(kind);
    WriteSession first = begin(PATH, PutMode.CREATE, 0, 3);
    WriteSession second = begin(PATH, PutMode.CREATE, 100, 5);
    first.commit(null);
    first.close();
    assertStatus(() -> second.commit(null), FlightStatusCode.ALREADY_EXISTS, "/store/table");
    second.close();
    assertThat(store.stats().uploadsInProgress()).isZero();
    assertThat(StoreContract.ids(store, data, PATH)).isEqualTo(range(0, 3));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void anAppendWhoseDatasetChangedSchemaMeanwhileIsRejectedAtCommit(Kind kind) {
    open(kind);
    put(PATH, PutMode.REPLACE, 0, 2);
    WriteSession appending = begin(PATH, PutMode.APPEND, 2, 3);
    Schema other = new Schema(List.of(Field.nullable("x", new ArrowType.Int(32, true))));
    try (WriteSession replacing = store.beginWrite(PATH, PutMode.REPLACE, other)) {
      replacing.commit(null);
    }
    assertStatus(
        () -> appending.commit(null), FlightStatusCode.INVALID_ARGUMENT, "different schema");
    appending.close();
    assertThat(store.stats().uploadsInProgress()).isZero();
    assertThat(store.info(PATH).schema()).isEqualTo(other);
    assertThat(store.info(PATH).version()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void appendSharesTheEarlierBatchesAndCountsVersions(Kind kind) {
    open(kind);
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
    assertThat(held(store)).isZero();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void anEmptyUploadPublishesASchemaOnlyDataset(Kind kind) {
    open(kind);
    DatasetInfo info = put(PATH, PutMode.REPLACE, 0);
    assertThat(info.rowCount()).isZero();
    assertThat(info.batchCount()).isZero();
    assertThat(store.info(PATH).schema()).isEqualTo(Tables.PEOPLE);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void listIsSortedAndFilteredByPrefix(Kind kind) {
    open(kind);
    for (String p : List.of("/b/x", "/a", "/a/b", "/ab", "/a/c/d")) {
      put(DatasetPath.parse(p), PutMode.REPLACE, 0, 1);
    }
    assertThat(store.list(null))
        .extracting(i -> i.path().canonical())
        .containsExactly("/a", "/a/b", "/a/c/d", "/ab", "/b/x");
    assertThat(store.list(DatasetPath.parse("/a")))
        .extracting(i -> i.path().canonical())
        .containsExactly("/a", "/a/b", "/a/c/d");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void clearDropsEverythingAndFreesIt(Kind kind) {
    open(kind);
    put(DatasetPath.parse("/one"), PutMode.REPLACE, 0, 3);
    put(DatasetPath.parse("/two"), PutMode.REPLACE, 0, 3);
    assertThat(store.clear()).isEqualTo(2);
    assertThat(store.list(null)).isEmpty();
    assertThat(held(store)).isZero();
    assertThat(store.stats().diskBytes()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void dropOfAMissingPathIsNotFound(Kind kind) {
    open(kind);
    assertStatus(() -> store.drop(PATH), FlightStatusCode.NOT_FOUND, "No dataset '/store/table'");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void statsCountWhatTheStoreHolds(Kind kind) {
    open(kind);
    put(DatasetPath.parse("/one"), PutMode.REPLACE, 0, 3);
    DatasetInfo two = put(DatasetPath.parse("/two"), PutMode.REPLACE, 0, 4, 1);
    StoreStats stats = store.stats();
    assertThat(stats.datasets()).isEqualTo(2);
    assertThat(stats.rows()).isEqualTo(8);
    assertThat(stats.ipcBodyBytes())
        .isEqualTo(store.info(DatasetPath.parse("/one")).ipcBodyBytes() + two.ipcBodyBytes());
    assertThat(stats.uploadsInProgress()).isZero();
    if (kind == Kind.MEMORY) {
      assertThat(stats.memoryUsedBytes()).isPositive();
      assertThat(stats.diskBytes()).isZero();
      assertThat(stats.mappedBytes()).isZero();
    } else {
      assertThat(stats.memoryUsedBytes()).as("served from the mapped files").isZero();
      assertThat(stats.diskBytes()).isGreaterThan(stats.ipcBodyBytes());
      assertThat(stats.mappedBytes()).isGreaterThanOrEqualTo(stats.ipcBodyBytes());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aClosedStoreRefusesUploads(Kind kind) {
    open(kind);
    store.close();
    assertStatus(
        () -> store.beginWrite(PATH, PutMode.REPLACE, Tables.PEOPLE), FlightStatusCode.UNAVAILABLE);
    store = kind.open(root, 1 << 20, Clock.systemUTC(), dir);
  }
}
