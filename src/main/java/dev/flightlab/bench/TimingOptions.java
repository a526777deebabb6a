package dev.flightlab.bench;

import java.time.Duration;

/**
 * How long to warm up and how much to measure.
 *
 * @param warmup what to run before measuring
 * @param iterations measured iterations (unless {@code duration} is set)
 * @param duration measure for at least this long instead of a count of iterations, or null
 */
public record TimingOptions(Warmup warmup, int iterations, Duration duration) {
  /** Every default: {@code auto} warm-up, then 5 measured iterations. */
  public static final TimingOptions DEFAULTS =
      new TimingOptions(Warmup.parse(Warmup.DEFAULT), 5, null);

  public TimingOptions {
    if (iterations < 1) {
      throw new IllegalArgumentException("--iterations must be at least 1, got " + iterations);
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("--duration must be positive, got " + duration);
    }
  }
}
