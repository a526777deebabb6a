package dev.flightlab.bench;

import java.util.List;

/**
 * This run against a baseline run ({@code --baseline}): the median headline figure of every point
 * and phase they share.
 *
 * @param baseline the baseline file
 * @param maxRegression the allowed drop, as a fraction
 * @param entries one per (point, phase) found in both runs
 * @param unmatched points or phases of this run the baseline lacks
 */
public record Comparison(
    String baseline, double maxRegression, List<Entry> entries, List<String> unmatched) {

  public Comparison {
    entries = List.copyOf(entries);
    unmatched = List.copyOf(unmatched);
  }

  /**
   * One compared figure.
   *
   * @param point the point's label ("" without sweeps)
   * @param phase the phase
   * @param unit the figure's unit (MB/s or calls/s)
   * @param baselineMedian the baseline's median
   * @param currentMedian this run's median
   */
  public record Entry(
      String point, String phase, String unit, double baselineMedian, double currentMedian) {
    /** The change in percent (negative: slower). */
    public double changePercent() {
      return baselineMedian == 0 ? 0 : (currentMedian - baselineMedian) * 100.0 / baselineMedian;
    }

    /** True when this figure dropped by more than {@code maxRegression}. */
    public boolean regressed(double maxRegression) {
      return baselineMedian > 0 && currentMedian < baselineMedian * (1.0 - maxRegression);
    }
  }

  /** True when some figure dropped beyond the threshold. */
  public boolean regressed() {
    return entries.stream().anyMatch(e -> e.regressed(maxRegression));
  }
}
