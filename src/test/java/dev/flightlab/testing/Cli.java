package dev.flightlab.testing;

import dev.flightlab.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code flightlab ARGS...} in this JVM, as Main does, and captures what it printed. */
public final class Cli {
  private Cli() {}

  /** What one command printed and returned. */
  public record Run(int exit, String out, String err) {
    /** Standard output, a line each. */
    public List<String> outLines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** Standard error, a line each. */
    public List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }
  }

  /** Runs {@code flightlab args...}, capturing standard output and error. */
  public static Run run(String... args) {
    return run(Main.commandLineFor(args), args);
  }

  /**
   * Runs {@code args} on {@code cli} (from {@link Main#commandLine()}, perhaps with a test's own
   * subcommand added), capturing standard output and error.
   */
  public static Run run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** Runs {@code flightlab command --server server args...}. */
  public static Run against(String server, String command, String... args) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.add("--server");
    all.add(server);
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }
}
