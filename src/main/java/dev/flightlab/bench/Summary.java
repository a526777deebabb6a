package dev.flightlab.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Median, min, max, mean and spread of one figure over the measured iterations.
 *
 * @param n values summarised
 * @param median the median (mean of the middle two for an even count)
 * @param min smallest
 * @param max largest
 * @param mean arithmetic mean
 * @param stddev sample standard deviation (0 for one value)
 */
public record Summary(int n, double median, double min, double max, double mean, double stddev) {

  /** The summary of nothing. */
  public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0);

  /** Summarises {@code values}. */
  public static Summary of(List<Double> values) {
    if (values.isEmpty()) {
      return EMPTY;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    double sum = 0;
    for (double v : sorted) {
      sum += v;
    }
    double mean = sum / n;
    double squares = 0;
    for (double v : sorted) {
      squares += (v - mean) * (v - mean);
    }
    double stddev = n > 1 ? Math.sqrt(squares / (n - 1)) : 0.0;
    return new Summary(n, median, sorted.get(0), sorted.get(n - 1), mean, stddev);
  }

  /** (max - min) / median, in percent: how far apart the iterations were. */
  public double spreadPercent() {
    return Metrics.percent(max - min, median);
  }
}
