package dev.flightlab.bench.report;

import dev.flightlab.bench.LatencyStats;
import dev.flightlab.bench.Metrics;
import dev.flightlab.bench.Phase;
import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The merged latency distribution of each phase: x on a "nines" scale, y logarithmic. */
final class LatencyDistributionChart implements HtmlChart {
  private static final String[] NINES = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};

  @Override
  public String render(RunResult r) {
    SvgChart chart =
        new SvgChart(
                "Latency percentile distribution (measured iterations)",
                "percentile (the last point of each series is its maximum)",
                "latency (us, log scale)")
            .logY();
    int maxNines = 2;
    for (PointResult p : r.points()) {
      for (Map.Entry<Phase, Histogram> e : p.latency().entrySet()) {
        String name = HtmlChart.seriesName(p, e.getKey());
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
                  name
                      + (d[0] >= 100.0 ? ": max = " : ": p" + Fmt.num(d[0], 3) + " = ")
                      + Fmt.micros(d[1])
                      + " us"));
        }
        if (!points.isEmpty()) {
          chart.add(new SvgChart.Series(name, points));
        }
      }
    }
    chart.tick(0, NINES[0]);
    chart.tick(-Math.log10(0.5), "50%");
    for (int i = 1; i <= Math.min(maxNines, 5); i++) {
      chart.tick(i, NINES[i]);
    }
    return chart.render();
  }
}
