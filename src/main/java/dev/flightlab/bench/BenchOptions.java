package dev.flightlab.bench;

import dev.flightlab.data.IpcSchemas;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.wire.IpcCompression;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Everything {@code flightlab bench} can be told, in groups; each group holds its own defaults
 * ({@code DEFAULTS}) and checks its own values, and this record checks how they combine.
 *
 * @param op the workload
 * @param data what each stream sends
 * @param concurrency streams and connections
 * @param timing warm-up and measured iterations
 * @param target the server and what may be left on it
 * @param transfer the client and compression that move the data
 * @param output where the results go
 * @param sweeps parameters to sweep; the run covers their grid
 * @param metadataCalls for {@code metadata}: calls of each kind per stream and iteration
 */
public record BenchOptions(
    Op op,
    DataOptions data,
    ConcurrencyOptions concurrency,
    TimingOptions timing,
    TargetOptions target,
    TransferOptions transfer,
    OutputOptions output,
    List<Sweep> sweeps,
    int metadataCalls) {

  /** Every default: put, 10M rows of int64x4, one stream, embedded server. */
  public static final BenchOptions DEFAULTS =
      new BenchOptions(
          Op.PUT,
          DataOptions.DEFAULTS,
          ConcurrencyOptions.DEFAULTS,
          TimingOptions.DEFAULTS,
          TargetOptions.DEFAULTS,
          TransferOptions.DEFAULTS,
          OutputOptions.DEFAULTS,
          List.of(),
          1_000);

  public BenchOptions {
    sweeps = List.copyOf(sweeps);
    if (metadataCalls < 1) {
      throw new IllegalArgumentException(
          "--metadata-calls must be at least 1, got " + metadataCalls);
    }
    if (target.dataset() != null && op != Op.GET) {
      throw new IllegalArgumentException("--dataset is for --op get only");
    }
    if (target.dataset() != null && data.dataFile() != null) {
      throw new IllegalArgumentException("--dataset reads a dataset; --data-file sends a file");
    }
    if (data.includeGeneration() && !(op == Op.PUT || op == Op.EXCHANGE)) {
      throw new IllegalArgumentException(
          "--include-generation applies to put and exchange, which send generated data while"
              + " timed");
    }
    if (op == Op.SEED && (!sweeps.isEmpty() || concurrency.streams() != 1)) {
      throw new IllegalArgumentException(
          "--op seed is the original demo's fixed workload: no --sweep, one stream");
    }
    // The default spec is known good (DataOptionsTest parses it): parsing it here, as DEFAULTS is
    // built, would load Arrow's schema classes and Jackson in every command that merely builds
    // the CLI, serve's start-up included.
    if (data.dataFile() == null
        && op != Op.SEED
        && target.dataset() == null
        && !data.schema().equals(SchemaSpec.DEFAULT_SPEC)) {
      checkStandIns(op, transfer.client(), SchemaSpec.parse(data.schema()));
    }
    if (transfer.compression().enabled()) {
      checkCompression(op, transfer.client());
    }
    if (transfer.protocol() == BenchProtocol.ARROW_PERF) {
      if (op != Op.GET && op != Op.PUT) {
        throw new IllegalArgumentException(
            "--protocol arrow-perf runs --op get or put (Arrow's benchmark has no " + op + ")");
      }
      if (!data.schema().equals(DataOptions.DEFAULTS.schema())
          || data.dataFile() != null
          || target.dataset() != null) {
        throw new IllegalArgumentException(
            "--protocol arrow-perf moves Arrow's int64x4 rows: no --schema, --data-file or"
                + " --dataset");
      }
    }
    Set<String> swept = new HashSet<>();
    for (Sweep s : sweeps) {
      if (!swept.add(s.parameter())) {
        throw new IllegalArgumentException("--sweep " + s.parameter() + " given twice");
      }
    }
    if (!sweeps.isEmpty()) {
      // Every point of the grid must be valid options too (compression per op, connections...).
      BenchOptions unswept =
          new BenchOptions(
              op, data, concurrency, timing, target, transfer, output, List.of(), metadataCalls);
      for (Map<String, String> point : Sweep.grid(sweeps)) {
        unswept.at(point);
      }
    }
  }

  /**
   * Fails for workloads that read batches through Arrow Java's FlightStream when the schema holds a
   * type it cannot read (32- and 64-bit decimals): DoExchange, and downloads with Arrow's client.
   */
  static void checkStandIns(Op op, ClientKind client, Schema schema) {
    String standIn = IpcSchemas.firstStandIn(schema);
    if (standIn == null) {
      return;
    }
    boolean arrowReads = client != ClientKind.FLIGHTLAB && op != Op.PUT && op != Op.METADATA;
    if (arrowReads) {
      throw new IllegalArgumentException(
          standIn + ", which Arrow Java 19's FlightStream cannot read: use --client flightlab");
    }
  }

  /**
   * Fails for workloads that cannot compress: DoExchange (the server's echo is Arrow's writer,
   * which has no codec), downloads with Arrow's client (its reader has no codec), and the calls
   * that move no batches.
   */
  private static void checkCompression(Op op, ClientKind client) {
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

  /** What these options' figures depend on, for comparing like with like. */
  public WorkloadShape shape() {
    return new WorkloadShape(
        op,
        data,
        concurrency,
        transfer,
        metadataCalls,
        target.dataset(),
        target.serverMode(),
        target.tls());
  }

  /** The warm-up with {@code auto} resolved for this workload. */
  public Warmup effectiveWarmup() {
    return timing.warmup().resolve(op);
  }

  /**
   * The options in force at one point of the sweep grid: its values set, and no sweeps.
   *
   * @param point sweep parameter to value, as {@link Sweep#grid} gives them
   * @throws IllegalArgumentException for an unknown parameter or a bad value
   */
  public BenchOptions at(Map<String, String> point) {
    DataOptions d = data;
    ConcurrencyOptions c = concurrency;
    TransferOptions t = transfer;
    for (Map.Entry<String, String> e : point.entrySet()) {
      String value = e.getValue();
      try {
        switch (e.getKey()) {
          case "rows" -> d = d.withRows(parseCount(value));
          case "batch-rows" -> d = d.withBatchRows(Math.toIntExact(parseCount(value)));
          case "schema" -> d = d.withSchema(value);
          case "streams" -> c = c.withStreams(Math.toIntExact(parseCount(value)));
          case "connections" -> c = c.withConnections(Math.toIntExact(parseCount(value)));
          case "compression" -> t = t.withCompression(IpcCompression.parse(value));
          case "client" -> t = t.withClient(ClientKind.parse(value));
          default ->
              throw new IllegalArgumentException(
                  "cannot sweep '"
                      + e.getKey()
                      + "' (sweepable: "
                      + String.join(", ", Sweep.PARAMETERS)
                      + ")");
        }
      } catch (NumberFormatException | ArithmeticException x) {
        throw new IllegalArgumentException(
            "bad value '" + value + "' for " + e.getKey() + ": not a whole number");
      }
    }
    return new BenchOptions(op, d, c, timing, target, t, output, List.of(), metadataCalls);
  }

  /** Parses a whole number, underscores allowed (1_000_000). */
  static long parseCount(String text) {
    return Long.parseLong(text.trim().replace("_", ""));
  }

  /** A copy running {@code op}. */
  public BenchOptions with(Op op) {
    return new BenchOptions(
        op, data, concurrency, timing, target, transfer, output, sweeps, metadataCalls);
  }

  /** A copy sending {@code data}. */
  public BenchOptions with(DataOptions data) {
    return new BenchOptions(
        op, data, concurrency, timing, target, transfer, output, sweeps, metadataCalls);
  }

  /** A copy with {@code concurrency}. */
  public BenchOptions with(ConcurrencyOptions concurrency) {
    return new BenchOptions(
        op, data, concurrency, timing, target, transfer, output, sweeps, metadataCalls);
  }

  /** A copy with {@code timing}. */
  public BenchOptions with(TimingOptions timing) {
    return new BenchOptions(
        op, data, concurrency, timing, target, transfer, output, sweeps, metadataCalls);
  }

  /** A copy measuring {@code target}. */
  public BenchOptions with(TargetOptions target) {
    return new BenchOptions(
        op, data, concurrency, timing, target, transfer, output, sweeps, metadataCalls);
  }

  /** A copy moving the data as {@code transfer} says. */
  public BenchOptions with(TransferOptions transfer) {
    return new BenchOptions(
        op, data, concurrency, timing, target, transfer, output, sweeps, metadataCalls);
  }
}
