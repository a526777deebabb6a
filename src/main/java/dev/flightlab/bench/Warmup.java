package dev.flightlab.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much to run before measuring ({@code --warmup}): a number of iterations, a duration, an
 * amount of IPC body bytes moved, or {@code auto}.
 *
 * <p>Warm-up iterations are whole iterations: a duration or byte budget is met by the first
 * iteration that reaches it, never by cutting one short. {@code auto} means 3 GB and at least 15 s
 * for workloads that move data, then on until the JIT has gone quiet: until neither JVM (the
 * bench's, and a flightlab server's in its own JVM) spent more than 10% of the last 5 s of warm-up
 * compiling, within 90 s in all. The bytes are where Arrow Java Flight reaches its steady state
 * (FLIGHT-NOTES.md); the time floor and the JIT check are there because a fast data plane moves
 * them long before the JIT has finished compiling. {@code metadata} warms up with 3 iterations, and
 * {@code seed} with none: its original ran cold.
 *
 * @param kind what {@code amount} counts
 * @param amount iterations, nanoseconds or bytes
 * @param text the flag as given, for reports
 */
public record Warmup(Kind kind, long amount, String text) {
  /** The unit of a warm-up budget. */
  public enum Kind {
    /** Resolved per workload, see the class comment. */
    AUTO,
    /** Whole iterations. */
    ITERATIONS,
    /** Nanoseconds of warm-up iterations. */
    NANOS,
    /** IPC body bytes moved by warm-up iterations. */
    BYTES,
    /** IPC body bytes moved, and at least {@link #AUTO_MIN_NANOS} of warm-up ({@code auto}). */
    BYTES_AND_TIME
  }

  /** The default, {@code auto}. */
  public static final String DEFAULT = "auto";

  /** Bytes {@code auto} warms up with on workloads that move data: 3 GB. */
  public static final long AUTO_BYTES = 3_000_000_000L;

  /** The least time {@code auto} warms up for on workloads that move data: 15 s. */
  public static final long AUTO_MIN_NANOS = 15_000_000_000L;

  /** The JIT share of recent warm-up above which {@code auto} warms up on: 10%. */
  public static final double AUTO_JIT_SHARE = 0.10;

  /** The recent warm-up whose JIT share {@code auto} looks at: the last 5 s (whole iterations). */
  public static final long AUTO_JIT_WINDOW_NANOS = 5_000_000_000L;

  /** The most time {@code auto} waits for the JIT to go quiet: 90 s of warm-up in all. */
  public static final long AUTO_MAX_NANOS = 90_000_000_000L;

  /** Iterations {@code auto} warms up with on {@code metadata}. */
  public static final int AUTO_METADATA_ITERATIONS = 3;

  private static final Pattern AMOUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");

  public Warmup {
    if (amount < 0) {
      throw new IllegalArgumentException("--warmup must not be negative: " + text);
    }
  }

  /** No warm-up. */
  public static Warmup none() {
    return new Warmup(Kind.ITERATIONS, 0, "0");
  }

  /** {@code n} warm-up iterations. */
  public static Warmup iterations(int n) {
    return new Warmup(Kind.ITERATIONS, n, Integer.toString(n));
  }

  /**
   * Parses {@code auto}, {@code 3} (iterations), {@code 10s}, {@code 500ms}, {@code 2m}, {@code
   * 3GB}, {@code 512MiB}, {@code 100MB}...
   */
  public static Warmup parse(String text) {
    String t = text.trim();
    if (t.equalsIgnoreCase("auto")) {
      return new Warmup(Kind.AUTO, 0, "auto");
    }
    Matcher m = AMOUNT.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "bad --warmup '" + text + "' (examples: auto, 3, 10s, 500ms, 3GB, 512MiB)");
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2);
    String lower = unit.toLowerCase(Locale.ROOT);
    if (unit.isEmpty()) {
      if (number != Math.rint(number)) {
        throw new IllegalArgumentException(
            "bad --warmup '" + text + "': a count of iterations must be whole");
      }
      return new Warmup(Kind.ITERATIONS, (long) number, t);
    }
    long nanosPerUnit =
        switch (lower) {
          case "ms" -> 1_000_000L;
          case "s" -> 1_000_000_000L;
          case "m", "min" -> 60_000_000_000L;
          default -> 0;
        };
    if (nanosPerUnit > 0) {
      return new Warmup(Kind.NANOS, (long) (number * nanosPerUnit), t);
    }
    long bytesPerUnit = byteUnit(unit);
    if (bytesPerUnit == 0) {
      throw new IllegalArgumentException(
          "bad --warmup '"
              + text
              + "': unknown unit '"
              + unit
              + "' (ms, s, m; B, KB, MB, GB, KiB, MiB, GiB)");
    }
    return new Warmup(Kind.BYTES, (long) (number * bytesPerUnit), t);
  }

  private static long byteUnit(String unit) {
    return switch (unit.toLowerCase(Locale.ROOT)) {
      case "b" -> 1;
      case "kb" -> 1_000L;
      case "mb" -> 1_000_000L;
      case "gb" -> 1_000_000_000L;
      case "kib" -> 1L << 10;
      case "mib" -> 1L << 20;
      case "gib" -> 1L << 30;
      default -> 0;
    };
  }

  /** This budget with {@code auto} made concrete for {@code op}. */
  public Warmup resolve(Op op) {
    if (kind != Kind.AUTO) {
      return this;
    }
    return switch (op) {
      case SEED -> new Warmup(Kind.ITERATIONS, 0, "auto (none: the original ran cold)");
      case METADATA ->
          new Warmup(
              Kind.ITERATIONS,
              AUTO_METADATA_ITERATIONS,
              "auto (" + AUTO_METADATA_ITERATIONS + " iterations)");
      default ->
          new Warmup(
              Kind.BYTES_AND_TIME,
              AUTO_BYTES,
              "auto (3 GB of IPC body bytes and at least 15 s, then until the last 5 s spent at"
                  + " most 10% compiling, 90 s at most)");
    };
  }

  /**
   * True when warm-up should run another iteration.
   *
   * @param done warm-up iterations run so far
   * @param elapsedNanos their total time
   * @param bytes the IPC body bytes they moved
   */
  public boolean wantsMore(int done, long elapsedNanos, long bytes) {
    return wantsMore(done, elapsedNanos, bytes, -1);
  }

  /**
   * True when warm-up should run another iteration.
   *
   * @param done warm-up iterations run so far
   * @param elapsedNanos their total time
   * @param bytes the IPC body bytes they moved
   * @param recentJitShare the share of the last {@link #AUTO_JIT_WINDOW_NANOS} of warm-up that the
   *     busier JVM spent compiling, -1 when unknown (then {@code auto} does not wait on the JIT)
   */
  public boolean wantsMore(int done, long elapsedNanos, long bytes, double recentJitShare) {
    return switch (kind) {
      case AUTO -> throw new IllegalStateException("resolve() the warm-up first");
      case ITERATIONS -> done < amount;
      case NANOS -> elapsedNanos < amount;
      // An iteration that moved nothing would never meet a byte budget: stop.
      case BYTES -> bytes < amount && (done == 0 || bytes > 0);
      case BYTES_AND_TIME ->
          (done == 0 || bytes > 0)
              && (bytes < amount
                  || elapsedNanos < AUTO_MIN_NANOS
                  || recentJitShare > AUTO_JIT_SHARE && elapsedNanos < AUTO_MAX_NANOS);
    };
  }

  @Override
  public String toString() {
    return text;
  }
}
