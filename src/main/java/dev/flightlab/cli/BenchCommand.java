package dev.flightlab.cli;

import dev.flightlab.bench.Baseline;
import dev.flightlab.bench.BenchOptions;
import dev.flightlab.bench.BenchOptions.Defaults;
import dev.flightlab.bench.BenchRunner;
import dev.flightlab.bench.ClientKind;
import dev.flightlab.bench.Comparison;
import dev.flightlab.bench.Op;
import dev.flightlab.bench.Progress;
import dev.flightlab.bench.RunResult;
import dev.flightlab.bench.SendWait;
import dev.flightlab.bench.Sweep;
import dev.flightlab.bench.Warmup;
import dev.flightlab.bench.report.HtmlReport;
import dev.flightlab.bench.report.ReportWriter;
import dev.flightlab.bench.report.TextReport;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.wire.IpcCompression;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flightlab bench}: measures DoPut, DoGet, DoExchange and metadata calls; see docs/bench.md.
 *
 * <p>Exit codes: 0 done, 1 the benchmark failed (partial results still written), 2 bad flags, 3 a
 * regression beyond --max-regression.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measure the throughput and latency of Arrow Flight calls.",
      "DoPut, DoGet, DoExchange and metadata calls, at any data shape and concurrency.",
      "Starts a server in this JVM unless --server names one; --server-process starts",
      "it as a separate JVM.",
      "Data is generated before timing; warm-up iterations are reported apart and",
      "never mixed into the figures. MB = 10^6 bytes, MiB = 2^20 bytes.",
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
      defaultValue = Defaults.OP,
      description =
          "put, get, exchange, roundtrip, metadata or seed (the original demo's 100 DoPuts)."
              + " Default: ${DEFAULT-VALUE}.")
  String op;

  @Option(
      names = "--server",
      description = "Measure this running server (grpc://, grpc+tls://) instead of starting one.")
  URI server;

  @Option(
      names = "--server-process",
      description =
          "Start the server as a separate JVM (same flags as this one) instead of inside this"
              + " JVM: numbers closer to a real deployment.")
  boolean serverProcess;

  @Option(
      names = "--auth-token",
      defaultValue = "${env:FLIGHTLAB_AUTH_TOKEN}",
      description =
          "Bearer token to send; a server the benchmark starts requires it (default:"
              + " $FLIGHTLAB_AUTH_TOKEN).")
  String authToken;

  @Option(
      names = "--tls-trusted-certs",
      description = "PEM file of certificates to trust for grpc+tls:// servers.")
  Path tlsTrustedCerts;

  @Option(
      names = "--tls-cert",
      description = "PEM certificate chain: the started server serves grpc+tls (and is trusted).")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key for --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--schema",
      defaultValue = Defaults.SCHEMA,
      description =
          "Schema spec of the generated data, e.g. int64x4, 'int64,utf8,float64',"
              + " 'id:int64,tags:list<utf8>', 'decimal128(20,4)', 'timestamp(us,UTC)',"
              + " 'dictionary<utf8>'. Default: ${DEFAULT-VALUE}.")
  String schema;

  @Option(
      names = "--data-file",
      description = "Send this Arrow IPC file (or stream) instead of generated data.")
  Path dataFile;

  @Option(
      names = "--rows",
      defaultValue = "" + Defaults.ROWS,
      description = "Rows per stream. Default: ${DEFAULT-VALUE}.")
  long rows;

  @Option(
      names = "--batch-rows",
      defaultValue = "" + Defaults.BATCH_ROWS,
      description = "Rows per record batch. Default: ${DEFAULT-VALUE}.")
  int batchRows;

  @Option(
      names = "--seed",
      defaultValue = "" + Defaults.SEED,
      description =
          "Generator seed; stream i uses seed+i. Same seed, same bytes. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--null-fraction",
      defaultValue = "" + Defaults.NULL_FRACTION,
      description = "Share of null values, 0..1. Default: ${DEFAULT-VALUE}.")
  double nullFraction;

  @Option(
      names = "--string-length",
      defaultValue = "" + Defaults.STRING_LENGTH,
      description =
          "Average length of generated strings/binaries in bytes. Default: ${DEFAULT-VALUE}.")
  int stringLength;

  @Option(
      names = "--cardinality",
      defaultValue = "" + Defaults.CARDINALITY,
      description =
          "Most distinct values per column (dictionary size), 0 = unbounded."
              + " Default: ${DEFAULT-VALUE}.")
  long cardinality;

  @Option(
      names = "--include-generation",
      description = "Regenerate the data inside every timed iteration (put, exchange).")
  boolean includeGeneration;

  @Option(
      names = "--streams",
      defaultValue = "" + Defaults.STREAMS,
      description = "Concurrent streams, each with its own data. Default: ${DEFAULT-VALUE}.")
  int streams;

  @Option(
      names = "--connections",
      defaultValue = "" + Defaults.CONNECTIONS,
      description =
          "Client connections the streams share (stream i uses connection i mod n)."
              + " Default: ${DEFAULT-VALUE}.")
  int connections;

  @Option(
      names = "--warmup",
      defaultValue = Defaults.WARMUP,
      description =
          "Before measuring: N iterations, a duration (10s, 500ms) or bytes moved (3GB, 512MiB);"
              + " auto = 3 GB and at least 15 s, then until the JIT is quiet (at most 10%% of the last"
              + " 5 s compiling, 90 s at most), 3 iterations for metadata, none for"
              + " seed. Default: ${DEFAULT-VALUE}.")
  String warmup;

  @Option(
      names = "--iterations",
      defaultValue = "" + Defaults.ITERATIONS,
      description = "Measured iterations. Default: ${DEFAULT-VALUE}.")
  int iterations;

  @Option(
      names = "--duration",
      description = "Measure for at least this long (e.g. 30s, 2m) instead of --iterations.")
  String duration;

  @Option(
      names = "--compression",
      defaultValue = Defaults.COMPRESSION,
      description =
          "IPC body compression of the batches sent: none, lz4, zstd or zstd:LEVEL; uploads"
              + " (put), and downloads (get, roundtrip) with --client flightlab from a flightlab"
              + " server. Default: ${DEFAULT-VALUE}.")
  String compression;

  @Option(
      names = "--client",
      defaultValue = Defaults.CLIENT,
      description =
          "Client that moves the data: flightlab (its own data plane, as flightlab put/get and"
              + " the demo use) or arrow (Arrow Java's FlightClient as shipped). DoExchange and"
              + " metadata calls always use Arrow's. Default: ${DEFAULT-VALUE}.")
  String client;

  @Option(
      names = "--send-wait",
      defaultValue = Defaults.SEND_WAIT,
      description =
          "--client arrow: how senders wait while gRPC's buffer is full: park (check isReady,"
              + " sleep ~20 us) or spin (putNext as shipped: a busy loop). Default:"
              + " ${DEFAULT-VALUE}.")
  String sendWait;

  @Option(
      names = "--sweep",
      paramLabel = "PARAM=V1,V2",
      description =
          "Run the grid of several parameters' values, e.g. --sweep batch-rows=1024,65536"
              + " --sweep streams=1,2,4. Sweepable: batch-rows, rows, streams, connections,"
              + " compression, client, schema (values separated by ';').")
  List<String> sweeps = new ArrayList<>();

  @Option(
      names = "--path-prefix",
      defaultValue = Defaults.PATH_PREFIX,
      description = "Where the benchmark's datasets go on the server. Default: ${DEFAULT-VALUE}.")
  String pathPrefix;

  @Option(
      names = "--dataset",
      description = "get: read this existing dataset instead of uploading generated data first.")
  String dataset;

  @Option(names = "--keep", description = "Leave the benchmark's datasets on the server.")
  boolean keep;

  @Option(
      names = "--metadata-calls",
      defaultValue = "" + Defaults.METADATA_CALLS,
      description =
          "metadata: GetFlightInfo and ListFlights calls per stream and iteration."
              + " Default: ${DEFAULT-VALUE}.")
  int metadataCalls;

  @Option(
      names = "--format",
      description =
          "text, json or csv, on stdout or into --output (default: from --output's extension,"
              + " else text).")
  String format;

  @Option(
      names = {"-o", "--output"},
      description = "Write the results here (in --format); stdout still gets the table.")
  Path output;

  @Option(
      names = "--report",
      description = "Write a self-contained HTML report with charts to this file.")
  Path report;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress bar; no table on stdout when --output is given.")
  boolean quiet;

  @Option(
      names = "--baseline",
      description = "Compare with an earlier run's JSON results (exit 3 on a regression).")
  Path baseline;

  @Option(
      names = "--max-regression",
      defaultValue = Defaults.MAX_REGRESSION,
      description =
          "The drop in a median throughput that fails --baseline (e.g. 10%%, 0.1)."
              + " Default: 10%%.")
  String maxRegression;

  @Option(
      names = "--log-level",
      defaultValue = "warn",
      description = "trace, debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
  String logLevel;

  @Option(names = "--verbose", description = "Print stack traces on failure.")
  boolean verbose;

  /** The options these flags describe. */
  BenchOptions options() {
    BenchOptions.Builder b = BenchOptions.defaults().toBuilder();
    b.op = Op.parse(op);
    b.server = server;
    b.serverProcess = serverProcess;
    b.authToken = ClientMixin.emptyToNull(authToken);
    b.tlsTrustedCerts = tlsTrustedCerts;
    b.tlsCert = tlsCert;
    b.tlsKey = tlsKey;
    b.schema = schema;
    b.dataFile = dataFile;
    b.rows = rows;
    b.batchRows = batchRows;
    b.seed = seed;
    b.nullFraction = nullFraction;
    b.stringLength = stringLength;
    b.cardinality = cardinality;
    b.includeGeneration = includeGeneration;
    b.streams = streams;
    b.connections = connections;
    b.warmup = Warmup.parse(warmup);
    b.iterations = iterations;
    b.duration = duration == null ? null : ServeCommand.Durations.parse(duration);
    b.compression = IpcCompression.parse(compression);
    b.sendWait = SendWait.parse(sendWait);
    b.client = ClientKind.parse(client);
    List<Sweep> parsed = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String s : sweeps) {
      Sweep sweep = Sweep.parse(s);
      if (!seen.add(sweep.parameter())) {
        throw new IllegalArgumentException("--sweep " + sweep.parameter() + " given twice");
      }
      parsed.add(sweep);
    }
    b.sweeps = parsed;
    b.pathPrefix = pathPrefix;
    b.dataset = dataset;
    b.keep = keep;
    b.metadataCalls = metadataCalls;
    b.output = output;
    b.format = outputFormat();
    b.report = report;
    b.quiet = quiet;
    b.baseline = baseline;
    b.maxRegression = parseFraction(maxRegression);
    BenchOptions o = b.build();
    validate(o);
    return o;
  }

  private BenchOptions.Format outputFormat() {
    BenchOptions.Format fromFile = output == null ? null : BenchOptions.Format.forFile(output);
    if (format == null) {
      return fromFile == null ? BenchOptions.Format.TEXT : fromFile;
    }
    BenchOptions.Format given = BenchOptions.Format.parse(format);
    if (fromFile != null && fromFile != given) {
      throw new IllegalArgumentException(
          "--format " + given + " does not match --output " + output + "'s extension");
    }
    return given;
  }

  /** Checks what the options record cannot: specs, sweeps and combinations. */
  private static void validate(BenchOptions o) {
    if (o.dataFile() == null && o.op() != Op.SEED && o.dataset() == null) {
      SchemaSpec.parse(o.schema());
    }
    if (o.dataFile() != null && !Files.isReadable(o.dataFile())) {
      throw new IllegalArgumentException("--data-file " + o.dataFile() + " cannot be read");
    }
    if (o.includeGeneration() && !(o.op() == Op.PUT || o.op() == Op.EXCHANGE)) {
      throw new IllegalArgumentException(
          "--include-generation applies to put and exchange, which send generated data while"
              + " timed");
    }
    if (o.includeGeneration() && o.dataFile() != null) {
      throw new IllegalArgumentException(
          "--include-generation generates data: not with --data-file");
    }
    if (o.op() == Op.SEED && (!o.sweeps().isEmpty() || o.streams() != 1)) {
      throw new IllegalArgumentException(
          "--op seed is the original demo's fixed workload: no --sweep, one stream");
    }
    // Every point of the grid must be valid options (compression per op, connections...).
    for (Map<String, String> point : Sweep.grid(o.sweeps())) {
      BenchOptions p = o;
      for (Map.Entry<String, String> e : point.entrySet()) {
        p = p.with(e.getKey(), e.getValue());
      }
    }
  }

  /** Parses "10%", "10 %" or "0.1". */
  static double parseFraction(String text) {
    String t = text.trim();
    try {
      if (t.endsWith("%")) {
        return Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100.0;
      }
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "bad --max-regression '" + text + "' (e.g. 10% or 0.1)", e);
    }
  }

  @Override
  public Integer call() {
    Main.setLogLevel(logLevel);
    BenchOptions options;
    Baseline base = null;
    try {
      options = options();
      if (options.baseline() != null) {
        base = Baseline.load(options.baseline());
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    RunResult result =
        new BenchRunner(options, commandLine(), Progress.forTerminal(options.quiet())).run();
    if (base != null) {
      result = result.withComparison(base.compare(result, options.maxRegression()));
    }
    String writeError = writeOutputs(result, options, out);
    if (!result.ok()) {
      err.println("flightlab bench: " + result.error());
      err.flush();
      return Main.EXIT_FAILURE;
    }
    if (writeError != null) {
      err.println("flightlab bench: " + writeError);
      err.flush();
      return Main.EXIT_FAILURE;
    }
    Comparison c = result.comparison();
    if (c != null && c.regressed()) {
      List<String> worst = new ArrayList<>();
      for (Comparison.Entry e : c.entries()) {
        if (e.regressed(c.maxRegression())) {
          worst.add(
              (e.point().isEmpty() ? "" : e.point() + " ")
                  + e.phase()
                  + String.format(
                      Locale.ROOT,
                      " %.1f %s vs %.1f (%+.1f%%)",
                      e.currentMedian(),
                      e.unit(),
                      e.baselineMedian(),
                      e.changePercent()));
        }
      }
      err.println(
          "flightlab bench: regression beyond "
              + String.format(Locale.ROOT, "%.1f%%", c.maxRegression() * 100)
              + ": "
              + String.join("; ", worst));
      err.flush();
      return EXIT_REGRESSION;
    }
    return 0;
  }

  /** Writes stdout, --output and --report; returns an error message, or null. */
  private static String writeOutputs(RunResult result, BenchOptions options, PrintWriter out) {
    String error = null;
    try {
      if (options.output() == null) {
        ReportWriter.of(options.format()).write(result, out);
      } else {
        if (!options.quiet()) {
          new TextReport().write(result, out);
        }
        write(options.output(), ReportWriter.of(options.format()), result);
      }
    } catch (IOException e) {
      error = "cannot write " + options.output() + ": " + e.getMessage();
    }
    if (options.report() != null) {
      try {
        write(options.report(), new HtmlReport(), result);
      } catch (IOException e) {
        error = "cannot write " + options.report() + ": " + e.getMessage();
      }
    }
    out.flush();
    return error;
  }

  private static void write(Path file, ReportWriter writer, RunResult result) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writer.write(result, w);
    }
  }

  /** The arguments as given, with the auth token masked. */
  private List<String> commandLine() {
    List<String> args = new ArrayList<>();
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    int first = original.indexOf(spec.name()) + 1;
    for (int i = first; i < original.size(); i++) {
      String a = original.get(i);
      if (a.equals("--auth-token") && i + 1 < original.size()) {
        args.add(a);
        args.add("***");
        i++;
      } else if (a.startsWith("--auth-token=")) {
        args.add("--auth-token=***");
      } else {
        args.add(a);
      }
    }
    return args;
  }
}
