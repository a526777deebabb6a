package dev.flightlab.cli;

import dev.flightlab.jvm.MemorySizes;
import dev.flightlab.memory.Allocators;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code flightlab.*} system properties: each one's name, default and meaning, listed in the
 * help of the commands they tune.
 *
 * <p>They are read once, when the class that uses them loads, so they are JVM flags ({@code
 * -Dname=value}) rather than command flags.
 */
final class SystemProperties {
  /** One system property, as help describes it. */
  record Property(String name, String defaultValue, String meaning) {}

  /** Every system property flightlab reads. */
  static final List<Property> ALL =
      List.of(
          new Property(
              Allocators.BLOCK_CACHE_PROPERTY,
              bytes(Allocators.DEFAULT_BLOCK_CACHE_BYTES),
              "Freed exact-size blocks kept for reuse, in bytes in all; 0 turns the cache off."),
          new Property(
              Allocators.PREFAULT_PROPERTY,
              bytes(Allocators.DEFAULT_PREFAULT_BYTES),
              "Blocks of sizes that recur are faulted in ahead of need while the block cache"
                  + " holds less than this, in bytes; 0 turns it off."),
          new Property(
              Allocators.EXACT_THRESHOLD_PROPERTY,
              bytes(Allocators.DEFAULT_EXACT_THRESHOLD_BYTES),
              "Buffers of at least this many bytes are allocated at their exact size (in 4 KiB"
                  + " pages) rather than from Netty's pools."),
          // Read by wire.NettyTransport.
          new Property(
              "flightlab.maxFrameBytes",
              "262144 between processes, 16777215 within one JVM",
              "Largest HTTP/2 frame every connection asks its peer to send, 16384 to 16777215"
                  + " bytes."),
          // Read by wire.NettyTransport.
          new Property(
              "flightlab.transport",
              "epoll where it loads",
              "nio: Java NIO instead of Netty's native epoll transport."),
          // Read by store.SegmentFormat.
          new Property(
              "flightlab.mapChunkBytes",
              bytes(1L << 30),
              "With --data-dir, the largest region of a segment file mapped at once, in bytes (at"
                  + " most 2 GiB - 1)."));

  private static final int WIDTH = 80;

  private SystemProperties() {}

  /** Adds the list of system properties to the end of {@code command}'s help. */
  static void addToHelp(CommandSpec command) {
    command
        .usageMessage()
        .footerHeading(
            "%nSystem properties (java -Dname=value; for ./flightlab, in FLIGHTLAB_JAVA_OPTS):%n")
        .footer(footer().toArray(String[]::new));
  }

  /** The list as help lines, meanings wrapped beside the names. */
  static List<String> footer() {
    int nameWidth = ALL.stream().mapToInt(p -> p.name().length()).max().orElse(0) + 4;
    List<String> lines = new ArrayList<>();
    for (Property p : ALL) {
      List<String> text =
          wrap(p.meaning() + " Default: " + p.defaultValue() + ".", WIDTH - nameWidth);
      for (int i = 0; i < text.size(); i++) {
        String label = i == 0 ? "  " + p.name() : "";
        // Help lines are format strings: a literal % must be doubled.
        lines.add(String.format("%-" + nameWidth + "s%s", label, text.get(i)).replace("%", "%%"));
      }
    }
    return lines;
  }

  private static String bytes(long bytes) {
    return bytes + " (" + MemorySizes.format(bytes) + ")";
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
