package dev.flightlab.bench;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A latency distribution's summary, in nanoseconds, read from an HdrHistogram (3 significant
 * digits: each percentile is exact to within 0.1%).
 *
 * @param count samples recorded
 * @param minNanos smallest
 * @param meanNanos mean
 * @param p50Nanos median
 * @param p90Nanos 90th percentile
 * @param p95Nanos 95th percentile (the C++ benchmark's)
 * @param p99Nanos 99th percentile
 * @param p999Nanos 99.9th percentile
 * @param maxNanos largest
 */
public record LatencyStats(
    long count,
    long minNanos,
    double meanNanos,
    long p50Nanos,
    long p90Nanos,
    long p95Nanos,
    long p99Nanos,
    long p999Nanos,
    long maxNanos) {

  /** No samples. */
  public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** Significant digits every histogram keeps. */
  public static final int SIGNIFICANT_DIGITS = 3;

  /** A new histogram for nanosecond latencies (auto-resizing). */
  public static Histogram newHistogram() {
    return new Histogram(SIGNIFICANT_DIGITS);
  }

  /** The summary of {@code h} (EMPTY when it holds nothing). */
  public static LatencyStats of(Histogram h) {
    if (h == null || h.getTotalCount() == 0) {
      return EMPTY;
    }
    return new LatencyStats(
        h.getTotalCount(),
        h.getMinValue(),
        h.getMean(),
        h.getValueAtPercentile(50),
        h.getValueAtPercentile(90),
        h.getValueAtPercentile(95),
        h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9),
        h.getMaxValue());
  }

  /** True when there are samples. */
  public boolean present() {
    return count > 0;
  }

  /**
   * The percentile distribution of {@code h}, as HdrHistogram's own percentile output lists it
   * (five steps per halving of the distance to 100%).
   *
   * @return pairs of (percentile 0..100, value in nanoseconds), percentile ascending
   */
  public static List<double[]> distribution(Histogram h) {
    List<double[]> out = new ArrayList<>();
    if (h == null || h.getTotalCount() == 0) {
      return out;
    }
    for (HistogramIterationValue v : h.percentiles(5)) {
      double p = v.getPercentileLevelIteratedTo();
      long value = h.highestEquivalentValue(v.getValueIteratedTo());
      if (!out.isEmpty() && out.get(out.size() - 1)[0] == p) {
        continue;
      }
      out.add(new double[] {p, value});
      if (p >= 100.0) {
        break;
      }
    }
    return out;
  }
}
