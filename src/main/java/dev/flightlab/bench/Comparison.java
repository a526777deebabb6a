package dev.flightlab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * This run against a baseline run ({@code --baseline}): the median headline figure of every point
 * and phase they share, points matched by their {@link WorkloadShape}.
 *
 * @param baseline the baseline file
 * @param maxRegression the allowed drop, as a fraction
 * @param entries one per (point, phase) found in both runs
 * @param unmatched points or phases of this run the baseline lacks
 * @param noMatch why nothing of this run could be compared, in one line; null when something was
 */
public record Comparison(
    String baseline,
    double maxRegression,
    List<Entry> entries,
    List<String> unmatched,
    String noMatch) {

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
      String point, Phase phase, String unit, double baselineMedian, double currentMedian) {
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

  /** One line naming every figure that dropped beyond the threshold, with both medians. */
  public String regressions() {
    List<String> worst = new ArrayList<>();
    for (Entry e : entries) {
      if (e.regressed(maxRegression)) {
        worst.add(
            (e.point().isEmpty() ? "" : e.point() + " ")
                + e.phase()
                + String.format(
                    Locale.ROOT,
                    " %.1f %s vs %.1f (%+.1f%%)",
                    e.currentMedian(),
                    e.unit(),
                    e.baselineMedian(),
                    e.changePercent()));
      }
    }
    return String.format(Locale.ROOT, "regression beyond %.1f%%: ", maxRegression * 100)
        + String.join("; ", worst);
  }
}
