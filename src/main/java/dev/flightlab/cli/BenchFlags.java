package dev.flightlab.cli;

import dev.flightlab.bench.BenchProtocol;
import dev.flightlab.bench.ClientKind;
import dev.flightlab.bench.ConcurrencyOptions;
import dev.flightlab.bench.DataOptions;
import dev.flightlab.bench.Op;
import dev.flightlab.bench.OutputOptions;
import dev.flightlab.bench.SendWait;
import dev.flightlab.bench.Sweep;
import dev.flightlab.bench.TargetOptions;
import dev.flightlab.bench.TimingOptions;
import dev.flightlab.bench.TransferOptions;
import dev.flightlab.bench.Warmup;
import dev.flightlab.wire.IpcCompression;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The bench command's flags, one group per options record of the bench package: each field is the
 * record component of the same name ({@link RecordFlags}) and starts at the record's default, which
 * {@code --help} shows.
 */
final class BenchFlags {
  private BenchFlags() {}

  /** {@link DataOptions}. */
  static final class Data {
    @Option(
        names = "--schema",
        description =
            "Schema spec of the generated data, any Arrow type (docs/schema-spec.md), e.g."
                + " int64x4, 'int64,utf8,float64', 'id:int64,tags:list<utf8>',"
                + " 'decimal256(40,4)', 'timestamp(us,UTC)', 'utf8_view', 'map<utf8,int64>',"
                + " 'run_end_encoded<int16,utf8>', 'dictionary<int64,int8>'."
                + " Default: ${DEFAULT-VALUE}.")
    String schema = DataOptions.DEFAULTS.schema();

    @Option(names = "--rows", description = "Rows per stream. Default: ${DEFAULT-VALUE}.")
    long rows = DataOptions.DEFAULTS.rows();

    @Option(
        names = "--batch-rows",
        description = "Rows per record batch. Default: ${DEFAULT-VALUE}.")
    int batchRows = DataOptions.DEFAULTS.batchRows();

    @Option(
        names = "--seed",
        description =
            "Generator seed; stream i uses seed+i. Same seed, same bytes. Default:"
                + " ${DEFAULT-VALUE}.")
    long seed = DataOptions.DEFAULTS.seed();

    @Option(
        names = "--null-fraction",
        description = "Share of null values, 0..1. Default: ${DEFAULT-VALUE}.")
    double nullFraction = DataOptions.DEFAULTS.nullFraction();

    @Option(
        names = "--string-length",
        description =
            "Average length of generated strings/binaries in bytes. Default: ${DEFAULT-VALUE}.")
    int stringLength = DataOptions.DEFAULTS.stringLength();

    @Option(
        names = "--cardinality",
        description =
            "Most distinct values per column (dictionary size), 0 = unbounded."
                + " Default: ${DEFAULT-VALUE}.")
    long cardinality = DataOptions.DEFAULTS.cardinality();

    @Option(
        names = "--data-file",
        description =
            "Send this file instead of generated data: Arrow IPC file or stream, Feather,"
                + " Parquet, CSV or TSV (by extension); Parquet and CSV in --batch-rows batches.")
    Path dataFile = DataOptions.DEFAULTS.dataFile();

    @Option(
        names = "--include-generation",
        description = "Regenerate the data inside every timed iteration (put, exchange).")
    boolean includeGeneration = DataOptions.DEFAULTS.includeGeneration();
  }

  /** {@link ConcurrencyOptions}. */
  static final class Concurrency {
    @Option(
        names = "--streams",
        description = "Concurrent streams, each with its own data. Default: ${DEFAULT-VALUE}.")
    int streams = ConcurrencyOptions.DEFAULTS.streams();

    @Option(
        names = "--connections",
        description =
            "Client connections the streams share (stream i uses connection i mod n)."
                + " Default: ${DEFAULT-VALUE}.")
    int connections = ConcurrencyOptions.DEFAULTS.connections();
  }

  /** {@link TimingOptions}. */
  static final class Timing {
    @Option(
        names = "--warmup",
        converter = WarmupConverter.class,
        description =
            "Before measuring: N iterations, a duration (10s, 500ms) or bytes moved (3GB,"
                + " 512MiB); auto = 3 GB and at least 15 s, then until the JIT is quiet (at most"
                + " 10%% of the last 5 s compiling, 90 s at most), 3 iterations for metadata, none"
                + " for seed. Default: ${DEFAULT-VALUE}.")
    Warmup warmup = TimingOptions.DEFAULTS.warmup();

    @Option(names = "--iterations", description = "Measured iterations. Default: ${DEFAULT-VALUE}.")
    int iterations = TimingOptions.DEFAULTS.iterations();

    @Option(
        names = "--duration",
        converter = DurationConverter.class,
        description = "Measure for at least this long (e.g. 30s, 2m) instead of --iterations.")
    Duration duration = TimingOptions.DEFAULTS.duration();
  }

  /** {@link TargetOptions}. */
  static final class Target {
    @Option(
        names = "--server",
        description = "Measure this running server (grpc://, grpc+tls://) instead of starting one.")
    URI server = TargetOptions.DEFAULTS.server();

    @Option(
        names = "--server-process",
        description =
            "Start the server as a separate JVM (same flags as this one) instead of inside this"
                + " JVM: numbers closer to a real deployment.")
    boolean serverProcess = TargetOptions.DEFAULTS.serverProcess();

    @Option(
        names = "--server-port",
        description =
            "Port of the server the benchmark starts (in this JVM or with --server-process);"
                + " 0 = any free port. Default: ${DEFAULT-VALUE}.")
    int serverPort = TargetOptions.DEFAULTS.serverPort();

    @ArgGroup(validate = false)
    ClientSecurityFlags security = new ClientSecurityFlags();

    @Option(
        names = "--path-prefix",
        description = "Where the benchmark's datasets go on the server. Default: ${DEFAULT-VALUE}.")
    String pathPrefix = TargetOptions.DEFAULTS.pathPrefix();

    @Option(
        names = "--dataset",
        description = "get: read this existing dataset instead of uploading generated data first.")
    String dataset = TargetOptions.DEFAULTS.dataset();

    @Option(names = "--keep", description = "Leave the benchmark's datasets on the server.")
    boolean keep = TargetOptions.DEFAULTS.keep();

    @Option(
        names = "--unix-socket",
        description =
            "Start the server (in this JVM or with --server-process) on this Unix domain socket"
                + " instead of loopback TCP, and connect as grpc+unix:///PATH (Linux, epoll).")
    Path unixSocket = TargetOptions.DEFAULTS.unixSocket();

    // TargetOptions' security components, read by RecordFlags from the shared flags.
    String authToken() {
      return security.token();
    }

    Path tlsTrustedCerts() {
      return security.trustedCertificates;
    }

    Path tlsCert() {
      return security.tlsCert;
    }

    Path tlsKey() {
      return security.tlsKey;
    }
  }

  /** {@link TransferOptions}. */
  static final class Transfer {
    @Option(
        names = "--client",
        converter = ClientConverter.class,
        description =
            "Client that moves the data: flightlab (its own data plane, as flightlab put/get and"
                + " the demo use, DoExchange included) or arrow (Arrow Java's FlightClient as shipped)."
                + " Metadata calls always use Arrow's. Default: ${DEFAULT-VALUE}.")
    ClientKind client = TransferOptions.DEFAULTS.client();

    @Option(
        names = "--send-wait",
        converter = SendWaitConverter.class,
        description =
            "--client arrow: how senders wait while gRPC's buffer is full: park (check isReady,"
                + " sleep ~20 us) or spin (putNext as shipped: a busy loop). Default:"
                + " ${DEFAULT-VALUE}.")
    SendWait sendWait = TransferOptions.DEFAULTS.sendWait();

    @Option(
        names = "--compression",
        converter = CompressionConverter.class,
        description =
            "IPC body compression of the batches sent: none, lz4, zstd or zstd:LEVEL; uploads"
                + " (put, roundtrip), and downloads (get, roundtrip) with --client flightlab from a"
                + " flightlab server. Default: ${DEFAULT-VALUE}.")
    IpcCompression compression = TransferOptions.DEFAULTS.compression();

    @Option(
        names = "--protocol",
        converter = ProtocolConverter.class,
        description =
            "flightlab (DoPut stores datasets by path, DoGet reads them back) or arrow-perf"
                + " (Arrow's benchmark protocol, perf.proto: GetFlightInfo with a Perf command,"
                + " DoGet of server-generated int64x4 Token streams, DoPut to a Perf descriptor that"
                + " the server discards; --op get or put). Default: ${DEFAULT-VALUE}.")
    BenchProtocol protocol = TransferOptions.DEFAULTS.protocol();

    @Option(
        names = "--batch-latency",
        negatable = true,
        defaultValue = "true",
        fallbackValue = "true",
        description =
            "Uploads (put, roundtrip) send each batch's sequence number as app_metadata, and a"
                + " server that echoes it gives each batch's latency (the default). With"
                + " --no-batch-latency the batches go without it, as pyarrow's do_put sends them:"
                + " the server acknowledges nothing, and only throughput is measured.")
    boolean batchLatency = TransferOptions.DEFAULTS.batchLatency();
  }

  /** {@link OutputOptions}. */
  static final class Output {
    @Option(
        names = "--format",
        converter = FormatConverter.class,
        description =
            "text, json or csv, on stdout or into --output (default: from --output's extension,"
                + " else text).")
    OutputOptions.Format format;

    @Option(
        names = {"-o", "--output"},
        description = "Write the results here (in --format); stdout still gets the table.")
    Path output = OutputOptions.DEFAULTS.output();

    @Option(
        names = "--report",
        description = "Write a self-contained HTML report with charts to this file.")
    Path report = OutputOptions.DEFAULTS.report();

    @Option(
        names = {"-q", "--quiet"},
        description = "No progress bar; no table on stdout when --output is given.")
    boolean quiet = OutputOptions.DEFAULTS.quiet();

    @Option(
        names = "--baseline",
        description =
            "Compare with an earlier run's JSON results, point by point where the workloads are"
                + " the same (exit 3 on a regression).")
    Path baseline = OutputOptions.DEFAULTS.baseline();

    @Option(
        names = "--max-regression",
        converter = FractionConverter.class,
        description =
            "The drop in a median throughput that fails --baseline, as a fraction or percentage"
                + " (0.1, 10%%). Default: ${DEFAULT-VALUE}.")
    double maxRegression = OutputOptions.DEFAULTS.maxRegression();
  }

  /** Logging and failure output: the command's own, not the benchmark's. */
  static final class Logging {
    @Option(
        names = "--log-level",
        description = "trace, debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
    String logLevel = "warn";

    @Option(names = "--verbose", description = "Print stack traces on failure.")
    boolean verbose;
  }

  /** A converter that reports a bad value in the parser's own words. */
  abstract static class Parsed<T> implements ITypeConverter<T> {
    private final Function<String, T> parse;

    Parsed(Function<String, T> parse) {
      this.parse = parse;
    }

    @Override
    public T convert(String text) {
      try {
        return parse.apply(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class OpConverter extends Parsed<Op> {
    OpConverter() {
      super(Op::parse);
    }
  }

  static final class SweepConverter extends Parsed<Sweep> {
    SweepConverter() {
      super(Sweep::parse);
    }
  }

  static final class WarmupConverter extends Parsed<Warmup> {
    WarmupConverter() {
      super(Warmup::parse);
    }
  }

  static final class DurationConverter extends Parsed<Duration> {
    DurationConverter() {
      super(ServeCommand.Durations::parse);
    }
  }

  static final class ClientConverter extends Parsed<ClientKind> {
    ClientConverter() {
      super(ClientKind::parse);
    }
  }

  static final class ProtocolConverter extends Parsed<BenchProtocol> {
    ProtocolConverter() {
      super(BenchProtocol::parse);
    }
  }

  static final class SendWaitConverter extends Parsed<SendWait> {
    SendWaitConverter() {
      super(SendWait::parse);
    }
  }

  static final class CompressionConverter extends Parsed<IpcCompression> {
    CompressionConverter() {
      super(IpcCompression::parse);
    }
  }

  static final class FormatConverter extends Parsed<OutputOptions.Format> {
    FormatConverter() {
      super(OutputOptions.Format::parse);
    }
  }

  static final class FractionConverter extends Parsed<Double> {
    FractionConverter() {
      super(OutputOptions::parseFraction);
    }
  }
}
