package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Readers always see one whole version; concurrent writers do not disturb each other. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrencyIT {
  private static final DatasetPath PATH = DatasetPath.parse("/shared/table");
  private static final Schema VERSIONED =
      new Schema(
          List.of(
              Field.nullable("version", new ArrowType.Int(64, true)),
              Field.nullable("seq", new ArrowType.Int(64, true))));

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private ServerFixture fx;
  private ExecutorService pool;

  @BeforeEach
  void startPool() {
    fx = server.fixture();
    pool = Executors.newFixedThreadPool(6);
  }

  @AfterEach
  void stopPool() throws Exception {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  /** Batches for version {@code v}: their count and sizes depend on v, every row says v. */
  static int[] batchRows(long v) {
    int batches = (int) (v % 4) + 1;
    int[] rows = new int[batches];
    for (int b = 0; b < batches; b++) {
      rows[b] = 500 + (int) ((v * 37 + b * 101) % 700);
    }
    return rows;
  }

  static BatchSet version(BufferAllocator allocator, long v) {
    BatchSet.Builder out = BatchSet.builder(VERSIONED);
    long seq = 0;
    for (int rows : batchRows(v)) {
      try (VectorSchemaRoot root = VectorSchemaRoot.create(VERSIONED, allocator)) {
        BigIntVector version = (BigIntVector) root.getVector("version");
        BigIntVector seqs = (BigIntVector) root.getVector("seq");
        version.allocateNew(rows);
        seqs.allocateNew(rows);
        for (int r = 0; r < rows; r++) {
          version.set(r, v);
          seqs.set(r, seq++);
        }
        root.setRowCount(rows);
        out.add(root, Tables.utf8(allocator, "v" + v));
      }
    }
    return out.build();
  }

  /** Null when {@code got} is one whole version, else what is wrong with it. */
  static String wholeVersionProblem(BatchSet got, BufferAllocator allocator) {
    List<Long> versions = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(got.schema(), allocator)) {
      VectorLoader loader = new VectorLoader(root);
      for (ArrowRecordBatch b : got.batches()) {
        loader.load(b);
        BigIntVector version = (BigIntVector) root.getVector("version");
        BigIntVector seq = (BigIntVector) root.getVector("seq");
        for (int r = 0; r < root.getRowCount(); r++) {
          versions.add(version.get(r));
          seqs.add(seq.get(r));
        }
      }
    }
    if (versions.isEmpty()) {
      return "no rows";
    }
    long v = versions.get(0);
    if (versions.stream().anyMatch(x -> x != v)) {
      return "mixed versions " + versions.stream().distinct().toList();
    }
    List<Integer> expected = new ArrayList<>();
    for (int rows : batchRows(v)) {
      expected.add(rows);
    }
    if (!Tables.rowCounts(got).equals(expected)) {
      return "version " + v + " has batches " + Tables.rowCounts(got) + ", expected " + expected;
    }
    for (int i = 0; i < seqs.size(); i++) {
      if (seqs.get(i) != i) {
        return "version " + v + " row " + i + " has seq " + seqs.get(i);
      }
    }
    if (Tables.metadata(got).stream().anyMatch(m -> !("v" + v).equals(m))) {
      return "version " + v + " has app_metadata " + Tables.metadata(got);
    }
    return null;
  }

  @Test
  void readersSeeWholeVersionsWhileAnotherClientReplacesAndDrops() throws Exception {
    try (BatchSet first = version(fx.allocator(), 1)) {
      fx.client().put(PATH, first, PutMode.REPLACE);
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    Queue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicInteger wholeReads = new AtomicInteger();
    AtomicInteger notFound = new AtomicInteger();
    List<Future<?>> readers = new ArrayList<>();
    CountDownLatch readersStarted = new CountDownLatch(3);
    for (int r = 0; r < 3; r++) {
      FlightLabClient reader = fx.newClient(null);
      readers.add(
          pool.submit(
              () -> {
                readersStarted.countDown();
                int reads = 0;
                while (writing.get() || reads < 5) {
                  try (BatchSet got = reader.get(PATH)) {
                    String problem = wholeVersionProblem(got, fx.allocator());
                    if (problem != null) {
                      problems.add(problem);
                    } else {
                      wholeReads.incrementAndGet();
                    }
                  } catch (FlightRuntimeException e) {
                    if (e.status().code() == FlightStatusCode.NOT_FOUND) {
                      notFound.incrementAndGet();
                    } else {
                      problems.add(e.toString());
                    }
                  }
                  reads++;
                }
                return null;
              }));
    }
    readersStarted.await();
    FlightLabClient writer = fx.newClient(null);
    for (long v = 2; v <= 40; v++) {
      if (v % 10 == 0) {
        writer.drop(PATH);
      }
      try (BatchSet next = version(fx.allocator(), v)) {
        writer.put(PATH, next, PutMode.REPLACE);
      }
    }
    writing.set(false);
    for (Future<?> f : readers) {
      f.get(60, TimeUnit.SECONDS);
    }
    assertThat(problems).isEmpty();
    assertThat(wholeReads.get()).isGreaterThanOrEqualTo(15);
    try (BatchSet last = fx.client().get(PATH)) {
      assertThat(wholeVersionProblem(last, fx.allocator())).isNull();
      assertThat(Tables.metadata(last).get(0)).isEqualTo("v40");
    }
    // Only the last version is held once every reader is done.
    try (BatchSet last = version(fx.allocator(), 40)) {
      assertThat(fx.store().stats().rows()).isEqualTo(last.rowCount());
    }
  }

  @Test
  void aReaderHoldingASnapshotKeepsReadingWhileTheDatasetIsDropped() throws Exception {
    try (BatchSet big = version(fx.allocator(), 3)) {
      fx.client().put(PATH, big, PutMode.REPLACE);
      var raw = fx.rawClient();
      try (var stream = raw.getStream(PATH.toTicket())) {
        assertThat(stream.next()).isTrue();
        fx.client().drop(PATH);
        assertThat(fx.client().list(null)).isEmpty();
        int batches = 1;
        while (stream.next()) {
          batches++;
        }
        assertThat(batches).isEqualTo(batchRows(3).length);
      }
    }
    fx.awaitStoreSettled(0);
  }

  @Test
  void concurrentUploadsToDifferentPathsAllLand() throws Exception {
    int writers = 6;
    List<Future<BatchSet>> uploads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      FlightLabClient client = fx.newClient(null);
      uploads.add(
          pool.submit(
              () -> {
                BatchSet table =
                    Tables.people(fx.allocator(), id * 10_000L, "w" + id, 3_000, 7, 2_000);
                client.put(DatasetPath.parse("/writer/" + id), table, PutMode.REPLACE);
                return table;
              }));
    }
    List<BatchSet> sent = new ArrayList<>();
    try {
      for (Future<BatchSet> f : uploads) {
        sent.add(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(fx.client().list("/writer")).hasSize(writers);
      for (int w = 0; w < writers; w++) {
        try (BatchSet got = fx.client().get(DatasetPath.parse("/writer/" + w))) {
          Tables.assertSameTable(sent.get(w), got, fx.allocator());
        }
      }
    } finally {
      sent.forEach(BatchSet::close);
    }
  }

  @Test
  void concurrentAppendsToOnePathEachLandWhole() throws Exception {
    try (BatchSet empty = Tables.people(fx.allocator(), 0)) {
      fx.client().put(PATH, empty, PutMode.REPLACE);
    }
    int writers = 5;
    List<Future<?>> appends = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      FlightLabClient client = fx.newClient(null);
      appends.add(
          pool.submit(
              () -> {
                try (BatchSet part =
                    Tables.people(fx.allocator(), id * 1_000L, "w" + id, 100, 200)) {
                  client.put(PATH, part, PutMode.APPEND);
                }
                return null;
              }));
    }
    for (Future<?> f : appends) {
      f.get(60, TimeUnit.SECONDS);
    }
    try (BatchSet got = fx.client().get(PATH)) {
      assertThat(got.rowCount()).isEqualTo(writers * 300L);
      List<String> metadata = Tables.metadata(got);
      assertThat(metadata).hasSize(writers * 2);
      for (int i = 0; i < metadata.size(); i += 2) {
        // Each append's two batches stay together, in order.
        String writer = metadata.get(i).substring(0, metadata.get(i).indexOf('-'));
        assertThat(metadata.get(i)).isEqualTo(writer + "-0");
        assertThat(metadata.get(i + 1)).isEqualTo(writer + "-1");
      }
      assertThat(metadata.stream().distinct()).hasSize(writers * 2);
    }
    assertThat(fx.store().info(PATH).version()).isEqualTo(writers + 1);
  }
}
