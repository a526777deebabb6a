package dev.flightlab.bench.report;

import dev.flightlab.bench.IterationResult;
import dev.flightlab.bench.Phase;
import dev.flightlab.bench.PhaseResult;
import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.RunResult;
import java.util.ArrayList;
import java.util.List;

/** Every iteration's headline figure; warm-ups hollow, in a shaded region left of 1. */
final class ThroughputPerIterationChart implements HtmlChart {
  @Override
  public String render(RunResult r) {
    SvgChart chart =
        new SvgChart(
            "Throughput per iteration",
            "iteration (warm-ups left of 1, hollow)",
            HtmlChart.unit(r).equals("calls/s") ? "calls/s" : "MB/s (IPC body)");
    int maxWarm = 0;
    int maxMeasured = 0;
    for (PointResult p : r.points()) {
      maxWarm = Math.max(maxWarm, p.warmups().size());
      maxMeasured = Math.max(maxMeasured, p.iterations().size());
      for (Phase phase : p.phases()) {
        List<SvgChart.Point> points = new ArrayList<>();
        int w = p.warmups().size();
        for (IterationResult it : p.warmups()) {
          PhaseResult ph = it.phase(phase);
          if (ph != null) {
            points.add(
                new SvgChart.Point(
                    it.index() - w, ph.primary(), Double.NaN, Double.NaN, tip(p, it, ph), true));
          }
        }
        for (IterationResult it : p.iterations()) {
          PhaseResult ph = it.phase(phase);
          if (ph != null) {
            points.add(SvgChart.Point.of(it.index(), ph.primary(), tip(p, it, ph)));
          }
        }
        chart.add(new SvgChart.Series(HtmlChart.seriesName(p, phase), points));
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

  private static String tip(PointResult p, IterationResult it, PhaseResult ph) {
    return HtmlChart.seriesName(p, ph.phase())
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
}
