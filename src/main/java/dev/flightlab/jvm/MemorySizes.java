package dev.flightlab.jvm;

import io.netty.util.internal.PlatformDependent;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints byte sizes, and knows how much direct memory the JVM allows. */
public final class MemorySizes {
  private static final Pattern SIZE =
      Pattern.compile(
          "(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib|%)?\\s*");

  /** Share of the JVM's direct memory the store may hold unless told otherwise. */
  public static final double DEFAULT_DIRECT_MEMORY_SHARE = 0.75;

  private MemorySizes() {}

  /**
   * Parses "512m", "2GiB", "1.5g", "1000000" or "60%" (of the JVM's direct memory) into bytes.
   * k/m/g/t and KiB/MiB/GiB/TiB are powers of 1024; kB/MB/GB/TB are powers of 1000.
   */
  public static long parse(String text) {
    return parse(text, false);
  }

  /** Like {@link #parse(String)}, but 0 (in any unit: 0, 0MiB, 0.0g) is allowed: none. */
  public static long parseOrZero(String text) {
    return parse(text, true);
  }

  private static long parse(String text, boolean zeroAllowed) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a size: '" + text + "' (examples: 512m, 2GiB, 1.5g, 60%)");
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    double bytes =
        switch (unit.equals("%") ? "%" : unit.toLowerCase(Locale.ROOT)) {
          case "%" -> maxDirectMemory() * value / 100.0;
          case "k", "kib" -> value * (1L << 10);
          case "m", "mib" -> value * (1L << 20);
          case "g", "gib" -> value * (1L << 30);
          case "t", "tib" -> value * (1L << 40);
          case "kb" -> value * 1e3;
          case "mb" -> value * 1e6;
          case "gb" -> value * 1e9;
          case "tb" -> value * 1e12;
          default -> value;
        };
    if (unit.equals("%") && (value <= 0 || value > 100)) {
      throw new IllegalArgumentException("a share of direct memory must be in (0, 100]%: " + text);
    }
    if (zeroAllowed && bytes == 0) {
      return 0;
    }
    if (bytes < 1) {
      throw new IllegalArgumentException("size must be at least 1 byte: '" + text + "'");
    }
    return (long) bytes;
  }

  /** The most direct memory this JVM may allocate, in bytes (-XX:MaxDirectMemorySize). */
  public static long maxDirectMemory() {
    return PlatformDependent.maxDirectMemory();
  }

  /** The default store limit: a share of the JVM's direct memory that leaves room for streams. */
  public static long defaultMemoryLimit() {
    return (long) (maxDirectMemory() * DEFAULT_DIRECT_MEMORY_SHARE);
  }

  /** Prints bytes in binary units: "1.50 GiB", "512.00 MiB", "100 B". */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.2f %s", v, units[i]);
  }
}
