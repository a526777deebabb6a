package dev.flightlab.bench;

import dev.flightlab.data.BatchSet;
import dev.flightlab.wire.DatasetPath;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightInfo;

/**
 * {@code --op roundtrip}: every stream uploads its data, then downloads it again; after the timed
 * part, each download's content checksum is compared with the upload's. A mismatch fails the run.
 */
final class RoundtripWorkload extends Workload {
  private final List<DatasetPath> paths = new ArrayList<>();
  private final List<FlightInfo> tickets = new ArrayList<>();
  private Boolean verified;
  private final PutDriver putDriver;
  private final GetDriver getDriver;

  RoundtripWorkload(BenchContext ctx) {
    super(ctx);
    putDriver = new PutDriver(options.transfer());
    getDriver = new GetDriver(options.transfer());
  }

  @Override
  DataInfo prepare() throws Exception {
    DataInfo info = generateStreams();
    for (int s = 0; s < streamCount; s++) {
      paths.add(dataset("roundtrip-" + s));
      streams.get(s).checksum(ctx.allocator());
    }
    return info;
  }

  @Override
  List<PhaseResult> phases(boolean measured) throws Exception {
    Concurrently.Outcomes puts =
        Concurrently.run(
            ctx.streamThreads(),
            streamCount,
            (s, out) -> putDriver.put(ctx.client(s), paths.get(s), streams.get(s), true, out));
    if (tickets.isEmpty()) {
      // Untimed, between the phases: where to read each upload from.
      for (int s = 0; s < streamCount; s++) {
        tickets.add(GetWorkload.ticketOf(ctx.client(s).info(paths.get(s)), paths.get(s)));
      }
    }
    // Each stream fills its own slot; the runner reads them after every stream has ended.
    BatchSet[] received = new BatchSet[streamCount];
    try {
      Concurrently.Outcomes gets =
          Concurrently.run(
              ctx.streamThreads(),
              streamCount,
              (s, out) -> {
                received[s] = getDriver.get(ctx.client(s), tickets.get(s), out, true);
                StreamData d = streams.get(s);
                out.logicalBytes += d.logicalBytes;
                out.ipcBodyBytes += d.ipcBodyBytes;
              });
      verify(received);
      return List.of(merge(Phase.PUT, puts, measured), merge(Phase.GET, gets, measured));
    } finally {
      for (BatchSet r : received) {
        if (r != null) {
          r.close();
        }
      }
    }
  }

  private void verify(BatchSet[] received) {
    verified = false;
    for (int s = 0; s < received.length; s++) {
      BatchSet r = received[s];
      StreamData sent = streams.get(s);
      long got = Checksums.of(r, ctx.allocator());
      long want = sent.checksum(ctx.allocator());
      if (got != want) {
        throw new BenchFailure(
            String.format(
                "roundtrip stream %d: the download's checksum %016x differs from the upload's"
                    + " %016x (%d rows in %d batches back, %d in %d sent)",
                s + 1, got, want, r.rowCount(), r.batches().size(), sent.rows, sent.batches));
      }
    }
    verified = true;
  }

  @Override
  Boolean verified() {
    return verified;
  }
}
