package dev.flightlab.bench;

import dev.flightlab.data.GeneratorOptions;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.wire.IpcCompression;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Everything {@code flightlab bench} can be told; every default is in {@link Defaults}.
 *
 * @param op the workload
 * @param server a running server to measure, or null for one started by the benchmark
 * @param serverProcess start the server as a separate JVM instead of inside this one
 * @param authToken bearer token for the server (and required by a server the benchmark starts);
 *     never written to reports
 * @param tlsTrustedCerts PEM certificates to trust for a grpc+tls server
 * @param tlsCert PEM certificate chain: the started server speaks TLS (and the client trusts it)
 * @param tlsKey PEM private key for {@code tlsCert}
 * @param schema schema spec for generated data, e.g. {@code int64x4}
 * @param dataFile Arrow IPC file to send instead of generated data, or null
 * @param rows rows per stream
 * @param batchRows rows per record batch
 * @param seed generator seed (stream i uses seed + i)
 * @param nullFraction share of nulls in nullable columns
 * @param stringLength average length of generated strings and binaries, in bytes
 * @param cardinality most distinct values per column, 0 for unbounded
 * @param includeGeneration regenerate the data inside each timed iteration
 * @param streams concurrent streams
 * @param connections client connections the streams share (stream i uses connection i mod n)
 * @param warmup what to run before measuring
 * @param iterations measured iterations (unless {@code duration} is set)
 * @param duration measure for at least this long instead of a count, or null
 * @param compression IPC body compression of the batches sent (uploads by the client; downloads by
 *     a flightlab server, asked for by flightlab's client)
 * @param sendWait how Arrow's client waits while gRPC's buffer is full ({@code --client arrow})
 * @param client which client implementation moves the data
 * @param sweeps parameters to sweep; the run covers their grid
 * @param pathPrefix where the benchmark's datasets go on the server
 * @param dataset for {@code get}: read this existing dataset instead of uploading first, or null
 * @param keep leave the benchmark's datasets on the server
 * @param metadataCalls for {@code metadata}: calls of each kind per stream and iteration
 * @param format what goes to stdout (or to {@code output})
 * @param output file for the results in {@code format}, or null
 * @param report file for the HTML report, or null
 * @param quiet no progress and no table on stdout
 * @param baseline an earlier JSON result to compare with, or null
 * @param maxRegression the drop in median throughput (a fraction, 0.1 = 10%) that fails the run
 */
public record BenchOptions(
    Op op,
    URI server,
    boolean serverProcess,
    String authToken,
    Path tlsTrustedCerts,
    Path tlsCert,
    Path tlsKey,
    String schema,
    Path dataFile,
    long rows,
    int batchRows,
    long seed,
    double nullFraction,
    int stringLength,
    long cardinality,
    boolean includeGeneration,
    int streams,
    int connections,
    Warmup warmup,
    int iterations,
    Duration duration,
    IpcCompression compression,
    SendWait sendWait,
    ClientKind client,
    List<Sweep> sweeps,
    String pathPrefix,
    String dataset,
    boolean keep,
    int metadataCalls,
    Format format,
    Path output,
    Path report,
    boolean quiet,
    Path baseline,
    double maxRegression) {

  /** Every default, as picocli shows it in {@code --help}. */
  public static final class Defaults {
    private Defaults() {}

    public static final String OP = "put";
    public static final String SCHEMA = SchemaSpec.DEFAULT_SPEC;
    public static final long ROWS = 10_000_000;
    public static final int BATCH_ROWS = 65_536;
    public static final long SEED = GeneratorOptions.DEFAULT_SEED;
    public static final double NULL_FRACTION = GeneratorOptions.DEFAULT_NULL_FRACTION;
    public static final int STRING_LENGTH = GeneratorOptions.DEFAULT_STRING_LENGTH;
    public static final long CARDINALITY = GeneratorOptions.DEFAULT_CARDINALITY;
    public static final int STREAMS = 1;
    public static final int CONNECTIONS = 1;
    public static final String WARMUP = Warmup.DEFAULT;
    public static final int ITERATIONS = 5;
    public static final String COMPRESSION = "none";
    public static final String SEND_WAIT = "park";
    public static final String CLIENT = "flightlab";
    public static final String PATH_PREFIX = "/flightlab-bench";
    public static final int METADATA_CALLS = 1_000;
    public static final String FORMAT = "text";
    public static final String MAX_REGRESSION = "10%";

    /** The seed workload's fixed shape: the original demo's 100 DoPuts of 131,072 rows. */
    public static final int SEED_PUTS = 100;

    public static final int SEED_ROWS = 131_072;
  }

  /** What the results look like on stdout or in {@code --output}. */
  public enum Format {
    TEXT,
    JSON,
    CSV;

    /** Parses text, json or csv. */
    public static Format parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown --format '" + name + "' (text, json or csv)", e);
      }
    }

    /** The format a file name implies (.json, .csv), or null. */
    public static Format forFile(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".json")) {
        return JSON;
      }
      if (name.endsWith(".csv")) {
        return CSV;
      }
      if (name.endsWith(".txt")) {
        return TEXT;
      }
      return null;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public BenchOptions {
    sweeps = List.copyOf(sweeps);
    if (rows < 1) {
      throw new IllegalArgumentException("--rows must be at least 1, got " + rows);
    }
    if (batchRows < 1) {
      throw new IllegalArgumentException("--batch-rows must be at least 1, got " + batchRows);
    }
    if (streams < 1) {
      throw new IllegalArgumentException("--streams must be at least 1, got " + streams);
    }
    if (connections < 1) {
      throw new IllegalArgumentException("--connections must be at least 1, got " + connections);
    }
    if (connections > streams) {
      throw new IllegalArgumentException(
          "--connections ("
              + connections
              + ") is more than --streams ("
              + streams
              + "): a connection without a stream measures nothing");
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("--iterations must be at least 1, got " + iterations);
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("--duration must be positive, got " + duration);
    }
    if (metadataCalls < 1) {
      throw new IllegalArgumentException(
          "--metadata-calls must be at least 1, got " + metadataCalls);
    }
    if (!(maxRegression > 0)) {
      throw new IllegalArgumentException("--max-regression must be above 0%");
    }
    if (serverProcess && server != null) {
      throw new IllegalArgumentException(
          "--server-process starts a server: it does not go with --server");
    }
    if (server != null && (tlsCert != null || tlsKey != null)) {
      throw new IllegalArgumentException(
          "--tls-cert/--tls-key configure a server the benchmark starts, not --server"
              + " (use --tls-trusted-certs to trust a running one)");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (dataset != null && op != Op.GET) {
      throw new IllegalArgumentException("--dataset is for --op get only");
    }
    if (dataset != null && dataFile != null) {
      throw new IllegalArgumentException("--dataset reads a dataset; --data-file sends a file");
    }
    if (compression.enabled()) {
      checkCompression(op, client);
    }
    new GeneratorOptions(seed, nullFraction, stringLength, cardinality);
  }

  /**
   * Fails for workloads that cannot compress: DoExchange (the server's echo is Arrow's writer,
   * which has no codec), downloads with Arrow's client (its reader has no codec), and the calls
   * that move no batches. Uploads compress with either client; downloads from a flightlab server
   * with flightlab's client (it asks with the {@code flightlab-compression} header).
   */
  static void checkCompression(Op op, ClientKind client) {
    switch (op) {
      case PUT -> {}
      case GET, ROUNDTRIP -> {
        if (client != ClientKind.FLIGHTLAB) {
          throw new IllegalArgumentException(
              "--compression with --op "
                  + op
                  + " needs --client flightlab: Arrow Java 19's FlightStream reads batches"
                  + " without a codec");
        }
      }
      case EXCHANGE ->
          throw new IllegalArgumentException(
              "--compression works for put, get and roundtrip: the DoExchange echo is Arrow"
                  + " Java 19's server-side writer, which has no codec");
      case METADATA, SEED ->
          throw new IllegalArgumentException(
              "--compression does not apply to --op " + op + " (" + op.description() + ")");
    }
  }

  /** The generator options these flags describe, for stream {@code stream}. */
  public GeneratorOptions generatorOptions(int stream) {
    return new GeneratorOptions(seed + stream, nullFraction, stringLength, cardinality);
  }

  /** The warm-up with {@code auto} resolved for this workload. */
  public Warmup effectiveWarmup() {
    return warmup.resolve(op);
  }

  /** Where the server is: "embedded", "process" or "external". */
  public String serverMode() {
    return server != null ? "external" : serverProcess ? "process" : "embedded";
  }

  /** Options with every default (put, embedded server), for tests and as a base for copies. */
  public static BenchOptions defaults() {
    return new BenchOptions(
        Op.PUT,
        null,
        false,
        null,
        null,
        null,
        null,
        Defaults.SCHEMA,
        null,
        Defaults.ROWS,
        Defaults.BATCH_ROWS,
        Defaults.SEED,
        Defaults.NULL_FRACTION,
        Defaults.STRING_LENGTH,
        Defaults.CARDINALITY,
        false,
        Defaults.STREAMS,
        Defaults.CONNECTIONS,
        Warmup.parse(Defaults.WARMUP),
        Defaults.ITERATIONS,
        null,
        IpcCompression.NONE,
        SendWait.PARK,
        ClientKind.FLIGHTLAB,
        List.of(),
        Defaults.PATH_PREFIX,
        null,
        false,
        Defaults.METADATA_CALLS,
        Format.TEXT,
        null,
        null,
        false,
        null,
        0.10);
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * A copy with one sweepable parameter changed.
   *
   * @param parameter rows, batch-rows, streams, connections, compression or schema
   * @throws IllegalArgumentException for an unknown parameter or a bad value
   */
  public BenchOptions with(String parameter, String value) {
    Builder b = toBuilder();
    try {
      switch (parameter) {
        case "rows" -> b.rows = parseCount(value);
        case "batch-rows" -> b.batchRows = Math.toIntExact(parseCount(value));
        case "streams" -> {
          b.streams = Math.toIntExact(parseCount(value));
          if (b.connections > b.streams) {
            b.connections = b.streams;
          }
        }
        case "connections" -> b.connections = Math.toIntExact(parseCount(value));
        case "compression" -> b.compression = IpcCompression.parse(value);
        case "client" -> b.client = ClientKind.parse(value);
        case "schema" -> {
          SchemaSpec.parse(value);
          b.schema = value;
        }
        default ->
            throw new IllegalArgumentException(
                "cannot sweep '"
                    + parameter
                    + "' (sweepable: "
                    + String.join(", ", Sweep.PARAMETERS)
                    + ")");
      }
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "bad value '" + value + "' for " + parameter + ": not a whole number");
    }
    return b.build();
  }

  /** Parses a whole number, underscores allowed (1_000_000). */
  static long parseCount(String text) {
    return Long.parseLong(text.trim().replace("_", ""));
  }

  /** Mutable copy of {@link BenchOptions}, for the CLI and tests. */
  public static final class Builder {
    public Op op;
    public URI server;
    public boolean serverProcess;
    public String authToken;
    public Path tlsTrustedCerts;
    public Path tlsCert;
    public Path tlsKey;
    public String schema;
    public Path dataFile;
    public long rows;
    public int batchRows;
    public long seed;
    public double nullFraction;
    public int stringLength;
    public long cardinality;
    public boolean includeGeneration;
    public int streams;
    public int connections;
    public Warmup warmup;
    public int iterations;
    public Duration duration;
    public IpcCompression compression;
    public SendWait sendWait;
    public ClientKind client;
    public List<Sweep> sweeps;
    public String pathPrefix;
    public String dataset;
    public boolean keep;
    public int metadataCalls;
    public Format format;
    public Path output;
    public Path report;
    public boolean quiet;
    public Path baseline;
    public double maxRegression;

    Builder(BenchOptions o) {
      op = o.op;
      server = o.server;
      serverProcess = o.serverProcess;
      authToken = o.authToken;
      tlsTrustedCerts = o.tlsTrustedCerts;
      tlsCert = o.tlsCert;
      tlsKey = o.tlsKey;
      schema = o.schema;
      dataFile = o.dataFile;
      rows = o.rows;
      batchRows = o.batchRows;
      seed = o.seed;
      nullFraction = o.nullFraction;
      stringLength = o.stringLength;
      cardinality = o.cardinality;
      includeGeneration = o.includeGeneration;
      streams = o.streams;
      connections = o.connections;
      warmup = o.warmup;
      iterations = o.iterations;
      duration = o.duration;
      compression = o.compression;
      sendWait = o.sendWait;
      client = o.client;
      sweeps = o.sweeps;
      pathPrefix = o.pathPrefix;
      dataset = o.dataset;
      keep = o.keep;
      metadataCalls = o.metadataCalls;
      format = o.format;
      output = o.output;
      report = o.report;
      quiet = o.quiet;
      baseline = o.baseline;
      maxRegression = o.maxRegression;
    }

    /** The options, checked. */
    public BenchOptions build() {
      return new BenchOptions(
          op,
          server,
          serverProcess,
          authToken,
          tlsTrustedCerts,
          tlsCert,
          tlsKey,
          schema,
          dataFile,
          rows,
          batchRows,
          seed,
          nullFraction,
          stringLength,
          cardinality,
          includeGeneration,
          streams,
          connections,
          warmup,
          iterations,
          duration,
          compression,
          sendWait,
          client,
          sweeps,
          pathPrefix,
          dataset,
          keep,
          metadataCalls,
          format,
          output,
          report,
          quiet,
          baseline,
          maxRegression);
    }
  }
}
