package dev.flightlab.bench.report;

import dev.flightlab.bench.Phase;
import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.RunResult;
import dev.flightlab.bench.Summary;
import dev.flightlab.bench.Sweep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The median against the first swept parameter (whiskers min to max), one series per combination of
 * the other swept parameters and phase; a note when nothing was swept.
 */
final class ThroughputAgainstSweepChart implements HtmlChart {
  @Override
  public String render(RunResult r) {
    List<Sweep> sweeps = r.options().sweeps();
    if (sweeps.isEmpty()) {
      return "<p><i>Throughput against the swept parameter: this run swept nothing (use"
          + " <code>--sweep batch-rows=1024,4096,65536</code>), so there is one point:"
          + " see the summary.</i></p>";
    }
    String parameter = sweeps.get(0).parameter();
    List<String> values = sweeps.get(0).values();
    SvgChart chart =
        new SvgChart(
            "Throughput against " + parameter,
            parameter,
            HtmlChart.unit(r).equals("calls/s")
                ? "calls/s (median, min-max)"
                : "MB/s IPC body (median, min-max)");
    Map<String, List<SvgChart.Point>> series = new LinkedHashMap<>();
    for (PointResult p : r.points()) {
      String x = p.parameters().get(parameter);
      StringBuilder others = new StringBuilder();
      p.parameters()
          .forEach(
              (k, v) -> {
                if (!k.equals(parameter)) {
                  others.append(others.length() == 0 ? "" : " ").append(k).append('=').append(v);
                }
              });
      for (Phase phase : p.phases()) {
        Summary s = p.summary(phase);
        if (s.n() == 0) {
          continue;
        }
        String name = (others.length() == 0 ? "" : others + " ") + phase;
        String tip =
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
                + ")";
        series
            .computeIfAbsent(name, k -> new ArrayList<>())
            .add(new SvgChart.Point(values.indexOf(x), s.median(), s.min(), s.max(), tip, false));
      }
    }
    series.forEach((name, points) -> chart.add(new SvgChart.Series(name, points)));
    for (int i = 0; i < values.size(); i++) {
      chart.tick(i, values.get(i));
    }
    return chart.render();
  }
}
