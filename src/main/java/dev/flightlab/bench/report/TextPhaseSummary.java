package dev.flightlab.bench.report;

import dev.flightlab.bench.IterationResult;
import dev.flightlab.bench.LatencyStats;
import dev.flightlab.bench.Phase;
import dev.flightlab.bench.PhaseResult;
import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.Summary;
import dev.flightlab.bench.Warmup;
import dev.flightlab.wire.IpcCompression;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The text report's summary of one phase of one point over its measured iterations: throughput (or
 * call rate), latency, time to first batch, CPU, JIT time and verification.
 */
final class TextPhaseSummary {
  private final PrintWriter out;
  private final PointResult point;
  private final Phase phase;
  private final boolean embeddedServer;

  /**
   * @param embeddedServer whether the server ran in the benchmark's JVM (its CPU and JIT time are
   *     then the client's too)
   */
  TextPhaseSummary(PrintWriter out, PointResult point, Phase phase, boolean embeddedServer) {
    this.out = out;
    this.point = point;
    this.phase = phase;
    this.embeddedServer = embeddedServer;
  }

  void write() {
    Summary s = point.summary(phase);
    out.println(phase + ", " + s.n() + " measured iteration" + (s.n() == 1 ? "" : "s") + ":");
    if (s.n() == 0) {
      out.println("  (none completed)");
      return;
    }
    PhaseResult first = point.firstPhase(phase);
    if (first.movesData()) {
      throughput(s);
    } else {
      callRate(s);
    }
    latency(first);
    firstBatch(first);
    cpuAndJit();
    verified();
  }

  private Summary median(ToDoubleFunction<PhaseResult> figure) {
    return point.summarise(phase, figure);
  }

  private void throughput(Summary s) {
    out.println(
        "  throughput   median "
            + Fmt.rate(s.median())
            + " MB/s ("
            + Fmt.rate(median(PhaseResult::ipcMiBps).median())
            + " MiB/s) IPC body; min "
            + Fmt.rate(s.min())
            + ", max "
            + Fmt.rate(s.max())
            + " MB/s, spread "
            + Fmt.num(s.spreadPercent(), 1)
            + "%");
    out.println(
        "               logical median "
            + Fmt.rate(median(PhaseResult::logicalMBps).median())
            + " MB/s ("
            + Fmt.rate(median(PhaseResult::logicalMiBps).median())
            + " MiB/s)");
    Summary wire = median(PhaseResult::wireMBps);
    double ratio = heldPerSent();
    if (wire.median() > 0 && Math.abs(ratio - 1.0) > 0.0005) {
      IpcCompression compression = point.options().transfer().compression();
      out.println(
          "               as sent: median "
              + Fmt.rate(wire.median())
              + " MB/s of IPC body on the wire ("
              + (compression.enabled() ? compression + " compressed, " : "")
              + Fmt.num(ratio, 3)
              + " bytes held per byte sent)");
    }
    out.println(
        "  rate         median "
            + Fmt.num(median(PhaseResult::rowsPerSecond).median(), 0)
            + " rows/s, "
            + Fmt.rate(median(PhaseResult::batchesPerSecond).median())
            + " batches/s");
    if (phase == Phase.SEED) {
      Summary seed = median(PhaseResult::seedMBps);
      out.println(
          "  seed metric  median "
              + Fmt.num(seed.median(), 2)
              + " \"MB/s\" (the original's definition: MiB of IPC stream over the summed"
              + " DoPut call times; its figure was 1512 MB/s); min "
              + Fmt.num(seed.min(), 2)
              + ", max "
              + Fmt.num(seed.max(), 2));
    }
  }

  /** IPC body bytes per body byte on the wire, over the measured iterations that counted both. */
  private double heldPerSent() {
    long ipc = 0;
    long wire = 0;
    for (IterationResult it : point.iterations()) {
      PhaseResult ph = it.phase(phase);
      if (ph != null && ph.wireBodyBytes() > 0) {
        ipc += ph.ipcBodyBytes();
        wire += ph.wireBodyBytes();
      }
    }
    return wire == 0 ? 0 : (double) ipc / wire;
  }

  private void callRate(Summary s) {
    out.println(
        "  rate         median "
            + Fmt.rate(s.median())
            + " "
            + point.primaryUnit(phase)
            + "; min "
            + Fmt.rate(s.min())
            + ", max "
            + Fmt.rate(s.max())
            + ", spread "
            + Fmt.num(s.spreadPercent(), 1)
            + "%");
  }

  private void latency(PhaseResult first) {
    LatencyStats l = point.latencyStats(phase);
    if (!l.present()) {
      out.println(
          "  latency      none recorded ("
              + first.latencyKind()
              + "; a server that does not echo each batch's app_metadata gives none)");
      return;
    }
    out.println(
        "  latency      "
            + first.latencyKind()
            + ", "
            + Fmt.count(l.count())
            + " samples: mean "
            + Fmt.micros(l.meanNanos())
            + " us, p50 "
            + Fmt.micros(l.p50Nanos())
            + ", p90 "
            + Fmt.micros(l.p90Nanos())
            + ", p95 "
            + Fmt.micros(l.p95Nanos())
            + ", p99 "
            + Fmt.micros(l.p99Nanos())
            + ", p99.9 "
            + Fmt.micros(l.p999Nanos())
            + ", max "
            + Fmt.micros(l.maxNanos())
            + " us");
  }

  private void firstBatch(PhaseResult first) {
    if (!first.firstBatch().present()) {
      return;
    }
    Summary ttfb = median(x -> x.firstBatch().p50Nanos());
    out.println(
        "  first batch  median over iterations "
            + Fmt.micros(ttfb.median())
            + " us (min "
            + Fmt.micros(ttfb.min())
            + ", max "
            + Fmt.micros(ttfb.max())
            + ")");
  }

  private void cpuAndJit() {
    long streamCpu = 0;
    long processCpu = 0;
    long wall = 0;
    long jit = 0;
    long serverCpu = 0;
    long serverJit = 0;
    boolean jitKnown = true;
    boolean serverCpuKnown = true;
    boolean serverJitKnown = true;
    for (IterationResult it : point.iterations()) {
      PhaseResult ph = it.phase(phase);
      streamCpu += ph == null ? 0 : ph.streamCpuNanos();
      processCpu += it.processCpuNanos();
      wall += it.elapsedNanos();
      jit += it.jitNanos();
      serverCpu += it.serverCpuNanos();
      serverJit += it.serverJitNanos();
      jitKnown &= it.jitNanos() >= 0;
      serverCpuKnown &= it.serverCpuNanos() >= 0;
      serverJitKnown &= it.serverJitNanos() >= 0;
    }
    out.println(
        "  CPU          stream threads "
            + Fmt.seconds(streamCpu)
            + " s; whole JVM "
            + Fmt.seconds(processCpu)
            + " s"
            + (embeddedServer ? " (client and embedded server)" : " (client)")
            + (serverCpuKnown ? "; server JVM " + Fmt.seconds(serverCpu) + " s" : "")
            + " in "
            + Fmt.seconds(wall)
            + " s of measured iterations");
    if (!jitKnown && !serverJitKnown) {
      return;
    }
    double share =
        wall <= 0
            ? 0
            : (double) Math.max(jitKnown ? jit : 0, serverJitKnown ? serverJit : 0) / wall;
    out.println(
        "  JIT          compiling during measured iterations: "
            + (jitKnown
                ? (embeddedServer ? "client and server " : "client ") + Fmt.seconds(jit) + " s"
                : "")
            + (jitKnown && serverJitKnown ? ", " : "")
            + (serverJitKnown ? "server " + Fmt.seconds(serverJit) + " s" : "")
            + String.format(Locale.ROOT, " (%.0f%% of their time)", 100 * share)
            + (share > Warmup.AUTO_JIT_SHARE
                ? "; still warming up: a longer --warmup measures the steady state"
                : ""));
  }

  /** After the last phase: how many iterations had their content verified. */
  private void verified() {
    List<Phase> phases = point.phases();
    List<IterationResult> iterations = point.iterations();
    if (phases.get(phases.size() - 1) != phase
        || iterations.stream().allMatch(it -> it.verified() == null)) {
      return;
    }
    long ok = iterations.stream().filter(it -> Boolean.TRUE.equals(it.verified())).count();
    out.println(
        "  verified     "
            + ok
            + " of "
            + iterations.size()
            + " iterations: downloaded content checksum = uploaded");
  }
}
