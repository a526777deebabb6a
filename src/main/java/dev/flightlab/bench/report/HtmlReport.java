package dev.flightlab.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.bench.BenchOptions;
import dev.flightlab.bench.ClientKind;
import dev.flightlab.bench.Comparison;
import dev.flightlab.bench.Environment;
import dev.flightlab.bench.IterationResult;
import dev.flightlab.bench.LatencyStats;
import dev.flightlab.bench.Metrics;
import dev.flightlab.bench.PhaseResult;
import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.RunResult;
import dev.flightlab.bench.Summary;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One self-contained HTML file: setup, summary, three inline SVG charts (throughput per iteration,
 * latency percentile distribution, throughput against the swept parameter), every iteration, and
 * every option. No scripts, no external resources.
 */
public final class HtmlReport implements ReportWriter {
  private static final String STYLE =
      """
      body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px;
             color: #222; max-width: 1100px; }
      h1 { font-size: 22px; margin-bottom: 4px; }
      h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
      p.sub { color: #555; margin-top: 0; }
      table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
      th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: right; }
      th { background: #f5f5f5; }
      td.l, th.l { text-align: left; }
      tr.warmup td { color: #888; }
      .failed { background: #fde8e8; border: 1px solid #e0a0a0; padding: 8px 12px; }
      .regression { color: #b00020; font-weight: bold; }
      svg.chart { display: block; margin: 12px 0; border: 1px solid #eee; }
      svg .title { font-size: 14px; font-weight: bold; fill: #222; }
      svg .tick { font-size: 11px; fill: #555; }
      svg .label { font-size: 12px; fill: #333; }
      svg .legend { font-size: 12px; fill: #333; }
      svg .note { font-size: 11px; fill: #777; }
      svg .grid { stroke: #e6e6e6; stroke-width: 1; }
      svg .axis { stroke: #888; stroke-width: 1; }
      code { background: #f5f5f5; padding: 1px 4px; }
      """;

  @Override
  public void write(RunResult r, Writer w) throws IOException {
    PrintWriter out = new PrintWriter(w);
    BenchOptions o = r.options();
    out.println("<!DOCTYPE html>");
    out.println("<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.println("<title>flightlab bench: " + Html.escape(o.op().wireName()) + "</title>");
    out.println("<style>" + STYLE + "</style></head><body>");
    out.println("<h1>flightlab bench: " + Html.escape(o.op().wireName()) + "</h1>");
    out.println(
        "<p class=\"sub\">"
            + Html.escape(o.op().description())
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
    setup(out, r);
    summary(out, r);
    out.println("<h2>Charts</h2>");
    out.println(throughputPerIteration(r));
    out.println(latencyDistribution(r));
    out.println(throughputAgainstSweep(r));
    comparison(out, r.comparison());
    iterations(out, r);
    memory(out, r);
    if (!r.notes().isEmpty()) {
      out.println("<h2>Notes</h2><ul>");
      for (String n : r.notes()) {
        out.println("<li>" + Html.escape(n) + "</li>");
      }
      out.println("</ul>");
    }
    options(out, r);
    out.println("</body></html>");
    out.flush();
  }

  private static void setup(PrintWriter out, RunResult r) {
    out.println("<h2>Setup</h2><table>");
    if (r.server() != null) {
      row(out, "Server", r.server().location() + ": " + r.server().note());
    }
    Environment e = r.environment();
    row(out, "JVM", Fmt.jvm(e));
    row(out, "Arrow Java", e.arrowVersion() + "; flightlab " + e.flightlabVersion());
    row(out, "JVM flags", e.jvmArgs().isEmpty() ? "(none)" : String.join(" ", e.jvmArgs()));
    row(out, "Command", "flightlab bench " + String.join(" ", r.commandLine()));
    BenchOptions o = r.options();
    row(
        out,
        "Streams",
        (o.sweeps().isEmpty() ? "" : "before sweeps: ")
            + o.streams()
            + " concurrent over "
            + o.connections()
            + " connection(s); compression "
            + o.compression()
            + "; client "
            + o.client()
            + " ("
            + o.client().description()
            + ")"
            + (o.client() == ClientKind.ARROW ? "; send wait " + o.sendWait() : ""));
    row(
        out,
        "Warm-up",
        "--warmup " + o.effectiveWarmup().text() + " (never mixed into the figures)");
    for (PointResult p : r.points()) {
      var d = p.data();
      row(
          out,
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
              + (p.options().includeGeneration()
                  ? ", regenerated inside each timed iteration"
                  : ", before timing"));
    }
    out.println("</table>");
  }

  private static void row(PrintWriter out, String key, String value) {
    out.println(
        "<tr><th class=\"l\">"
            + Html.escape(key)
            + "</th><td class=\"l\">"
            + Html.escape(value)
            + "</td></tr>");
  }

  private static void summary(PrintWriter out, RunResult r) {
    out.println("<h2>Summary (measured iterations only)</h2>");
    out.println(
        "<p>Throughput in MB/s (10<sup>6</sup> bytes) and MiB/s (2<sup>20</sup> bytes) of IPC"
            + " body bytes unless labelled logical; latencies in microseconds from HdrHistogram"
            + " (3 significant digits).</p>");
    out.println("<table><tr>");
    for (String h :
        List.of(
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
            "max us")) {
      out.print(
          "<th"
              + (h.equals("point") || h.equals("phase") ? " class=\"l\"" : "")
              + ">"
              + Html.escape(h)
              + "</th>");
    }
    out.println("</tr>");
    Map<String, String> kinds = new LinkedHashMap<>();
    for (PointResult p : r.points()) {
      for (String phase : p.phaseNames()) {
        Summary s = p.summary(phase);
        LatencyStats l = p.latencyStats(phase);
        boolean data = !p.primaryUnit(phase).equals("calls/s");
        PhaseResult any = p.firstPhase(phase);
        List<String> cells =
            List.of(
                p.label().isEmpty() ? "-" : p.label(),
                phase,
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
                l.present() ? Fmt.micros(l.p50Nanos()) : "-",
                l.present() ? Fmt.micros(l.p90Nanos()) : "-",
                l.present() ? Fmt.micros(l.p99Nanos()) : "-",
                l.present() ? Fmt.micros(l.p999Nanos()) : "-",
                l.present() ? Fmt.micros(l.maxNanos()) : "-");
        if (any != null) {
          kinds.putIfAbsent(phase, any.latencyKind());
        }
        out.print("<tr>");
        for (int i = 0; i < cells.size(); i++) {
          boolean left = i < 2;
          out.print(
              "<td" + (left ? " class=\"l\"" : "") + ">" + Html.escape(cells.get(i)) + "</td>");
        }
        out.println("</tr>");
      }
    }
    out.println("</table>");
    out.println("<p>Latency samples:");
    kinds.forEach(
        (phase, kind) ->
            out.println("<br><b>" + Html.escape(phase) + "</b>: " + Html.escape(kind)));
    out.println("</p>");
  }

  /** Chart 1: every iteration's headline figure; warm-ups hollow, in the shaded region. */
  static String throughputPerIteration(RunResult r) {
    String unit = unit(r);
    SvgChart chart =
        new SvgChart(
            "Throughput per iteration",
            "iteration (warm-ups left of 1, hollow)",
            unit.equals("calls/s") ? "calls/s" : "MB/s (IPC body)");
    int maxWarm = 0;
    int maxMeasured = 0;
    for (PointResult p : r.points()) {
      maxWarm = Math.max(maxWarm, p.warmups().size());
      maxMeasured = Math.max(maxMeasured, p.iterations().size());
      for (String phase : p.phaseNames()) {
        List<SvgChart.Point> points = new ArrayList<>();
        int w = p.warmups().size();
        for (IterationResult it : p.warmups()) {
          PhaseResult ph = it.phase(phase);
          if (ph != null) {
            points.add(
                new SvgChart.Point(
                    it.index() - w,
                    ph.primary(),
                    Double.NaN,
                    Double.NaN,
                    tip(p, phase, it, ph),
                    true));
          }
        }
        for (IterationResult it : p.iterations()) {
          PhaseResult ph = it.phase(phase);
          if (ph != null) {
            points.add(SvgChart.Point.of(it.index(), ph.primary(), tip(p, phase, it, ph)));
          }
        }
        chart.add(new SvgChart.Series(seriesName(p, phase), points));
      }
    }
    if (maxWarm > 0) {
      chart.shade(0.5 - maxWarm, 0.5, "warm-up");
    }
    int step = Math.max(1, maxMeasured / 12);
    for (int i = 1; i <= maxMeasured; i += step) {
      chart.tick(i, Integer.toString(i));
    }
    return chart.render();
  }

  private static String tip(PointResult p, String phase, IterationResult it, PhaseResult ph) {
    return seriesName(p, phase)
        + ", iteration "
        + it.label()
        + ": "
        + Fmt.rate(ph.primary())
        + " "
        + ph.primaryUnit()
        + " in "
        + Fmt.seconds(ph.elapsedNanos())
        + " s";
  }

  private static String seriesName(PointResult p, String phase) {
    return (p.label().isEmpty() ? "" : p.label() + " ") + phase;
  }

  private static String unit(RunResult r) {
    for (PointResult p : r.points()) {
      for (String phase : p.phaseNames()) {
        return p.primaryUnit(phase);
      }
    }
    return "MB/s";
  }

  /** Chart 2: the merged latency distribution, x on a "nines" scale, y logarithmic. */
  static String latencyDistribution(RunResult r) {
    SvgChart chart =
        new SvgChart(
                "Latency percentile distribution (measured iterations)",
                "percentile (the last point of each series is its maximum)",
                "latency (us, log scale)")
            .logY();
    int maxNines = 2;
    for (PointResult p : r.points()) {
      for (Map.Entry<String, org.HdrHistogram.Histogram> e : p.latency().entrySet()) {
        List<SvgChart.Point> points = new ArrayList<>();
        double lastX = 0;
        for (double[] d : LatencyStats.distribution(e.getValue())) {
          // 100% is infinitely far on this scale: the maximum goes one decade past the last
          // percentile below it.
          double x =
              d[0] >= 100.0
                  ? Math.min(5, Math.floor(lastX) + 1)
                  : -Math.log10(1 - Math.min(d[0], 99.999) / 100.0);
          lastX = Math.max(lastX, x);
          maxNines = Math.max(maxNines, (int) Math.ceil(x - 1e-9));
          points.add(
              SvgChart.Point.of(
                  x,
                  Metrics.micros(d[1]),
                  seriesName(p, e.getKey())
                      + (d[0] >= 100.0 ? ": max = " : ": p" + Fmt.num(d[0], 3) + " = ")
                      + Fmt.micros(d[1])
                      + " us"));
        }
        if (!points.isEmpty()) {
          chart.add(new SvgChart.Series(seriesName(p, e.getKey()), points));
        }
      }
    }
    String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    chart.tick(0, labels[0]);
    chart.tick(-Math.log10(0.5), "50%");
    for (int i = 1; i <= Math.min(maxNines, 5); i++) {
      chart.tick(i, labels[i]);
    }
    return chart.render();
  }

  /**
   * Chart 3: the median against the first swept parameter (whiskers min to max), one series per
   * combination of the other swept parameters and phase.
   */
  static String throughputAgainstSweep(RunResult r) {
    BenchOptions o = r.options();
    if (o.sweeps().isEmpty()) {
      return "<p><i>Throughput against the swept parameter: this run swept nothing (use"
          + " <code>--sweep batch-rows=1024,4096,65536</code>), so there is one point:"
          + " see the summary.</i></p>";
    }
    String parameter = o.sweeps().get(0).parameter();
    List<String> values = o.sweeps().get(0).values();
    String unit = unit(r);
    SvgChart chart =
        new SvgChart(
            "Throughput against " + parameter,
            parameter,
            unit.equals("calls/s")
                ? "calls/s (median, min-max)"
                : "MB/s IPC body (median, min-max)");
    Map<String, List<SvgChart.Point>> series = new LinkedHashMap<>();
    for (PointResult p : r.points()) {
      String x = p.parameters().get(parameter);
      int index = values.indexOf(x);
      StringBuilder rest = new StringBuilder();
      for (Iterator<Map.Entry<String, String>> it = p.parameters().entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<String, String> e = it.next();
        if (!e.getKey().equals(parameter)) {
          rest.append(rest.length() == 0 ? "" : " ")
              .append(e.getKey())
              .append('=')
              .append(e.getValue());
        }
      }
      for (String phase : p.phaseNames()) {
        Summary s = p.summary(phase);
        if (s.n() == 0) {
          continue;
        }
        String name = (rest.length() == 0 ? "" : rest + " ") + phase;
        series
            .computeIfAbsent(name, k -> new ArrayList<>())
            .add(
                new SvgChart.Point(
                    index,
                    s.median(),
                    s.min(),
                    s.max(),
                    name
                        + ", "
                        + parameter
                        + "="
                        + x
                        + ": median "
                        + Fmt.rate(s.median())
                        + " "
                        + p.primaryUnit(phase)
                        + " (min "
                        + Fmt.rate(s.min())
                        + ", max "
                        + Fmt.rate(s.max())
                        + ")",
                    false));
      }
    }
    series.forEach((name, points) -> chart.add(new SvgChart.Series(name, points)));
    for (int i = 0; i < values.size(); i++) {
      chart.tick(i, values.get(i));
    }
    return chart.render();
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
            + "%.</p><table><tr><th class=\"l\">point</th><th class=\"l\">phase</th>"
            + "<th>baseline</th><th>now</th><th>unit</th><th>change</th><th></th></tr>");
    for (Comparison.Entry e : c.entries()) {
      boolean bad = e.regressed(c.maxRegression());
      out.println(
          "<tr><td class=\"l\">"
              + Html.escape(e.point().isEmpty() ? "-" : e.point())
              + "</td><td class=\"l\">"
              + Html.escape(e.phase())
              + "</td><td>"
              + Fmt.rate(e.baselineMedian())
              + "</td><td>"
              + Fmt.rate(e.currentMedian())
              + "</td><td>"
              + Html.escape(e.unit())
              + "</td><td>"
              + Fmt.signedPercent(e.changePercent())
              + "</td><td"
              + (bad ? " class=\"regression\">REGRESSION" : ">ok")
              + "</td></tr>");
    }
    out.println("</table>");
  }

  /** Seconds, or "-" for a time the run does not know (-1). */
  private static String secondsOrDash(long nanos) {
    return nanos < 0 ? "-" : Fmt.seconds(nanos);
  }

  private static void iterations(PrintWriter out, RunResult r) {
    out.println("<h2>Every iteration</h2>");
    out.println(
        "<table><tr><th class=\"l\">point</th><th class=\"l\">iter</th><th class=\"l\">phase"
            + "</th><th>seconds</th><th>MB/s</th><th>MiB/s</th><th>logical MB/s</th>"
            + "<th>rows/s</th><th>batches/s</th><th>calls/s</th><th>p50 us</th><th>p99 us</th>"
            + "<th>max us</th><th>first batch us</th><th>stream CPU s</th><th>JVM CPU s</th>"
            + "<th>JIT s</th><th>server CPU s</th><th>server JIT s</th></tr>");
    for (PointResult p : r.points()) {
      List<IterationResult> all = new ArrayList<>(p.warmups());
      all.addAll(p.iterations());
      for (IterationResult it : all) {
        for (PhaseResult ph : it.phases()) {
          LatencyStats l = ph.latency();
          out.println(
              "<tr"
                  + (it.warmup() ? " class=\"warmup\"" : "")
                  + "><td class=\"l\">"
                  + Html.escape(p.label().isEmpty() ? "-" : p.label())
                  + "</td><td class=\"l\">"
                  + it.label()
                  + "</td><td class=\"l\">"
                  + Html.escape(ph.name())
                  + "</td><td>"
                  + Fmt.seconds(ph.elapsedNanos())
                  + "</td><td>"
                  + Fmt.rate(ph.ipcMBps())
                  + "</td><td>"
                  + Fmt.rate(ph.ipcMiBps())
                  + "</td><td>"
                  + Fmt.rate(ph.logicalMBps())
                  + "</td><td>"
                  + Fmt.num(ph.rowsPerSecond(), 0)
                  + "</td><td>"
                  + Fmt.rate(ph.batchesPerSecond())
                  + "</td><td>"
                  + Fmt.rate(ph.callsPerSecond())
                  + "</td><td>"
                  + (l.present() ? Fmt.micros(l.p50Nanos()) : "-")
                  + "</td><td>"
                  + (l.present() ? Fmt.micros(l.p99Nanos()) : "-")
                  + "</td><td>"
                  + (l.present() ? Fmt.micros(l.maxNanos()) : "-")
                  + "</td><td>"
                  + (ph.firstBatch().present() ? Fmt.micros(ph.firstBatch().p50Nanos()) : "-")
                  + "</td><td>"
                  + Fmt.seconds(ph.streamCpuNanos())
                  + "</td><td>"
                  + Fmt.seconds(it.processCpuNanos())
                  + "</td><td>"
                  + secondsOrDash(it.jitNanos())
                  + "</td><td>"
                  + secondsOrDash(it.serverCpuNanos())
                  + "</td><td>"
                  + secondsOrDash(it.serverJitNanos())
                  + "</td></tr>");
        }
      }
    }
    out.println("</table>");
  }

  private static void memory(PrintWriter out, RunResult r) {
    if (r.serverStatsBefore().isEmpty() && r.serverStatsAfter().isEmpty()) {
      return;
    }
    out.println(
        "<h2>Server (stats action)</h2><table><tr><th class=\"l\">figure</th>"
            + "<th>before</th><th>after</th></tr>");
    List<String> keys = new ArrayList<>(r.serverStatsBefore().keySet());
    for (String k : r.serverStatsAfter().keySet()) {
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    for (String k : keys) {
      Long b = r.serverStatsBefore().get(k);
      Long a = r.serverStatsAfter().get(k);
      out.println(
          "<tr><td class=\"l\">"
              + Html.escape(k)
              + "</td><td>"
              + (b == null ? "-" : Fmt.count(b))
              + "</td><td>"
              + (a == null ? "-" : Fmt.count(a))
              + "</td></tr>");
    }
    out.println("</table>");
  }

  private static void options(PrintWriter out, RunResult r) {
    out.println("<h2>Every option</h2><table>");
    JsonNode options = JsonReport.toJson(r).get("options");
    options
        .fields()
        .forEachRemaining(
            e ->
                row(
                    out,
                    e.getKey(),
                    e.getValue().isNull()
                        ? "-"
                        : e.getValue().isValueNode()
                            ? e.getValue().asText()
                            : e.getValue().toString()));
    out.println("</table>");
  }
}
