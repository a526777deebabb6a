package dev.flightlab.bench;

/**
 * The arithmetic behind every figure the benchmark reports, in one place.
 *
 * <p>MB is 10^6 bytes and MiB is 2^20 bytes; rates are per second of wall-clock time.
 */
public final class Metrics {
  /** Bytes in a megabyte (MB). */
  public static final double MB = 1_000_000.0;

  /** Bytes in a mebibyte (MiB). */
  public static final double MIB = 1024.0 * 1024.0;

  private static final double NANOS_PER_SECOND = 1e9;

  private Metrics() {}

  /** Seconds in {@code nanos}. */
  public static double seconds(long nanos) {
    return nanos / NANOS_PER_SECOND;
  }

  /** Events per second: {@code count} over {@code nanos}; 0 when no time passed. */
  public static double perSecond(double count, long nanos) {
    return nanos <= 0 ? 0.0 : count * NANOS_PER_SECOND / nanos;
  }

  /** Megabytes (10^6) per second. */
  public static double megabytesPerSecond(long bytes, long nanos) {
    return perSecond(bytes, nanos) / MB;
  }

  /** Mebibytes (2^20) per second. */
  public static double mebibytesPerSecond(long bytes, long nanos) {
    return perSecond(bytes, nanos) / MIB;
  }

  /** Microseconds in {@code nanos}. */
  public static double micros(double nanos) {
    return nanos / 1_000.0;
  }

  /**
   * The original demo's throughput: MiB (2^20 bytes, which it labelled "MB") of Arrow IPC stream
   * over the summed time of the DoPut calls.
   */
  public static double seedMegabytesPerSecond(long ipcStreamBytes, long summedCallNanos) {
    return summedCallNanos <= 0 ? 0.0 : (ipcStreamBytes / MIB) / seconds(summedCallNanos);
  }

  /** {@code part} of {@code whole} in percent; 0 when whole is 0. */
  public static double percent(double part, double whole) {
    return whole == 0 ? 0.0 : part * 100.0 / whole;
  }
}
