package dev.flightlab.bench.report;

import dev.flightlab.bench.Metrics;
import java.util.Locale;

/** Number formatting shared by the human-readable writers (text and HTML); locale-independent. */
final class Fmt {
  private Fmt() {}

  /** {@code 1234.5} as "1,234.5" ({@code decimals} places). */
  static String num(double v, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  /** A whole number with thousands separators. */
  static String count(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  /** A rate with a sensible number of decimals: 3 below 10, 1 below 10,000, else none. */
  static String rate(double v) {
    double a = Math.abs(v);
    return num(v, a < 10 ? 3 : a < 10_000 ? 1 : 0);
  }

  /** Nanoseconds as microseconds with one decimal below 100, none above. */
  static String micros(double nanos) {
    double us = Metrics.micros(nanos);
    return num(us, us < 100 ? 1 : 0);
  }

  /** Nanoseconds as seconds with three decimals. */
  static String seconds(long nanos) {
    return num(Metrics.seconds(nanos), 3);
  }

  /** Bytes as "320.00 MB (305.18 MiB)". */
  static String bytes(long bytes) {
    return mb(bytes) + " (" + num(bytes / Metrics.MIB, 2) + " MiB)";
  }

  /** Bytes as "320.00 MB". */
  static String mb(long bytes) {
    if (bytes >= 1_000_000_000L) {
      return num(bytes / 1e9, 2) + " GB";
    }
    return num(bytes / Metrics.MB, 2) + " MB";
  }

  /** A percentage with one decimal and a sign. */
  static String signedPercent(double p) {
    return String.format(Locale.ROOT, "%+.1f%%", p);
  }
}
