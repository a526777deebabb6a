package dev.flightlab.bench;

import dev.flightlab.data.DemoTables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
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
  private final List<DatasetPath> paths = new ArrayList<>();

  SeedWorkload(BenchContext ctx) {
    super(ctx);
  }

  @Override
  DataInfo prepare() {
    long start = System.nanoTime();
    int puts = BenchOptions.Defaults.SEED_PUTS;
    int rows = BenchOptions.Defaults.SEED_ROWS;
    for (int i = 0; i < puts; i++) {
      DatasetPath path = record(DatasetPath.parse("/benchmark/batch_" + i));
      paths.add(path);
      streams.add(
          new StreamData(
              DemoTables.benchmarkTable(ctx.allocator(), i, rows, rows), true, ctx.allocator()));
    }
    DataInfo made = info("the original demo's tables", "-", DemoTables.BENCHMARK, 0);
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
                StreamOps.put(
                    ctx.client(0),
                    options.client(),
                    paths.get(i),
                    streams.get(i),
                    IpcCompression.NONE,
                    options.sendWait(),
                    false,
                    out);
                out.latency.recordValue(out.callNanosSum - before);
              }
            });
    return List.of(merge("seed", "one DoPut call, open to final answer", outcomes, measured));
  }
}
