package dev.flightlab.bench.report;

import dev.flightlab.bench.BenchOptions;
import dev.flightlab.bench.ClientKind;
import dev.flightlab.bench.Comparison;
import dev.flightlab.bench.DataInfo;
import dev.flightlab.bench.Environment;
import dev.flightlab.bench.IterationResult;
import dev.flightlab.bench.LatencyStats;
import dev.flightlab.bench.Phase;
import dev.flightlab.bench.PhaseResult;
import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.RecordJson;
import dev.flightlab.bench.RunResult;
import dev.flightlab.bench.Summary;
import dev.flightlab.bench.TransferOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One self-contained HTML page: setup, summary, the charts ({@link HtmlChart}), every iteration,
 * server stats and every option. The style sheet ({@code report.css}) is inlined: no scripts, no
 * external resources.
 */
public final class HtmlReport implements ReportWriter {
  private static final List<HtmlChart> CHARTS =
      List.of(
          new ThroughputPerIterationChart(),
          new LatencyDistributionChart(),
          new ThroughputAgainstSweepChart());

  @Override
  public void write(RunResult r, Writer w) throws IOException {
    PrintWriter out = new PrintWriter(w);
    String op = Html.escape(r.options().op().wireName());
    out.println("<!DOCTYPE html>");
    out.println("<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.println("<title>flightlab bench: " + op + "</title>");
    out.println("<style>" + css() + "</style></head><body>");
    out.println("<h1>flightlab bench: " + op + "</h1>");
    out.println(
        "<p class=\"sub\">"
            + Html.escape(r.options().op().description())
            + " &middot; started "
            + Html.escape(r.startedAt().toString())
            + " &middot; "
            + Html.escape(Fmt.seconds(r.elapsedNanos()))
            + " s in all</p>");
    if (!r.ok()) {
      out.println(
          "<p class=\"failed\"><b>FAILED:</b> "
              + Html.escape(r.error())
              + (r.points().isEmpty() ? "" : " (partial results below)")
              + "</p>");
    }
    out.print("<h2>Setup</h2>" + setup(r));
    summary(out, r);
    out.println("<h2>Charts</h2>");
    CHARTS.forEach(chart -> out.println(chart.render(r)));
    comparison(out, r.comparison());
    out.print("<h2>Every iteration</h2>\n" + iterations(r));
    memory(out, r);
    if (!r.notes().isEmpty()) {
      out.println("<h2>Notes</h2><ul>");
      r.notes().forEach(n -> out.println("<li>" + Html.escape(n) + "</li>"));
      out.println("</ul>");
    }
    out.print("<h2>Every option</h2>" + options(r));
    out.println("</body></html>");
    out.flush();
  }

  /** The style sheet, a resource next to this class. */
  private static String css() {
    try (InputStream in = HtmlReport.class.getResourceAsStream("report.css")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("report.css missing from the jar", e);
    }
  }

  private static HtmlTable setup(RunResult r) {
    HtmlTable t = HtmlTable.keyValue();
    if (r.server() != null) {
      t.row("Server", r.server().location() + ": " + r.server().note());
    }
    Environment e = r.environment();
    t.row("JVM", Fmt.jvm(e));
    t.row("Arrow Java", e.arrowVersion() + "; flightlab " + e.flightlabVersion());
    t.row("JVM flags", e.jvmArgs().isEmpty() ? "(none)" : String.join(" ", e.jvmArgs()));
    t.row("Command", "flightlab bench " + String.join(" ", r.commandLine()));
    BenchOptions o = r.options();
    TransferOptions transfer = o.transfer();
    t.row(
        "Streams",
        (o.sweeps().isEmpty() ? "" : "before sweeps: ")
            + o.concurrency().streams()
            + " concurrent over "
            + o.concurrency().connections()
            + " connection(s); compression "
            + transfer.compression()
            + "; client "
            + transfer.client()
            + " ("
            + transfer.client().description()
            + ")"
            + (transfer.client() == ClientKind.ARROW ? "; send wait " + transfer.sendWait() : "")
            + (transfer.batchLatency()
                ? ""
                : "; uploads without per-batch app_metadata (--no-batch-latency)"));
    t.row("Warm-up", "--warmup " + o.effectiveWarmup().text() + " (never mixed into the figures)");
    for (PointResult p : r.points()) {
      DataInfo d = p.data();
      t.row(
          "Data" + (p.label().isEmpty() ? "" : " (" + p.label() + ")"),
          d.source()
              + ", "
              + d.schemaDescription()
              + ": "
              + Fmt.count(d.rows())
              + " rows in "
              + Fmt.count(d.batches())
              + " batches; logical "
              + Fmt.bytes(d.logicalBytes())
              + ", IPC body "
              + Fmt.bytes(d.ipcBodyBytes())
              + "; prepared in "
              + Fmt.seconds(d.generationNanos())
              + " s"
              + (p.options().data().includeGeneration()
                  ? ", regenerated inside each timed iteration"
                  : ", before timing"));
    }
    return t;
  }

  private static void summary(PrintWriter out, RunResult r) {
    out.println("<h2>Summary (measured iterations only)</h2>");
    out.println(
        "<p>Throughput in MB/s (10<sup>6</sup> bytes) and MiB/s (2<sup>20</sup> bytes) of IPC"
            + " body bytes unless labelled logical; latencies in microseconds from HdrHistogram"
            + " (3 significant digits).</p>");
    HtmlTable t =
        HtmlTable.of(
            2,
            "point",
            "phase",
            "n",
            "median",
            "unit",
            "MiB/s",
            "min",
            "max",
            "spread",
            "logical MB/s",
            "rows/s",
            "batches/s",
            "p50 us",
            "p90 us",
            "p99 us",
            "p99.9 us",
            "max us");
    Set<Phase> phases = new LinkedHashSet<>();
    for (PointResult p : r.points()) {
      for (Phase phase : p.phases()) {
        phases.add(phase);
        Summary s = p.summary(phase);
        LatencyStats l = p.latencyStats(phase);
        boolean data = !p.primaryUnit(phase).equals("calls/s");
        t.row(
            p.label().isEmpty() ? "-" : p.label(),
            phase.toString(),
            Integer.toString(s.n()),
            Fmt.rate(s.median()),
            p.primaryUnit(phase),
            data ? Fmt.rate(p.summarise(phase, PhaseResult::ipcMiBps).median()) : "-",
            Fmt.rate(s.min()),
            Fmt.rate(s.max()),
            Fmt.num(s.spreadPercent(), 1) + "%",
            data ? Fmt.rate(p.summarise(phase, PhaseResult::logicalMBps).median()) : "-",
            data ? Fmt.num(p.summarise(phase, PhaseResult::rowsPerSecond).median(), 0) : "-",
            data ? Fmt.rate(p.summarise(phase, PhaseResult::batchesPerSecond).median()) : "-",
            micros(l, l.p50Nanos()),
            micros(l, l.p90Nanos()),
            micros(l, l.p99Nanos()),
            micros(l, l.p999Nanos()),
            micros(l, l.maxNanos()));
      }
    }
    out.print(t);
    out.println("<p>Latency samples:");
    phases.forEach(
        phase -> out.println("<br><b>" + phase + "</b>: " + Html.escape(phase.latencyKind())));
    out.println("</p>");
  }

  /** A latency figure in microseconds, or "-" when nothing was recorded. */
  private static String micros(LatencyStats l, double nanos) {
    return l.present() ? Fmt.micros(nanos) : "-";
  }

  /** Seconds, or "-" for a time the run does not know (-1). */
  private static String secondsOrDash(long nanos) {
    return nanos < 0 ? "-" : Fmt.seconds(nanos);
  }

  private static void comparison(PrintWriter out, Comparison c) {
    if (c == null) {
      return;
    }
    out.println(
        "<h2>Against the baseline</h2><p>"
            + Html.escape(c.baseline())
            + ": fails when a median drops more than "
            + Fmt.num(c.maxRegression() * 100, 1)
            + "%.</p>");
    if (c.noMatch() != null) {
      out.println("<p>" + Html.escape(c.noMatch()) + ": nothing compared.</p>");
      return;
    }
    HtmlTable t = HtmlTable.of(2, "point", "phase", "baseline", "now", "unit", "change", "");
    for (Comparison.Entry e : c.entries()) {
      boolean bad = e.regressed(c.maxRegression());
      t.rowOfClass(
          bad ? "regression" : null,
          e.point().isEmpty() ? "-" : e.point(),
          e.phase().toString(),
          Fmt.rate(e.baselineMedian()),
          Fmt.rate(e.currentMedian()),
          e.unit(),
          Fmt.signedPercent(e.changePercent()),
          bad ? "REGRESSION" : "ok");
    }
    out.print(t);
  }

  private static HtmlTable iterations(RunResult r) {
    HtmlTable t =
        HtmlTable.of(
            3,
            "point",
            "iter",
            "phase",
            "seconds",
            "MB/s",
            "MiB/s",
            "logical MB/s",
            "rows/s",
            "batches/s",
            "calls/s",
            "p50 us",
            "p99 us",
            "max us",
            "first batch us",
            "stream CPU s",
            "JVM CPU s",
            "JIT s",
            "server CPU s",
            "server JIT s");
    for (PointResult p : r.points()) {
      List<IterationResult> all = new ArrayList<>(p.warmups());
      all.addAll(p.iterations());
      for (IterationResult it : all) {
        for (PhaseResult ph : it.phases()) {
          LatencyStats l = ph.latency();
          LatencyStats first = ph.firstBatch();
          t.rowOfClass(
              it.warmup() ? "warmup" : null,
              p.label().isEmpty() ? "-" : p.label(),
              it.label(),
              ph.phase().toString(),
              Fmt.seconds(ph.elapsedNanos()),
              Fmt.rate(ph.ipcMBps()),
              Fmt.rate(ph.ipcMiBps()),
              Fmt.rate(ph.logicalMBps()),
              Fmt.num(ph.rowsPerSecond(), 0),
              Fmt.rate(ph.batchesPerSecond()),
              Fmt.rate(ph.callsPerSecond()),
              micros(l, l.p50Nanos()),
              micros(l, l.p99Nanos()),
              micros(l, l.maxNanos()),
              micros(first, first.p50Nanos()),
              Fmt.seconds(ph.streamCpuNanos()),
              Fmt.seconds(it.processCpuNanos()),
              secondsOrDash(it.jitNanos()),
              secondsOrDash(it.serverCpuNanos()),
              secondsOrDash(it.serverJitNanos()));
        }
      }
    }
    return t;
  }

  private static void memory(PrintWriter out, RunResult r) {
    Map<String, Long> before = r.serverStatsBefore();
    Map<String, Long> after = r.serverStatsAfter();
    if (before.isEmpty() && after.isEmpty()) {
      return;
    }
    Set<String> keys = new LinkedHashSet<>(before.keySet());
    keys.addAll(after.keySet());
    HtmlTable t = HtmlTable.of(1, "figure", "before", "after");
    for (String k : keys) {
      t.row(k, count(before.get(k)), count(after.get(k)));
    }
    out.print("<h2>Server (stats action)</h2>" + t);
  }

  private static String count(Long v) {
    return v == null ? "-" : Fmt.count(v);
  }

  /** Every option as the JSON report writes it, nested groups as dotted names. */
  private static HtmlTable options(RunResult r) {
    HtmlTable t = HtmlTable.keyValue();
    RecordJson.flatten(JsonReport.toJson(r).get("options")).forEach(t::row);
    return t;
  }
}
