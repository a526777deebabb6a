package dev.flightlab.cli;

import dev.flightlab.bench.Baseline;
import dev.flightlab.bench.BenchOptions;
import dev.flightlab.bench.BenchRunner;
import dev.flightlab.bench.Comparison;
import dev.flightlab.bench.Op;
import dev.flightlab.bench.Progress;
import dev.flightlab.bench.RunResult;
import dev.flightlab.bench.Sweep;
import dev.flightlab.bench.report.ReportOutputs;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flightlab bench}: measures DoPut, DoGet, DoExchange and metadata calls; see docs/bench.md.
 *
 * <p>Its flags fill {@link BenchOptions} field by field ({@link BenchFlags}). Exit codes: 0 done, 1
 * the benchmark failed (partial results still written), 2 bad flags, 3 a regression beyond
 * --max-regression.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measure the throughput and latency of Arrow Flight calls.",
      "DoPut, DoGet, DoExchange and metadata calls, at any data shape and concurrency.",
      "Starts a server in this JVM unless --server names one; --server-process starts",
      "it as a separate JVM. Data is generated before timing; warm-up iterations are",
      "reported apart and never mixed into the figures. MB = 10^6 bytes, MiB = 2^20 bytes.",
      "Exit codes: 0 ok, 1 failure (partial results written), 2 bad flags,",
      "3 regression beyond --max-regression. See docs/bench.md.",
      ""
    })
public final class BenchCommand implements Callable<Integer> {
  /** Exit code for a regression beyond --max-regression. */
  public static final int EXIT_REGRESSION = 3;

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--op",
      converter = BenchFlags.OpConverter.class,
      description =
          "put, get, exchange, roundtrip, metadata or seed (the original demo's 100 DoPuts)."
              + " Default: ${DEFAULT-VALUE}.")
  Op op = BenchOptions.DEFAULTS.op();

  @ArgGroup(validate = false, heading = "Data:%n")
  BenchFlags.Data data = new BenchFlags.Data();

  @ArgGroup(validate = false, heading = "Concurrency:%n")
  BenchFlags.Concurrency concurrency = new BenchFlags.Concurrency();

  @ArgGroup(validate = false, heading = "Warm-up and measurement:%n")
  BenchFlags.Timing timing = new BenchFlags.Timing();

  @ArgGroup(validate = false, heading = "Server:%n")
  BenchFlags.Target target = new BenchFlags.Target();

  @ArgGroup(validate = false, heading = "Client:%n")
  BenchFlags.Transfer transfer = new BenchFlags.Transfer();

  @ArgGroup(validate = false, heading = "Output:%n")
  BenchFlags.Output output = new BenchFlags.Output();

  @Option(
      names = "--sweep",
      paramLabel = "PARAM=V1,V2",
      converter = BenchFlags.SweepConverter.class,
      description =
          "Run the grid of several parameters' values, e.g. --sweep batch-rows=1024,65536"
              + " --sweep streams=1,2,4. Sweepable: batch-rows, rows, streams, connections,"
              + " compression, client, schema (values separated by ';').")
  List<Sweep> sweeps = new ArrayList<>(BenchOptions.DEFAULTS.sweeps());

  @Option(
      names = "--metadata-calls",
      description =
          "metadata: GetFlightInfo and ListFlights calls per stream and iteration."
              + " Default: ${DEFAULT-VALUE}.")
  int metadataCalls = BenchOptions.DEFAULTS.metadataCalls();

  @Mixin BenchFlags.Logging logging;

  /** The options these flags describe, checked. */
  BenchOptions options() {
    return RecordFlags.toRecord(this, BenchOptions.class);
  }

  @Override
  public Integer call() {
    Main.setLogLevel(logging.logLevel);
    BenchOptions options;
    Baseline baseline;
    try {
      options = options();
      baseline =
          options.output().baseline() == null ? null : Baseline.load(options.output().baseline());
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Progress progress = Progress.forTerminal(options.output().quiet());
    RunResult result = new BenchRunner(options, commandLine(), progress).run();
    if (baseline != null) {
      result = result.withComparison(baseline.compare(result, options.output().maxRegression()));
    }
    String writeError = ReportOutputs.write(result, options.output(), spec.commandLine().getOut());
    String failure = result.ok() ? writeError : result.error();
    Comparison c = result.comparison();
    String line =
        failure != null
            ? failure
            : c == null ? null : c.regressed() ? c.regressions() : c.noMatch();
    if (line != null) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("flightlab bench: " + line);
      err.flush();
    }
    return failure != null ? Main.EXIT_FAILURE : c != null && c.regressed() ? EXIT_REGRESSION : 0;
  }

  /** The arguments as given, with the auth token masked. */
  private List<String> commandLine() {
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    List<String> args = new ArrayList<>();
    for (int i = original.indexOf(spec.name()) + 1; i < original.size(); i++) {
      String a = original.get(i);
      args.add(a.startsWith("--auth-token=") ? "--auth-token=***" : a);
      if (a.equals("--auth-token") && i + 1 < original.size()) {
        args.add("***");
        i++;
      }
    }
    return args;
  }
}
