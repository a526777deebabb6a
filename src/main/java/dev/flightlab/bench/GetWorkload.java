package dev.flightlab.bench;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataSizes;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightInfo;

/**
 * {@code --op get}: every stream downloads a dataset. Before timing, each stream's generated data
 * is uploaded to its own dataset (or, with --dataset, every stream reads that existing one), and
 * the ticket comes from GetFlightInfo, so any Flight server that stores uploads by path works.
 */
final class GetWorkload extends Workload {
  private final List<FlightInfo> tickets = new ArrayList<>();
  private final List<long[]> expected = new ArrayList<>();
  private final GetDriver driver;

  GetWorkload(BenchContext ctx) {
    super(ctx);
    driver = new GetDriver(options.transfer());
  }

  @Override
  DataInfo prepare() throws Exception {
    if (options.target().dataset() != null) {
      return prepareExisting(DatasetPath.parse(options.target().dataset()));
    }
    DataInfo info = generateStreams();
    // --compression is for the timed downloads: the upload before them is plain.
    PutDriver upload = new PutDriver(options.transfer().withCompression(IpcCompression.NONE));
    for (int s = 0; s < streamCount; s++) {
      DatasetPath path = dataset("get-" + s);
      upload.put(ctx.client(s), path, streams.get(s), false, new StreamOutcome());
      tickets.add(ticketOf(ctx.client(s).info(path), path));
      StreamData d = streams.get(s);
      expected.add(new long[] {d.rows, d.batches, d.logicalBytes, d.ipcBodyBytes});
    }
    // The server has the data now; the client's copy is not needed for downloads.
    freeStreams();
    return info;
  }

  /** Reads the existing dataset once, untimed, to learn its sizes. */
  private DataInfo prepareExisting(DatasetPath path) throws Exception {
    long start = System.nanoTime();
    FlightInfo ticket = ticketOf(ctx.client(0).info(path), path);
    // Through flightlab's reader whatever --client measures: it applies dictionary deltas.
    try (BatchSet set = ctx.client(0).get(ticket, 1, null, IpcCompression.NONE)) {
      long[] counts = {set.rowCount(), set.batches().size()};
      long logical = DataSizes.logicalBytes(set);
      long ipc = StreamData.ipcBodyBytes(set.batches());
      for (int s = 0; s < streamCount; s++) {
        tickets.add(ticket);
        expected.add(new long[] {counts[0], counts[1], logical, ipc});
      }
      long elapsed = System.nanoTime() - start;
      return new DataInfo(
          "dataset " + path,
          "-",
          SchemaSpec.describe(set.schema(), set.dictionaries()),
          streamCount,
          counts[0] * streamCount,
          counts[1] * streamCount,
          logical * streamCount,
          ipc * streamCount,
          0,
          elapsed);
    }
  }

  /** Where to read {@code path}: its FlightInfo, every endpoint of which a get follows. */
  static FlightInfo ticketOf(FlightInfo info, DatasetPath path) {
    if (info.getEndpoints().isEmpty()) {
      throw new BenchFailure("GetFlightInfo for '" + path + "' returned no endpoint to read");
    }
    return info;
  }

  @Override
  List<PhaseResult> phases(boolean measured) throws Exception {
    Concurrently.Outcomes outcomes =
        Concurrently.run(
            ctx.streamThreads(),
            streamCount,
            (s, out) -> {
              long[] want = expected.get(s);
              driver.get(ctx.client(s), tickets.get(s), out, false);
              long[] got = {out.rows, out.batches};
              if (got[0] != want[0] || got[1] != want[1]) {
                throw new BenchFailure(
                    "DoGet returned "
                        + got[0]
                        + " rows in "
                        + got[1]
                        + " batches, expected "
                        + want[0]
                        + " rows in "
                        + want[1]);
              }
              out.logicalBytes += want[2];
              out.ipcBodyBytes += want[3];
            });
    return List.of(merge(Phase.GET, outcomes, measured));
  }
}
