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

  ExchangeWorkload(BenchContext ctx) {
    super(ctx);
  }

  @Override
  DataInfo prepare() throws Exception {
    for (int s = 0; s < options.streams(); s++) {
      // flightlab's DoExchange echoes and stores nothing: the path only names the stream.
      descriptors.add(DatasetPath.parse(options.pathPrefix() + "/exchange-" + s).toDescriptor());
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
              FlightDescriptor descriptor = descriptors.get(s);
              withStreamData(
                  s,
                  data ->
                      StreamOps.exchange(
                          ctx.client(s),
                          descriptor,
                          data,
                          options.sendWait(),
                          ctx.helperThreads(),
                          out));
            });
    return List.of(merge("exchange", StreamOps.EXCHANGE_LATENCY, outcomes, measured));
  }
}
