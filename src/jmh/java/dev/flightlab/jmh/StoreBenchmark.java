package dev.flightlab.jmh;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DemoTables;
import dev.flightlab.memory.Allocators;
import dev.flightlab.store.Dataset;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.store.DatasetStore;
import dev.flightlab.wire.PutMode;
import dev.flightlab.store.WriteSession;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** The store's per-upload and per-read costs: write session, commit, snapshot. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"--add-opens=java.base/java.nio=ALL-UNNAMED"})
public class StoreBenchmark {
  @Param({"4096", "65536"})
  int batchRows;

  private BufferAllocator root;
  private DatasetStore store;
  private BatchSet source;
  private VectorSchemaRoot incoming;
  private VectorLoader loader;
  private final DatasetPath path = DatasetPath.parse("/jmh/store");

  @Setup(Level.Trial)
  public void setUp() {
    root = Allocators.newRoot();
    store = new DatasetStore(root, Long.MAX_VALUE / 2);
    source = DemoTables.benchmarkTable(root, 0, batchRows * 16, batchRows);
    incoming = VectorSchemaRoot.create(source.schema(), root);
    loader = new VectorLoader(incoming);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    incoming.close();
    source.close();
    store.close();
    root.close();
  }

  /** One 16-batch upload: take each batch over from a reader's root, then publish. */
  @Benchmark
  public Object putSixteenBatchesAndCommit() {
    try (WriteSession session = store.beginWrite(path, PutMode.REPLACE, incoming.getSchema())) {
      for (ArrowRecordBatch batch : source.batches()) {
        loader.load(batch);
        session.add(incoming, null, null);
      }
      return session.commit(null);
    }
  }

  /** A reader's snapshot of a published dataset, held and released. */
  @Benchmark
  public void snapshotAndRelease(Blackhole bh) {
    if (store.stats().datasets() == 0) {
      putSixteenBatchesAndCommit();
    }
    try (Dataset d = store.snapshot(path)) {
      bh.consume(d.batches().size());
    }
  }
}
