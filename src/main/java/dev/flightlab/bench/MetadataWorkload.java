package dev.flightlab.bench;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.data.SchemaWithDictionaries;
import dev.flightlab.wire.DatasetPath;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightInfo;

/**
 * {@code --op metadata}: GetFlightInfo, then ListFlights, --metadata-calls times each per stream,
 * every call's latency recorded. Before timing, each stream uploads one small dataset (one batch of
 * at most {@value #ROWS} rows of the schema) for the calls to describe.
 */
final class MetadataWorkload extends Workload {
  /** Rows in each stream's dataset. */
  static final int ROWS = 1024;

  private final List<DatasetPath> paths = new ArrayList<>();
  private String criteria;

  MetadataWorkload(BenchContext ctx) {
    super(ctx);
  }

  @Override
  DataInfo prepare() throws Exception {
    long start = System.nanoTime();
    SchemaWithDictionaries schema = schema();
    int rows = (int) Math.min(ROWS, options.data().rows());
    PutDriver upload = new PutDriver(options.transfer());
    for (int s = 0; s < streamCount; s++) {
      DatasetPath path = dataset("metadata-" + s);
      paths.add(path);
      try (StreamData d =
          new StreamData(
              DataGenerator.generate(
                  schema, rows, rows, options.data().generatorOptions(s), ctx.allocator()),
              true,
              ctx.allocator())) {
        upload.put(ctx.client(s), path, d, false, new StreamOutcome());
      }
    }
    // flightlab filters by prefix; other servers may list everything.
    criteria = ctx.flightlabServer() ? options.target().pathPrefix() : null;
    return new DataInfo(
        "one batch of " + rows + " rows per stream, uploaded untimed",
        options.data().schema(),
        SchemaSpec.describe(schema),
        streamCount,
        0,
        0,
        0,
        0,
        0,
        System.nanoTime() - start);
  }

  @Override
  List<PhaseResult> phases(boolean measured) throws Exception {
    int calls = options.metadataCalls();
    Concurrently.Outcomes infos =
        Concurrently.run(
            ctx.streamThreads(),
            streamCount,
            (s, out) -> {
              FlightLabClient c = ctx.client(s);
              DatasetPath path = paths.get(s);
              for (int i = 0; i < calls; i++) {
                long t = System.nanoTime();
                FlightInfo info = c.info(path);
                long elapsed = System.nanoTime() - t;
                if (info.getEndpoints().isEmpty() && info.getRecords() < 0) {
                  throw new BenchFailure("GetFlightInfo for '" + path + "' returned nothing");
                }
                out.latency.recordValue(elapsed);
                out.callNanosSum += elapsed;
                out.calls++;
              }
            });
    Concurrently.Outcomes lists =
        Concurrently.run(
            ctx.streamThreads(),
            streamCount,
            (s, out) -> {
              FlightLabClient c = ctx.client(s);
              for (int i = 0; i < calls; i++) {
                long t = System.nanoTime();
                int n = 0;
                // flightlab's client reads every schema (Arrow's fails on 32/64-bit decimals).
                n = c.list(criteria).size();
                long elapsed = System.nanoTime() - t;
                if (n < streamCount && ctx.flightlabServer()) {
                  throw new BenchFailure(
                      "ListFlights returned " + n + " datasets, expected " + streamCount);
                }
                out.latency.recordValue(elapsed);
                out.callNanosSum += elapsed;
                out.calls++;
              }
            });
    return List.of(merge(Phase.INFO, infos, measured), merge(Phase.LIST, lists, measured));
  }
}
