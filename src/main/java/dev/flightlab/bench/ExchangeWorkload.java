package dev.flightlab.bench;

import dev.flightlab.wire.DatasetPath;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;

/**
 * {@code --op exchange}: every stream sends its batches over DoExchange and reads each one back as
 * the server echoes it. Bytes are counted once per round trip.
 */
final class ExchangeWorkload extends Workload {
  private final List<FlightDescriptor> descriptors = new ArrayList<>();
  private final ExchangeDriver driver;

  ExchangeWorkload(BenchContext ctx) {
    super(ctx);
    driver = new ExchangeDriver(options.transfer(), ctx.helperThreads());
  }

  @Override
  DataInfo prepare() throws Exception {
    for (int s = 0; s < streamCount; s++) {
      // flightlab's DoExchange echoes and stores nothing: the path only names the stream.
      descriptors.add(
          DatasetPath.parse(options.target().pathPrefix() + "/exchange-" + s).toDescriptor());
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
                    s, data -> driver.exchange(ctx.client(s), descriptors.get(s), data, out)));
    return List.of(merge(Phase.EXCHANGE, outcomes, measured));
  }
}
