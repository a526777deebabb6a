package dev.flightlab.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Progress on stderr while a run goes on: one line, redrawn in place. Only for terminals; {@link
 * #NONE} in CI, in tests and with --quiet.
 */
public interface Progress {
  /** Shows {@code status}, with a bar filled to {@code fraction} (0..1). */
  void update(String status, double fraction);

  /** Clears the line. */
  void done();

  /** Shows nothing. */
  Progress NONE =
      new Progress() {
        @Override
        public void update(String status, double fraction) {}

        @Override
        public void done() {}
      };

  /** A progress line on {@code out}, which must be a terminal. */
  static Progress line(PrintStream out) {
    return new Progress() {
      private static final int BAR = 24;
      private int lastLength;

      @Override
      public synchronized void update(String status, double fraction) {
        double f = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(f * BAR);
        String line =
            "["
                + "#".repeat(filled)
                + ".".repeat(BAR - filled)
                + "] "
                + String.format("%3d%% ", Math.round(f * 100))
                + status;
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastLength = line.length();
      }

      @Override
      public synchronized void done() {
        if (lastLength > 0) {
          out.print("\r" + " ".repeat(lastLength) + "\r");
          out.flush();
          lastLength = 0;
        }
      }
    };
  }

  /**
   * The progress a command should show: a line on stderr when stderr is a terminal, not in CI ($CI
   * set) and not quiet.
   */
  static Progress forTerminal(boolean quiet) {
    boolean ci = System.getenv("CI") != null;
    boolean dumb = "dumb".equals(System.getenv("TERM"));
    if (quiet || ci || dumb || !stderrIsTerminal()) {
      return NONE;
    }
    return line(System.err);
  }

  /**
   * Whether stderr is a terminal: on Linux, where file descriptor 2 points; elsewhere, whether the
   * JVM has a console (which also needs stdin and stdout to be terminals).
   */
  static boolean stderrIsTerminal() {
    Path fd = Path.of("/proc/self/fd/2");
    try {
      if (Files.isSymbolicLink(fd)) {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // fall back to the console check
    }
    return System.console() != null;
  }
}
