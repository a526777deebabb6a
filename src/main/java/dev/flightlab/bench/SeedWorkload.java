package dev.flightlab.bench;

import dev.flightlab.data.DemoTables;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.wire.DatasetPath;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --op seed}: the original demo's benchmark, for comparison with its 1512 MB/s. One stream
 * uploads 100 tables of 131,072 rows (event_id int64, event_type utf8 "event", one batch each) to
 * /benchmark/batch_0..99, one DoPut after another, without app_metadata. The tables are built
 * before timing. Its own metric: MiB (2^20, labelled "MB" by the original) of Arrow IPC stream over
 * the summed DoPut call times; the usual metrics are reported beside it.
 */
final class SeedWorkload extends Workload {
  /** The original's uploads: 100 DoPuts of 131,072 rows. */
  static final int PUTS = 100;

  static final int ROWS = 131_072;

  private final List<DatasetPath> paths = new ArrayList<>();
  private final PutDriver driver;

  SeedWorkload(BenchContext ctx) {
    super(ctx);
    driver = new PutDriver(options.transfer());
  }

  @Override
  DataInfo prepare() {
    long start = System.nanoTime();
    for (int i = 0; i < PUTS; i++) {
      DatasetPath path = record(DatasetPath.parse("/benchmark/batch_" + i));
      paths.add(path);
      streams.add(
          new StreamData(
              DemoTables.benchmarkTable(ctx.allocator(), i, ROWS, ROWS), true, ctx.allocator()));
    }
    DataInfo made =
        info("the original demo's tables", "-", SchemaSpec.describe(DemoTables.BENCHMARK), 0);
    return new DataInfo(
        made.source(),
        "event_id:int64,event_type:utf8",
        made.schemaDescription(),
        1,
        made.rows(),
        made.batches(),
        made.logicalBytes(),
        made.ipcBodyBytes(),
        made.ipcStreamBytes(),
        System.nanoTime() - start);
  }

  @Override
  List<PhaseResult> phases(boolean measured) throws Exception {
    Concurrently.Outcomes outcomes =
        Concurrently.run(
            ctx.streamThreads(),
            1,
            (s, out) -> {
              for (int i = 0; i < streams.size(); i++) {
                long before = out.callNanosSum;
                driver.put(ctx.client(0), paths.get(i), streams.get(i), false, out);
                out.latency.recordValue(out.callNanosSum - before);
              }
            });
    return List.of(merge(Phase.SEED, outcomes, measured));
  }
}
