package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.RawFlight;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bounded concurrent load: writers replace and append, readers check every batch they read,
 * saboteurs send malformed uploads, for {@code flightlab.soak.seconds} (3 s in CI; scripts/soak.sh
 * runs it for minutes). Every read must be whole and correct, and nothing may leak.
 */
class SoakIT {
  private static final int PATHS = 3;
  private static final int ROWS_PER_BATCH = 1000;

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  @Test
  void concurrentWritesReadsAndFaultsKeepEveryReadCorrect() throws Exception {
    ServerFixture fx = server.fixture();
    long seconds = Long.getLong("flightlab.soak.seconds", 3);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong reads = new AtomicLong();
    AtomicLong writes = new AtomicLong();
    AtomicLong faults = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    List<Future<?>> tasks = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int seed = w;
      tasks.add(
          pool.submit(
              () -> {
                Random random = new Random(seed);
                FlightLabClient client = fx.newClient(null);
                while (System.nanoTime() < deadline) {
                  DatasetPath path = DatasetPath.parse("/soak/" + random.nextInt(PATHS));
                  long first = random.nextInt(1_000_000) * 10_000L;
                  try (BatchSet data =
                      Tables.people(fx.allocator(), first, ROWS_PER_BATCH, ROWS_PER_BATCH)) {
                    PutMode mode = random.nextBoolean() ? PutMode.REPLACE : PutMode.APPEND;
                    client.put(path, data, mode);
                    writes.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (int r = 0; r < 2; r++) {
      int seed = 100 + r;
      tasks.add(
          pool.submit(
              () -> {
                Random random = new Random(seed);
                FlightLabClient client = fx.newClient(null);
                while (System.nanoTime() < deadline) {
                  DatasetPath path = DatasetPath.parse("/soak/" + random.nextInt(PATHS));
                  try (BatchSet got = client.get(path)) {
                    verify(got, fx);
                    reads.incrementAndGet();
                  } catch (FlightRuntimeException e) {
                    assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND);
                  }
                }
                return null;
              }));
    }
    tasks.add(
        pool.submit(
            () -> {
              try (RawFlight raw = new RawFlight(fx.server().port())) {
                while (System.nanoTime() < deadline) {
                  RawFlight.Outcome o =
                      raw.call(
                          "DoPut",
                          MethodType.BIDI_STREAMING,
                          List.of(new byte[] {0x0b, 0x0c}),
                          null);
                  assertThat(o.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                  faults.incrementAndGet();
                }
              }
              return null;
            }));
    pool.shutdown();
    for (Future<?> f : tasks) {
      f.get(seconds + 120, TimeUnit.SECONDS);
    }
    System.out.printf(
        "soak: %d s, %d writes, %d verified reads, %d faults survived%n",
        seconds, writes.get(), reads.get(), faults.get());
    assertThat(reads.get()).isPositive();
    assertThat(writes.get()).isPositive();
    long stored = fx.store().memoryUsedBytes();
    fx.awaitStoreSettled(stored);
  }

  /** Each batch holds ROWS_PER_BATCH consecutive ids with their names (every 5th null). */
  private static void verify(BatchSet got, ServerFixture fx) {
    assertThat(got.rowCount() % ROWS_PER_BATCH).isZero();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(got.schema(), fx.allocator())) {
      VectorLoader loader = new VectorLoader(root);
      for (ArrowRecordBatch batch : got.batches()) {
        loader.load(batch);
        BigIntVector ids = (BigIntVector) root.getVector("id");
        VarCharVector names = (VarCharVector) root.getVector("name");
        long first = ids.get(0);
        for (int i = 0; i < root.getRowCount(); i++) {
          long id = first + i;
          assertThat(ids.get(i)).isEqualTo(id);
          if (id % 5 == 4) {
            assertThat(names.isNull(i)).isTrue();
          } else {
            assertThat(new String(names.get(i))).isEqualTo("name-" + id);
          }
        }
      }
    }
  }
}
