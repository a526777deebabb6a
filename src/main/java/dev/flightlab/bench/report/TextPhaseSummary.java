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
    line("%s, %d measured iteration%s:", phase, s.n(), s.n() == 1 ? "" : "s");
    if (s.n() == 0) {
      line("  (none completed)");
      return;
    }
    PhaseResult first = point.firstPhase(phase);
    if (first.movesData()) {
      throughput(s);
    } else {
      line(
          "  rate         median %s %s; min %s, max %s, spread %s%%",
          Fmt.rate(s.median()),
          point.primaryUnit(phase),
          Fmt.rate(s.min()),
          Fmt.rate(s.max()),
          Fmt.num(s.spreadPercent(), 1));
    }
    latency(first);
    if (first.firstBatch().present()) {
      Summary ttfb = median(x -> x.firstBatch().p50Nanos());
      line(
          "  first batch  median over iterations %s us (min %s, max %s)",
          Fmt.micros(ttfb.median()), Fmt.micros(ttfb.min()), Fmt.micros(ttfb.max()));
    }
    cpuAndJit();
    verified();
  }

  private void line(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
  }

  private Summary median(ToDoubleFunction<PhaseResult> figure) {
    return point.summarise(phase, figure);
  }

  private void throughput(Summary s) {
    line(
        "  throughput   median %s MB/s (%s MiB/s) IPC body; min %s, max %s MB/s, spread %s%%",
        Fmt.rate(s.median()),
        Fmt.rate(median(PhaseResult::ipcMiBps).median()),
        Fmt.rate(s.min()),
        Fmt.rate(s.max()),
        Fmt.num(s.spreadPercent(), 1));
    line(
        "               logical median %s MB/s (%s MiB/s)",
        Fmt.rate(median(PhaseResult::logicalMBps).median()),
        Fmt.rate(median(PhaseResult::logicalMiBps).median()));
    Summary wire = median(PhaseResult::wireMBps);
    double ratio = heldPerSent();
    if (wire.median() > 0 && Math.abs(ratio - 1.0) > 0.0005) {
      IpcCompression compression = point.options().transfer().compression();
      line(
          "               as sent: median %s MB/s of IPC body on the wire (%s%s bytes held per"
              + " byte sent)",
          Fmt.rate(wire.median()),
          compression.enabled() ? compression + " compressed, " : "",
          Fmt.num(ratio, 3));
    }
    line(
        "  rate         median %s rows/s, %s batches/s",
        Fmt.num(median(PhaseResult::rowsPerSecond).median(), 0),
        Fmt.rate(median(PhaseResult::batchesPerSecond).median()));
    if (phase == Phase.SEED) {
      Summary seed = median(PhaseResult::seedMBps);
      line(
          "  seed metric  median %s \"MB/s\" (the original's definition: MiB of IPC stream over"
              + " the summed DoPut call times; its figure was 1512 MB/s); min %s, max %s",
          Fmt.num(seed.median(), 2), Fmt.num(seed.min(), 2), Fmt.num(seed.max(), 2));
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

  private void latency(PhaseResult first) {
    LatencyStats l = point.latencyStats(phase);
    if (!l.present()) {
      boolean uploads = phase == Phase.PUT;
      line(
          "  latency      none recorded (%s; %s)",
          first.latencyKind(),
          uploads && !point.options().transfer().batchLatency()
              ? "--no-batch-latency: the batches went without app_metadata"
              : "a server that does not echo each batch's app_metadata gives none");
      return;
    }
    line(
        "  latency      %s, %s samples: mean %s us, p50 %s, p90 %s, p95 %s, p99 %s, p99.9 %s,"
            + " max %s us",
        first.latencyKind(),
        Fmt.count(l.count()),
        Fmt.micros(l.meanNanos()),
        Fmt.micros(l.p50Nanos()),
        Fmt.micros(l.p90Nanos()),
        Fmt.micros(l.p95Nanos()),
        Fmt.micros(l.p99Nanos()),
        Fmt.micros(l.p999Nanos()),
        Fmt.micros(l.maxNanos()));
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
    line(
        "  CPU          stream threads %s s; whole JVM %s s (%s)%s in %s s of measured iterations",
        Fmt.seconds(streamCpu),
        Fmt.seconds(processCpu),
        embeddedServer ? "client and embedded server" : "client",
        serverCpuKnown ? "; server JVM " + Fmt.seconds(serverCpu) + " s" : "",
        Fmt.seconds(wall));
    if (!jitKnown && !serverJitKnown) {
      return;
    }
    long busier = Math.max(jitKnown ? jit : 0, serverJitKnown ? serverJit : 0);
    double share = wall <= 0 ? 0 : (double) busier / wall;
    line(
        "  JIT          compiling during measured iterations: %s%s%s (%.0f%% of their time)%s",
        jitKnown
            ? (embeddedServer ? "client and server " : "client ") + Fmt.seconds(jit) + " s"
            : "",
        jitKnown && serverJitKnown ? ", " : "",
        serverJitKnown ? "server " + Fmt.seconds(serverJit) + " s" : "",
        100 * share,
        share > Warmup.AUTO_JIT_SHARE
            ? "; still warming up: a longer --warmup measures the steady state"
            : "");
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
    line(
        "  verified     %d of %d iterations: downloaded content checksum = uploaded",
        ok, iterations.size());
  }
}
