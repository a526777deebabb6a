package dev.flightlab.bench.report;

import dev.flightlab.bench.BenchOptions;
import dev.flightlab.bench.BenchProtocol;
import dev.flightlab.bench.ClientKind;
import dev.flightlab.bench.Comparison;
import dev.flightlab.bench.ConcurrencyOptions;
import dev.flightlab.bench.DataInfo;
import dev.flightlab.bench.Environment;
import dev.flightlab.bench.IterationResult;
import dev.flightlab.bench.LatencyStats;
import dev.flightlab.bench.Op;
import dev.flightlab.bench.Phase;
import dev.flightlab.bench.PhaseResult;
import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.RunResult;
import dev.flightlab.bench.SendWait;
import dev.flightlab.bench.Summary;
import dev.flightlab.bench.TransferOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

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
      int streams = Math.max(1, d.streams());
      out.printf(
          Locale.ROOT,
          "Data:     %s %s, %d stream%s x %s rows in %s batches%s%n",
          d.source(),
          d.schemaDescription(),
          d.streams(),
          d.streams() == 1 ? "" : "s",
          Fmt.count(d.rows() / streams),
          Fmt.count(d.batches() / streams),
          o.op() == Op.SEED ? "" : " of up to " + Fmt.count(o.data().batchRows()) + " rows");
      out.printf(
          Locale.ROOT,
          "          all streams: logical %s, IPC body %s%s%n",
          Fmt.bytes(d.logicalBytes()),
          Fmt.bytes(d.ipcBodyBytes()),
          d.ipcStreamBytes() > 0 ? ", IPC stream " + Fmt.bytes(d.ipcStreamBytes()) : "");
      out.printf(
          Locale.ROOT,
          "          prepared in %s s, %s%n",
          Fmt.seconds(d.generationNanos()),
          o.data().includeGeneration()
              ? "and regenerated inside every timed iteration (--include-generation)"
              : "before timing (not measured)");
    } else {
      out.println(
          "Data:     "
              + d.source()
              + (d.schemaDescription().equals("-") ? "" : ", " + d.schemaDescription()));
    }
    ConcurrencyOptions c = o.concurrency();
    TransferOptions t = o.transfer();
    out.printf(
        Locale.ROOT,
        "Streams:  %d concurrent over %d connection%s; compression %s%s; client %s (%s%s)%n",
        c.streams(),
        c.connections(),
        c.connections() == 1 ? "" : "s",
        t.compression(),
        t.compression().enabled() ? " (" + directions(o.op()) + ")" : "",
        t.client(),
        t.client().description(),
        t.client() != ClientKind.ARROW
            ? ""
            : t.sendWait() == SendWait.PARK
                ? "; senders park while gRPC is not ready"
                : "; senders spin in putNext, as Arrow ships it");
    if (t.protocol() != BenchProtocol.FLIGHTLAB) {
      out.println("Protocol: " + t.protocol() + " (" + t.protocol().description() + ")");
    }
    int warmups = p.warmups().size();
    if (warmups == 0) {
      out.println("Warm-up:  none (--warmup " + o.effectiveWarmup() + ")");
    } else {
      out.printf(
          Locale.ROOT,
          "Warm-up:  %d iteration%s, %s IPC body in %s s (--warmup %s); listed as w1.., left out"
              + " of every summary%n",
          warmups,
          warmups == 1 ? "" : "s",
          Fmt.mb(p.warmupBytes()),
          Fmt.seconds(p.warmupNanos()),
          o.effectiveWarmup());
    }
    out.println();
    iterationTable(out, p);
    boolean embedded = r.server() != null && r.server().mode().equals("embedded");
    for (Phase phase : p.phases()) {
      out.println();
      new TextPhaseSummary(out, p, phase, embedded).write();
    }
  }

  /** Which ways the op's batches move, phase by phase. */
  private static String directions(Op op) {
    return op.phases().stream()
        .map(Phase::direction)
        .filter(Objects::nonNull)
        .distinct()
        .collect(Collectors.joining(", then "));
  }

  private static void iterationTable(PrintWriter out, PointResult p) {
    List<IterationResult> all = new ArrayList<>(p.warmups());
    all.addAll(p.iterations());
    boolean data = p.data().batches() > 0;
    TextTable t =
        data
            ? new TextTable(
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
            : new TextTable(
                "iter", "phase", "seconds", "calls", "calls/s", "p50 us", "p90 us", "p99 us",
                "max us", "CPU s");
    for (IterationResult it : all) {
      for (PhaseResult ph : it.phases()) {
        LatencyStats l = ph.latency();
        if (data) {
          t.row(
              it.label(),
              ph.phase().toString(),
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
              ph.phase().toString(),
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

  private static void sweepTable(PrintWriter out, RunResult r) {
    PointResult first = r.points().get(0);
    List<String> header = new ArrayList<>(first.parameters().keySet());
    header.addAll(List.of("phase", "median", "unit", "min", "max", "spread", "p50 us", "p99 us"));
    TextTable t = new TextTable(header.toArray(String[]::new));
    for (PointResult p : r.points()) {
      for (Phase phase : p.phases()) {
        Summary s = p.summary(phase);
        LatencyStats l = p.latencyStats(phase);
        List<String> row = new ArrayList<>(p.parameters().values());
        row.addAll(
            List.of(
                phase.toString(),
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
    out.printf(
        Locale.ROOT,
        "Server memory (stats action): store used %s before, %s after (peak %s, limit %s); JVM heap"
            + " used %s before, %s after%s%n",
        memory(before, "memory_used_bytes"),
        memory(after, "memory_used_bytes"),
        memory(after, "memory_peak_bytes"),
        memory(after, "memory_limit_bytes"),
        memory(before, "jvm_heap_used_bytes"),
        memory(after, "jvm_heap_used_bytes"),
        r.server() != null && r.server().mode().equals("embedded")
            ? " (the heap is shared with the client)"
            : "");
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
      out.printf(
          Locale.ROOT,
          "  %s%s: median %s %s vs %s (%s) %s%n",
          e.point().isEmpty() ? "" : e.point() + " ",
          e.phase(),
          Fmt.rate(e.currentMedian()),
          e.unit(),
          Fmt.rate(e.baselineMedian()),
          Fmt.signedPercent(e.changePercent()),
          e.regressed(c.maxRegression()) ? "REGRESSION" : "ok");
    }
    if (c.noMatch() != null) {
      out.println("  " + c.noMatch() + ": nothing compared");
      return;
    }
    for (String u : c.unmatched()) {
      out.println("  " + u + ": not in the baseline");
    }
  }
}
