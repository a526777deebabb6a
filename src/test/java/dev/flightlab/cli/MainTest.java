package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.testing.Cli;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** How Main ends a failed command: one line on stderr, an exit code, a trace only if asked. */
class MainTest {
  /** A command that fails with whatever it is given. */
  @Command(name = "fail")
  static final class FailingCommand implements Callable<Integer> {
    private final Supplier<Throwable> failure;

    @Option(names = "--verbose")
    boolean verbose;

    FailingCommand(Supplier<Throwable> failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      Throwable t = failure.get();
      if (t instanceof Error e) {
        throw e;
      }
      throw (Exception) t;
    }
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(
            (Supplier<Throwable>) () -> new OutOfMemoryError("Java heap space"),
            "flightlab fail: OutOfMemoryError: Java heap space"),
        Arguments.of(
            (Supplier<Throwable>) StackOverflowError::new, "flightlab fail: StackOverflowError"),
        Arguments.of(
            (Supplier<Throwable>) () -> new AssertionError("unreachable"),
            "flightlab fail: AssertionError: unreachable"),
        Arguments.of(
            (Supplier<Throwable>) () -> new IllegalStateException("store is closed"),
            "flightlab fail: store is closed"),
        Arguments.of(
            (Supplier<Throwable>)
                () -> new UncheckedIOException(new java.io.IOException("disk full")),
            "flightlab fail: java.io.IOException: disk full"),
        Arguments.of(
            (Supplier<Throwable>) () -> new IllegalStateException("first line\n  second line\n"),
            "flightlab fail: first line second line"));
  }

  private static Cli.Run runFailing(Supplier<Throwable> failure, String... args) {
    CommandLine cli = Main.commandLine();
    cli.addSubcommand("fail", new FailingCommand(failure));
    String[] all = Stream.concat(Stream.of("fail"), Stream.of(args)).toArray(String[]::new);
    return Cli.run(cli, all);
  }

  @ParameterizedTest
  @MethodSource("failures")
  void everyFailureEndsInOneLineOnStderrAndExitCodeOne(
      Supplier<Throwable> failure, String expected) {
    Cli.Run run = runFailing(failure);
    assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).containsExactly(expected);
  }

  @ParameterizedTest
  @MethodSource("failures")
  void verboseAddsTheStackTraceAfterTheLine(Supplier<Throwable> failure, String expected) {
    Cli.Run run = runFailing(failure, "--verbose");
    assertThat(run.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(run.errLines().get(0)).isEqualTo(expected);
    assertThat(run.errLines()).hasSizeGreaterThan(2);
    assertThat(run.err()).contains("\tat " + FailingCommand.class.getName() + ".call");
  }

  @Test
  void aSubcommandRunsWithOnlyItselfBuiltAndHelpListsThemAll() {
    // Building the bench command loads Arrow's schema classes and Jackson: serve must not pay it.
    assertThat(Main.commandLineFor("serve", "--port", "0").getSubcommands().keySet())
        .containsExactly("serve");
    assertThat(Main.commandLineFor("--help").getSubcommands().keySet())
        .containsExactly(
            "serve", "demo", "ls", "info", "get", "put", "drop", "actions", "bench", "help");
    assertThat(Main.commandLineFor("help", "serve").getSubcommands()).hasSize(10);
    assertThat(Main.commandLineFor().getSubcommands()).hasSize(10);
  }

  @Test
  void subcommandHelpStillNamesTheWholeCommand() {
    Cli.Run run = Cli.run(Main.commandLineFor("ls", "--help"), "ls", "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("Usage: flightlab ls");
  }
}
