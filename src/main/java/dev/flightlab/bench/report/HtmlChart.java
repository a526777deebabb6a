package dev.flightlab.bench.report;

import dev.flightlab.bench.PointResult;
import dev.flightlab.bench.RunResult;

/** One chart of the HTML report, drawn from a run's results as inline SVG (or a note why not). */
interface HtmlChart {
  /** The chart's markup. */
  String render(RunResult r);

  /** A series' name: the point's label (when swept) and the phase. */
  static String seriesName(PointResult p, Object phase) {
    return (p.label().isEmpty() ? "" : p.label() + " ") + phase;
  }

  /** The headline unit of the run: MB/s, or calls/s when no phase moves data. */
  static String unit(RunResult r) {
    for (PointResult p : r.points()) {
      if (!p.phases().isEmpty()) {
        return p.primaryUnit(p.phases().get(0));
      }
    }
    return "MB/s";
  }
}
