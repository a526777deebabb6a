package dev.flightlab.bench.report;

import dev.flightlab.bench.BenchOptions;
import dev.flightlab.bench.ClientKind;
import dev.flightlab.bench.Comparison;
import dev.flightlab.bench.DataInfo;
import dev.flightlab.bench.Environment;
import dev.flightlab.bench.IterationResult;
import dev.flightlab.bench.LatencyStats;
import dev.flightlab.bench.PhaseResult;
import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.RunResult;
import dev.flightlab.bench.SendWait;
import dev.flightlab.bench.Summary;
import dev.flightlab.bench.Warmup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The readable table on stdout: setup, every iteration, summaries, comparison, notes. */
public final class TextReport implements ReportWriter {
  @Override
  public void write(RunResult r, Writer w) throws IOException {
    PrintWriter out = new PrintWriter(w);
    BenchOptions o = r.options();
    out.println("flightlab bench: " + o.op() + " (" + o.op().description() + ")");
    if (r.server() != null) {
      out.println("Server:   " + r.server().location() + ", " + r.server().note());
    }
    Environment e = r.environment();
    out.println("JVM:      " + Fmt.jvm(e) + "; Arrow " + e.arrowVersion());
    if (!o.sweeps().isEmpty()) {
      List<String> s = new ArrayList<>();
      o.sweeps().forEach(x -> s.add(x.toString()));
      out.println("Sweep:    " + String.join(" x ", s) + " (" + r.points().size() + " points)");
    }
    for (PointResult p : r.points()) {
      out.println();
      point(out, p, r);
    }
    if (!o.sweeps().isEmpty() && !r.points().isEmpty()) {
      out.println();
      sweepTable(out, r);
    }
    serverMemory(out, r);
    comparison(out, r.comparison());
    for (String note : r.notes()) {
      out.println("Note: " + note);
    }
    if (!r.ok()) {
      out.println();
      out.println(
          "FAILED: " + r.error() + (r.points().isEmpty() ? "" : " (partial results above)"));
    }
    out.flush();
  }

  private static void point(PrintWriter out, PointResult p, RunResult r) {
    BenchOptions o = p.options();
    if (!p.parameters().isEmpty()) {
      out.println("== " + p.label() + " ==");
    }
    DataInfo d = p.data();
    if (d.batches() > 0) {
      out.println(
          "Data:     "
              + d.source()
              + " "
              + d.schemaDescription()
              + ", "
              + d.streams()
              + " stream"
              + (d.streams() == 1 ? "" : "s")
              + " x "
              + Fmt.count(d.rows() / Math.max(1, d.streams()))
              + " rows in "
              + Fmt.count(d.batches() / Math.max(1, d.streams()))
              + " batches"
              + (o.op() == dev.flightlab.bench.Op.SEED
                  ? ""
                  : " of up to " + Fmt.count(o.batchRows()) + " rows"));
      out.println(
          "          all streams: logical "
              + Fmt.bytes(d.logicalBytes())
              + ", IPC body "
              + Fmt.bytes(d.ipcBodyBytes())
              + (d.ipcStreamBytes() > 0 ? ", IPC stream " + Fmt.bytes(d.ipcStreamBytes()) : ""));
      out.println(
          "          prepared in "
              + Fmt.seconds(d.generationNanos())
              + " s, "
              + (o.includeGeneration()
                  ? "and regenerated inside every timed iteration (--include-generation)"
                  : "before timing (not measured)"));
    } else {
      out.println(
          "Data:     "
              + d.source()
              + (d.schemaDescription().equals("-") ? "" : ", " + d.schemaDescription()));
    }
    out.println(
        "Streams:  "
            + o.streams()
            + " concurrent over "
            + o.connections()
            + " connection"
            + (o.connections() == 1 ? "" : "s")
            + "; compression "
            + o.compression()
            + (o.compression().enabled() ? " (" + compressedDirection(o.op()) + ")" : "")
            + "; client "
            + o.client()
            + " ("
            + o.client().description()
            + (o.client() == ClientKind.ARROW
                ? (o.sendWait() == SendWait.PARK
                    ? "; senders park while gRPC is not ready"
                    : "; senders spin in putNext, as Arrow ships it")
                : "")
            + ")");
    if (p.warmups().isEmpty()) {
      out.println("Warm-up:  none (--warmup " + o.effectiveWarmup() + ")");
    } else {
      out.println(
          "Warm-up:  "
              + p.warmups().size()
              + " iteration"
              + (p.warmups().size() == 1 ? "" : "s")
              + ", "
              + Fmt.mb(p.warmupBytes())
              + " IPC body in "
              + Fmt.seconds(p.warmupNanos())
              + " s (--warmup "
              + o.effectiveWarmup()
              + "); listed as w1.., left out of every summary");
    }
    out.println();
    iterationTable(out, p);
    for (String phase : p.phaseNames()) {
      out.println();
      phaseSummary(out, p, phase, r);
    }
  }

  /** Which way the compressed batches move: uploads, downloads or both. */
  private static String compressedDirection(dev.flightlab.bench.Op op) {
    return switch (op) {
      case GET -> "server to client";
      case ROUNDTRIP -> "client to server, then server to client";
      default -> "client to server";
    };
  }

  private static void iterationTable(PrintWriter out, PointResult p) {
    List<IterationResult> all = new ArrayList<>(p.warmups());
    all.addAll(p.iterations());
    boolean data = p.data().batches() > 0;
    Table t =
        data
            ? new Table(
                "iter",
                "phase",
                "seconds",
                "MB/s",
                "MiB/s",
                "logical MB/s",
                "rows/s",
                "batches/s",
                "p50 us",
                "p99 us",
                "max us",
                "first us",
                "CPU s")
            : new Table(
                "iter", "phase", "seconds", "calls", "calls/s", "p50 us", "p90 us", "p99 us",
                "max us", "CPU s");
    for (IterationResult it : all) {
      for (PhaseResult ph : it.phases()) {
        LatencyStats l = ph.latency();
        if (data) {
          t.row(
              it.label(),
              ph.name(),
              Fmt.seconds(ph.elapsedNanos()),
              Fmt.rate(ph.ipcMBps()),
              Fmt.rate(ph.ipcMiBps()),
              Fmt.rate(ph.logicalMBps()),
              Fmt.num(ph.rowsPerSecond(), 0),
              Fmt.rate(ph.batchesPerSecond()),
              l.present() ? Fmt.micros(l.p50Nanos()) : "-",
              l.present() ? Fmt.micros(l.p99Nanos()) : "-",
              l.present() ? Fmt.micros(l.maxNanos()) : "-",
              ph.firstBatch().present() ? Fmt.micros(ph.firstBatch().p50Nanos()) : "-",
              Fmt.seconds(ph.streamCpuNanos()));
        } else {
          t.row(
              it.label(),
              ph.name(),
              Fmt.seconds(ph.elapsedNanos()),
              Fmt.count(ph.calls()),
              Fmt.rate(ph.callsPerSecond()),
              Fmt.micros(l.p50Nanos()),
              Fmt.micros(l.p90Nanos()),
              Fmt.micros(l.p99Nanos()),
              Fmt.micros(l.maxNanos()),
              Fmt.seconds(ph.streamCpuNanos()));
        }
      }
    }
    t.print(out);
    out.println(
        data
            ? "MB = 10^6 bytes, MiB = 2^20 bytes, of IPC body unless labelled logical; rates per"
                + " wall-clock second of the phase; first = time to first batch (median over"
                + " streams); CPU = stream threads"
            : "latencies per call; CPU = stream threads");
  }

  private static void phaseSummary(PrintWriter out, PointResult p, String phase, RunResult r) {
    Summary s = p.summary(phase);
    String unit = p.primaryUnit(phase);
    out.println(phase + ", " + s.n() + " measured iteration" + (s.n() == 1 ? "" : "s") + ":");
    if (s.n() == 0) {
      out.println("  (none completed)");
      return;
    }
    PhaseResult first = p.firstPhase(phase);
    if (first != null && first.movesData()) {
      Summary mib = p.summarise(phase, PhaseResult::ipcMiBps);
      Summary logical = p.summarise(phase, PhaseResult::logicalMBps);
      out.println(
          "  throughput   median "
              + Fmt.rate(s.median())
              + " MB/s ("
              + Fmt.rate(mib.median())
              + " MiB/s) IPC body; min "
              + Fmt.rate(s.min())
              + ", max "
              + Fmt.rate(s.max())
              + " MB/s, spread "
              + Fmt.num(s.spreadPercent(), 1)
              + "%");
      out.println(
          "               logical median "
              + Fmt.rate(logical.median())
              + " MB/s ("
              + Fmt.rate(p.summarise(phase, PhaseResult::logicalMiBps).median())
              + " MiB/s)");
      Summary wire = p.summarise(phase, PhaseResult::wireMBps);
      double ratio = ratio(p, phase);
      if (wire.median() > 0 && Math.abs(ratio - 1.0) > 0.0005) {
        out.println(
            "               as sent: median "
                + Fmt.rate(wire.median())
                + " MB/s of IPC body on the wire ("
                + (p.options().compression().enabled() && !phase.equals("get")
                    ? p.options().compression() + " compressed, "
                    : "")
                + Fmt.num(ratio, 3)
                + " bytes held per byte sent)");
      }
      out.println(
          "  rate         median "
              + Fmt.num(p.summarise(phase, PhaseResult::rowsPerSecond).median(), 0)
              + " rows/s, "
              + Fmt.rate(p.summarise(phase, PhaseResult::batchesPerSecond).median())
              + " batches/s");
      if (phase.equals("seed")) {
        Summary seed = p.summarise(phase, PhaseResult::seedMBps);
        out.println(
            "  seed metric  median "
                + Fmt.num(seed.median(), 2)
                + " \"MB/s\" (the original's definition: MiB of IPC stream over the summed"
                + " DoPut call times; its figure was 1512 MB/s); min "
                + Fmt.num(seed.min(), 2)
                + ", max "
                + Fmt.num(seed.max(), 2));
      }
    } else {
      out.println(
          "  rate         median "
              + Fmt.rate(s.median())
              + " "
              + unit
              + "; min "
              + Fmt.rate(s.min())
              + ", max "
              + Fmt.rate(s.max())
              + ", spread "
              + Fmt.num(s.spreadPercent(), 1)
              + "%");
    }
    LatencyStats l = p.latencyStats(phase);
    String kind = first == null ? "" : first.latencyKind();
    if (l.present()) {
      out.println(
          "  latency      "
              + kind
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
    } else {
      out.println(
          "  latency      none recorded ("
              + kind
              + "; a server that does not echo each batch's app_metadata gives none)");
    }
    Summary ttfbMedian = p.summarise(phase, x -> x.firstBatch().p50Nanos());
    if (first != null && first.firstBatch().present()) {
      out.println(
          "  first batch  median over iterations "
              + Fmt.micros(ttfbMedian.median())
              + " us (min "
              + Fmt.micros(ttfbMedian.min())
              + ", max "
              + Fmt.micros(ttfbMedian.max())
              + ")");
    }
    long streamCpu = 0;
    long processCpu = 0;
    long wall = 0;
    long jit = 0;
    long serverCpu = 0;
    long serverJit = 0;
    boolean jitKnown = !p.iterations().isEmpty();
    boolean serverCpuKnown = jitKnown;
    boolean serverJitKnown = jitKnown;
    for (IterationResult it : p.iterations()) {
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
    boolean sameJvm = r.server() != null && r.server().mode().equals("embedded");
    out.println(
        "  CPU          stream threads "
            + Fmt.seconds(streamCpu)
            + " s; whole JVM "
            + Fmt.seconds(processCpu)
            + " s"
            + (sameJvm ? " (client and embedded server)" : " (client)")
            + (serverCpuKnown ? "; server JVM " + Fmt.seconds(serverCpu) + " s" : "")
            + " in "
            + Fmt.seconds(wall)
            + " s of measured iterations");
    if (jitKnown || serverJitKnown) {
      double share =
          wall <= 0
              ? 0
              : (double) Math.max(jitKnown ? jit : 0, serverJitKnown ? serverJit : 0) / wall;
      out.println(
          "  JIT          compiling during measured iterations: "
              + (jitKnown
                  ? (sameJvm ? "client and server " : "client ") + Fmt.seconds(jit) + " s"
                  : "")
              + (jitKnown && serverJitKnown ? ", " : "")
              + (serverJitKnown ? "server " + Fmt.seconds(serverJit) + " s" : "")
              + String.format(Locale.ROOT, " (%.0f%% of their time)", 100 * share)
              + (share > Warmup.AUTO_JIT_SHARE
                  ? "; still warming up: a longer --warmup measures the steady state"
                  : ""));
    }
    List<String> phases = p.phaseNames();
    boolean lastPhase = phases.get(phases.size() - 1).equals(phase);
    if (lastPhase && p.iterations().stream().anyMatch(it -> it.verified() != null)) {
      long ok = p.iterations().stream().filter(it -> Boolean.TRUE.equals(it.verified())).count();
      out.println(
          "  verified     "
              + ok
              + " of "
              + p.iterations().size()
              + " iterations: downloaded content checksum = uploaded");
    }
  }

  private static double ratio(PointResult p, String phase) {
    long ipc = 0;
    long wire = 0;
    for (IterationResult it : p.iterations()) {
      PhaseResult ph = it.phase(phase);
      if (ph != null && ph.wireBodyBytes() > 0) {
        ipc += ph.ipcBodyBytes();
        wire += ph.wireBodyBytes();
      }
    }
    return wire == 0 ? 0 : (double) ipc / wire;
  }

  private static void sweepTable(PrintWriter out, RunResult r) {
    PointResult first = r.points().get(0);
    List<String> header = new ArrayList<>(first.parameters().keySet());
    header.addAll(List.of("phase", "median", "unit", "min", "max", "spread", "p50 us", "p99 us"));
    Table t = new Table(header.toArray(String[]::new));
    for (PointResult p : r.points()) {
      for (String phase : p.phaseNames()) {
        Summary s = p.summary(phase);
        LatencyStats l = p.latencyStats(phase);
        List<String> row = new ArrayList<>(p.parameters().values());
        row.addAll(
            List.of(
                phase,
                Fmt.rate(s.median()),
                p.primaryUnit(phase),
                Fmt.rate(s.min()),
                Fmt.rate(s.max()),
                Fmt.num(s.spreadPercent(), 1) + "%",
                l.present() ? Fmt.micros(l.p50Nanos()) : "-",
                l.present() ? Fmt.micros(l.p99Nanos()) : "-"));
        t.row(row.toArray(String[]::new));
      }
    }
    out.println("Sweep summary (medians of measured iterations; MB/s = 10^6 bytes of IPC body):");
    t.print(out);
  }

  private static void serverMemory(PrintWriter out, RunResult r) {
    Map<String, Long> before = r.serverStatsBefore();
    Map<String, Long> after = r.serverStatsAfter();
    if (before.isEmpty() && after.isEmpty()) {
      return;
    }
    out.println();
    out.println(
        "Server memory (stats action): store used "
            + memory(before, "memory_used_bytes")
            + " before, "
            + memory(after, "memory_used_bytes")
            + " after (peak "
            + memory(after, "memory_peak_bytes")
            + ", limit "
            + memory(after, "memory_limit_bytes")
            + "); JVM heap used "
            + memory(before, "jvm_heap_used_bytes")
            + " before, "
            + memory(after, "jvm_heap_used_bytes")
            + " after"
            + (r.server() != null && r.server().mode().equals("embedded")
                ? " (the heap is shared with the client)"
                : ""));
  }

  private static String memory(Map<String, Long> stats, String key) {
    Long v = stats.get(key);
    return v == null ? "?" : Fmt.mb(v);
  }

  private static void comparison(PrintWriter out, Comparison c) {
    if (c == null) {
      return;
    }
    out.println();
    out.println(
        "Baseline "
            + c.baseline()
            + " (fails beyond -"
            + Fmt.num(c.maxRegression() * 100, 1)
            + "%):");
    for (Comparison.Entry e : c.entries()) {
      out.println(
          "  "
              + (e.point().isEmpty() ? "" : e.point() + " ")
              + e.phase()
              + ": median "
              + Fmt.rate(e.currentMedian())
              + " "
              + e.unit()
              + " vs "
              + Fmt.rate(e.baselineMedian())
              + " ("
              + Fmt.signedPercent(e.changePercent())
              + ") "
              + (e.regressed(c.maxRegression()) ? "REGRESSION" : "ok"));
    }
    for (String u : c.unmatched()) {
      out.println("  " + u + ": not in the baseline");
    }
  }

  /** A plain text table with right-aligned columns, the first two left-aligned. */
  static final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      this.header = header;
    }

    void row(String... cells) {
      rows.add(cells);
    }

    void print(PrintWriter out) {
      int[] width = new int[header.length];
      for (int i = 0; i < header.length; i++) {
        width[i] = header[i].length();
      }
      for (String[] r : rows) {
        for (int i = 0; i < r.length; i++) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      line(out, header, width);
      for (String[] r : rows) {
        line(out, r, width);
      }
    }

    private static void line(PrintWriter out, String[] cells, int[] width) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        if (i > 0) {
          b.append("  ");
        }
        String c = cells[i];
        String pad = " ".repeat(width[i] - c.length());
        b.append(i < 2 ? c + pad : pad + c);
      }
      out.println(b.toString().stripTrailing());
    }
  }
}
