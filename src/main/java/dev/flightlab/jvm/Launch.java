package dev.flightlab.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How this process was launched: when, and with which JVM flags. Cheap to ask (no management beans,
 * whose classes a starting server would otherwise load before it listens).
 */
public final class Launch {
  private static final Path CMDLINE = Path.of("/proc/self/cmdline");

  private Launch() {}

  /** Time since the OS started this process, or empty where it cannot tell. */
  public static Optional<Duration> sinceLaunch() {
    return ProcessHandle.current()
        .info()
        .startInstant()
        .map(start -> Duration.between(start, Instant.now()));
  }

  /**
   * The JVM flags this process was started with that change how it compiles, collects and shares
   * classes ({@code -XX:...}, {@code -Xshare...}, {@code -Xint}, {@code -Xcomp}), in order; empty
   * where {@code /proc/self/cmdline} cannot be read.
   */
  public static List<String> vmFlags() {
    try {
      return vmFlags(new String(Files.readAllBytes(CMDLINE), StandardCharsets.UTF_8).split("\0"));
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }

  static List<String> vmFlags(String[] commandLine) {
    List<String> flags = new ArrayList<>();
    // Argument 0 is the java binary; the JVM's own options end at -jar, -cp or the main class.
    for (int i = 1; i < commandLine.length; i++) {
      String arg = commandLine[i];
      if (arg.equals("-jar")
          || arg.equals("-cp")
          || arg.equals("-classpath")
          || !arg.startsWith("-")) {
        break;
      }
      if (arg.startsWith("-XX:")
          || arg.startsWith("-Xshare")
          || arg.equals("-Xint")
          || arg.equals("-Xcomp")) {
        flags.add(arg);
      }
    }
    return flags;
  }
}
