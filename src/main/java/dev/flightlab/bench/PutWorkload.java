package dev.flightlab.bench;

import dev.flightlab.wire.DatasetPath;
import java.util.ArrayList;
import java.util.List;

/** {@code --op put}: every stream uploads its data to its own dataset (replacing it). */
final class PutWorkload extends Workload {
  private final List<DatasetPath> paths = new ArrayList<>();
  private final PutDriver driver;

  PutWorkload(BenchContext ctx) {
    super(ctx);
    driver = new PutDriver(options.transfer());
  }

  @Override
  DataInfo prepare() throws Exception {
    for (int s = 0; s < streamCount; s++) {
      paths.add(dataset("put-" + s));
    }
    return generateStreamsForIterations();
  }

  @Override
  List<PhaseResult> phases(boolean measured) throws Exception {
    Concurrently.Outcomes outcomes =
        Concurrently.run(
            ctx.streamThreads(),
            streamCount,
            (s, out) ->
                withStreamData(
                    s, data -> driver.put(ctx.client(s), paths.get(s), data, true, out)));
    return List.of(merge(Phase.PUT, outcomes, measured));
  }
}
