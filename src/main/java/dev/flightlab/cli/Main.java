package dev.flightlab.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.arrow.flight.FlightRuntimeException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExecutionException;

/** The {@code flightlab} command: picocli root of every subcommand. */
@Command(
    name = "flightlab",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A fast Apache Arrow Flight dataset server, client, demo and benchmark.")
public final class Main implements Runnable {
  /**
   * Every subcommand, by name, in the order help lists them. {@link #run} builds only the one it
   * runs: picocli instantiates and reflects over every command it is given, and the bench's
   * defaults alone load Arrow's schema classes and Jackson, time {@code serve} would spend before
   * it listens.
   */
  private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> all = new LinkedHashMap<>();
    all.put("serve", ServeCommand.class);
    all.put("demo", DemoCommand.class);
    all.put("ls", LsCommand.class);
    all.put("info", InfoCommand.class);
    all.put("get", GetCommand.class);
    all.put("put", PutCommand.class);
    all.put("drop", DropCommand.class);
    all.put("actions", ActionsCommand.class);
    all.put("bench", BenchCommand.class);
    all.put("help", CommandLine.HelpCommand.class);
    return Collections.unmodifiableMap(all);
  }

  /** Exit code for a failed command (server error, bad file, lost connection). */
  public static final int EXIT_FAILURE = 1;

  /** Exit code for bad flags or arguments. */
  public static final int EXIT_USAGE = 2;

  private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R\\s*");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the CLI and exits with its code. */
  public static void main(String[] args) {
    int exit;
    try {
      prepareJvm();
      exit = run(args);
    } catch (Throwable t) {
      // Only a failure outside any command (the commands' own are handled in run) gets here.
      System.err.println("flightlab: " + describe(t));
      if (Arrays.asList(args).contains("--verbose")) {
        t.printStackTrace();
      }
      exit = EXIT_FAILURE;
    }
    System.exit(exit);
  }

  /** Runs the CLI and returns its exit code (tests call this). */
  public static int run(String... args) {
    return commandLineFor(args).execute(args);
  }

  /**
   * The command line for these arguments: only the subcommand they name when the first one is a
   * subcommand's name (help aside, which lists them all), else the whole tree.
   */
  public static CommandLine commandLineFor(String... args) {
    if (args.length > 0 && SUBCOMMANDS.containsKey(args[0]) && !args[0].equals("help")) {
      return commandLine(Set.of(args[0]));
    }
    return commandLine();
  }

  /** The configured picocli command line, with every subcommand. */
  public static CommandLine commandLine() {
    return commandLine(SUBCOMMANDS.keySet());
  }

  private static CommandLine commandLine(Set<String> names) {
    CommandLine cli = new CommandLine(new Main());
    SUBCOMMANDS.forEach(
        (name, command) -> {
          if (names.contains(name)) {
            cli.addSubcommand(name, command);
          }
        });
    cli.setExecutionStrategy(Main::executeReportingErrors);
    cli.setExecutionExceptionHandler(Main::handleFailure);
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("flightlab: " + ex.getMessage());
          err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return EXIT_USAGE;
        });
    SystemProperties.addToHelp(cli.getCommandSpec());
    for (String tuned : List.of("serve", "demo")) {
      CommandLine sub = cli.getSubcommands().get(tuned);
      if (sub != null) {
        SystemProperties.addToHelp(sub.getCommandSpec());
      }
    }
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Sets JVM properties that must be in place before Netty or Arrow load. */
  static void prepareJvm() {
    // JDK 24+: Netty 4.2 stops using sun.misc.Unsafe by default, and Arrow's Netty allocator
    // needs the buffer addresses it gives (FLIGHT-NOTES.md).
    if (Runtime.version().feature() >= 24 && System.getProperty("io.netty.noUnsafe") == null) {
      System.setProperty("io.netty.noUnsafe", "false");
    }
    // Lets Netty take pool chunks through the DirectByteBuffer constructor (the jar opens
    // java.nio), not ByteBuffer.allocateDirect, which zeroes every new chunk on the data path.
    if (System.getProperty("io.netty.tryReflectionSetAccessible") == null) {
      System.setProperty("io.netty.tryReflectionSetAccessible", "true");
    }
    // Netty's leak sampling records a stack trace per sampled buffer on the data path, and our own
    // allocators account for every Arrow buffer; -Dio.netty.leakDetection.level=... brings it back.
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    // With its JFR events on, Netty 4.2 starts JDK Flight Recorder's event runtime even when
    // nothing records: code a cold JVM (the demo) must compile. -Dio.netty.jfr.enabled=true
    // brings it back.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
  }

  /** Sets the root log level ("info", "debug", "warn"...). */
  static void setLogLevel(String level) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level parsed = Level.toLevel(level, null);
    if (parsed == null) {
      throw new CommandLine.ParameterException(
          new CommandLine(new Main()),
          "unknown log level '" + level + "' (trace, debug, info, warn, error)");
    }
    root.setLevel(parsed);
  }

  /**
   * Runs the command picocli parsed; an {@link Error} it throws comes back as an {@link
   * ExecutionException}, because picocli hands only {@link Exception}s to {@link #handleFailure}.
   */
  private static int executeReportingErrors(CommandLine.ParseResult parseResult) {
    try {
      return new CommandLine.RunLast().execute(parseResult);
    } catch (Error e) {
      List<CommandLine> commands = parseResult.asCommandLineList();
      throw new ExecutionException(commands.get(commands.size() - 1), e.toString(), e);
    }
  }

  private static int handleFailure(
      Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
    Throwable failure =
        ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
    // --verbose belongs to the subcommand that failed, not to the root's parse result.
    boolean verbose = cli.getParseResult().hasMatchedOption("--verbose");
    PrintWriter err = cli.getErr();
    err.println("flightlab " + cli.getCommandName() + ": " + describe(failure));
    if (verbose) {
      failure.printStackTrace(err);
    }
    err.flush();
    // A bad argument found while running (a malformed path, size or mode) is a usage error.
    return failure instanceof IllegalArgumentException ? EXIT_USAGE : EXIT_FAILURE;
  }

  /**
   * One line saying what went wrong: the Flight status and its message, or the exception's (an
   * {@link Error}'s with its class, as "Java heap space" alone says little), line breaks folded.
   */
  static String describe(Throwable ex) {
    if (ex instanceof FlightRuntimeException f) {
      return oneLine(f.status().code() + ": " + f.status().description());
    }
    if (ex.getCause() instanceof FlightRuntimeException f) {
      return describe(f);
    }
    String message = ex.getMessage();
    String name = ex.getClass().getSimpleName();
    if (message == null || message.isBlank()) {
      return name;
    }
    return oneLine(ex instanceof Error ? name + ": " + message : message);
  }

  private static String oneLine(String text) {
    return LINE_BREAKS.matcher(withoutTraceback(text).strip()).replaceAll(" ");
  }

  private static final String PYTHON_TRACEBACK = "Traceback (most recent call last):";

  /**
   * A server's message without the remote stack trace some servers append (pyarrow sends the Python
   * traceback after "Detail: Python exception:"; Java servers "\tat ..." frames): the message
   * itself, then the remote exception's type in brackets.
   */
  static String withoutTraceback(String text) {
    int traceback = text.indexOf(PYTHON_TRACEBACK);
    if (traceback >= 0) {
      String head = text.substring(0, traceback).strip();
      head = head.replaceFirst("\\.?\\s*Detail:\\s*Python exception:$", "").strip();
      String[] lines = text.substring(traceback).strip().split("\\R");
      String last = lines[lines.length - 1].strip();
      int colon = last.indexOf(':');
      String type = colon > 0 ? last.substring(0, colon) : last;
      if (head.isEmpty()) {
        return last;
      }
      return head + " [remote " + type + "]";
    }
    StringBuilder kept = new StringBuilder();
    for (String line : text.split("\\R")) {
      String t = line.strip();
      if (t.startsWith("at ") && line.length() > t.length() || t.matches("\\.\\.\\. \\d+ more")) {
        continue;
      }
      kept.append(line).append('\n');
    }
    return kept.toString();
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "flightlab " + (v == null ? "(development build)" : v),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
