package dev.flightlab.bench;

import dev.flightlab.wire.DatasetPath;
import java.util.ArrayList;
import java.util.List;

/** {@code --op put}: every stream uploads its data to its own dataset (replacing it). */
final class PutWorkload extends Workload {
  private final List<DatasetPath> paths = new ArrayList<>();

  PutWorkload(BenchContext ctx) {
    super(ctx);
  }

  @Override
  DataInfo prepare() throws Exception {
    for (int s = 0; s < options.streams(); s++) {
      paths.add(dataset("put-" + s));
    }
    return generateStreamsForIterations();
  }

  @Override
  List<PhaseResult> phases(boolean measured) throws Exception {
    Concurrently.Outcomes outcomes =
        Concurrently.run(
            ctx.streamThreads(),
            options.streams(),
            (s, out) -> {
              withStreamData(s, data -> put(s, data, out));
            });
    return List.of(merge("put", StreamOps.PUT_LATENCY, outcomes, measured));
  }

  private void put(int s, StreamData data, StreamOutcome out) {
    StreamOps.put(
        ctx.client(s),
        options.client(),
        paths.get(s),
        data,
        options.compression(),
        options.sendWait(),
        true,
        out);
  }
}
