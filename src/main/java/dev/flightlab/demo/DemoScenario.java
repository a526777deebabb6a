package dev.flightlab.demo;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.client.PutOutcome;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DemoTables;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.jvm.MemorySizes;
import dev.flightlab.memory.Allocators;
import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.warmup.ServerWarmup;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.NettyTransport;
import dev.flightlab.wire.PutMode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The original Python demo's flow, line for line: upload two small tables, list flights, fetch one
 * back, then time 100 DoPuts of 131,072 rows and print the original's metrics block.
 */
public final class DemoScenario {
  /** The first demo table's path. */
  public static final DatasetPath USER_SESSIONS = DatasetPath.parse("/my_app/user_sessions");

  /** The second demo table's path, also the one fetched back. */
  public static final DatasetPath DAILY_SALES = DatasetPath.parse("/reports/daily_sales");

  private static final double MIB = 1024.0 * 1024.0;

  private final DemoOptions options;
  private final DemoLog log;
  // How long the embedded server warmed up before it listened; zero for none.
  private Duration warmedUp = Duration.ZERO;

  /** A scenario that logs to {@code log}. */
  public DemoScenario(DemoOptions options, DemoLog log) {
    this.options = options;
    this.log = log;
  }

  /**
   * Runs the demo, starting an embedded server first unless the options name one.
   *
   * @return 0 when every step succeeded, 1 when some benchmark DoPut failed
   */
  public int run(BufferAllocator allocator) throws Exception {
    if (options.server() != null) {
      warmUp(
          false,
          "before connecting to "
              + options.server()
              + ", so that this JVM's client code is compiled");
      return runAgainst(options.server(), allocator, NettyTransport.forClient());
    }
    prefault();
    warmUp(true, "before the embedded server listens");
    try (FlightLabServer server =
        FlightLabServer.builder(ServerOptions.ephemeral())
            .allocator(allocator)
            .embedded()
            .build()
            .start()) {
      Location location = server.location();
      log.info(
          "Started embedded flightlab server on "
              + location.getUri()
              + " (same JVM, one network thread for both ends; use --server to run against a"
              + " separate one)");
      return runAgainst(
          URI.create("grpc://" + location.getUri().getHost() + ":" + location.getUri().getPort()),
          allocator,
          server.clientTransport());
    }
  }

  /**
   * Faults in the memory the options ask for (when they do) for the embedded server's first
   * uploads, and logs how long that took.
   */
  private void prefault() {
    if (options.prefaultBytes() == 0) {
      return;
    }
    long started = System.nanoTime();
    long bytes = Allocators.prefault(options.prefaultBytes());
    if (bytes > 0) {
      log.info(
          String.format(
              Locale.ROOT,
              "Prefaulted %s for the embedded server's first uploads in %d ms (--prefault 0 skips"
                  + " it; nothing of it is counted below)",
              MemorySizes.format(bytes),
              (System.nanoTime() - started) / 1_000_000));
    }
  }

  /**
   * Runs the warm-up (when the options ask for one) through a throwaway server in this JVM, sharing
   * one network thread with its client when {@code embedded} (as the demo's embedded server and
   * client do), and logs what it did, {@code when}.
   */
  private void warmUp(boolean embedded, String when) throws Exception {
    if (options.warmup().isZero()) {
      return;
    }
    ServerWarmup.Outcome done = ServerWarmup.run(options.warmup(), embedded);
    warmedUp = done.took();
    log.info(
        String.format(
            Locale.ROOT,
            "Warm-up: %d uploads and %d downloads through a throwaway %s server in %d ms, %s"
                + " (--warmup 0 skips it; nothing of it is counted below)",
            done.uploads(),
            done.downloads(),
            embedded ? "embedded" : "loopback",
            done.took().toMillis(),
            when));
  }

  private int runAgainst(URI server, BufferAllocator allocator, NettyTransport transport)
      throws Exception {
    ClientOptions clientOptions = options.security().options(server);
    try (FlightLabClient client = FlightLabClient.connect(clientOptions, allocator, transport)) {
      log.info("Flight client initialized, connecting to " + server);
      upload(client, USER_SESSIONS, DemoTables.userSessions(client.allocator(), nowSeconds()));
      upload(client, DAILY_SALES, DemoTables.dailySales(client.allocator()));
      listFlights(client);
      fetch(client);
      return benchmark(client);
    }
  }

  private void upload(FlightLabClient client, DatasetPath path, BatchSet table) {
    try (table) {
      log.info("Created table for '" + path + "' with " + table.rowCount() + " rows.");
      client.put(path, table, PutMode.REPLACE);
    }
  }

  private void listFlights(FlightLabClient client) {
    log.info("Now calling list_flights to see what's available...");
    List<FlightInfo> flights = client.list(null);
    for (FlightInfo info : flights) {
      String path = String.join("/", info.getDescriptor().getPath());
      log.info("  Found Flight: '" + path + "'");
      log.info(
          "    Schema: " + info.getSchemaOptional().map(IpcSchemas::describe).orElse("(none)"));
      log.info("    Total records: " + info.getRecords());
      log.info("    Total bytes: " + info.getBytes());
      for (FlightEndpoint e : info.getEndpoints()) {
        log.info(
            "    Endpoint: " + e.getLocations().stream().map(l -> l.getUri().toString()).toList());
      }
    }
    log.info("Successfully listed " + flights.size() + " flights.");
  }

  private void fetch(FlightLabClient client) {
    try (BatchSet table = client.get(DAILY_SALES)) {
      log.info("Successfully retrieved " + table.rowCount() + " rows from '" + DAILY_SALES + "'.");
      try (VectorSchemaRoot root = IpcSchemas.createRoot(table.schema(), client.allocator())) {
        VectorLoader loader = new VectorLoader(root);
        for (var batch : table.batches()) {
          loader.load(batch);
          for (String line : root.contentToTSVString().split("\n")) {
            log.info("  " + line);
          }
        }
      }
    }
  }

  private int benchmark(FlightLabClient client) {
    int n = options.batches();
    int rows = options.rowsPerBatch();
    log.info(
        String.format(
            Locale.ROOT,
            "Starting benchmark: %d do_put operations of %,d rows each to /benchmark/batch_{i}...",
            n,
            rows));
    long totalBytes = 0;
    long putNanos = 0;
    int ok = 0;
    long loopStart = System.nanoTime();
    for (int i = 0; i < n; i++) {
      DatasetPath path = DatasetPath.parse("/benchmark/batch_" + i);
      try (BatchSet table = DemoTables.benchmarkTable(client.allocator(), i, rows, rows)) {
        PutOutcome outcome = client.put(path, table, PutMode.REPLACE);
        putNanos += outcome.elapsedNanos();
        totalBytes += outcome.ipcStreamBytes();
        ok++;
      } catch (RuntimeException e) {
        log.error("do_put to '" + path + "' failed: " + e.getMessage());
      }
    }
    double loopSeconds = (System.nanoTime() - loopStart) / 1e9;
    double putSeconds = putNanos / 1e9;
    double mb = totalBytes / MIB;
    log.info("--- Overall Performance Metrics (Benchmark do_put operations) ---");
    log.info(String.format(Locale.ROOT, "Total data sent (benchmark): %.2f MB", mb));
    log.info(
        String.format(Locale.ROOT, "Total time spent in do_put calls: %.4f seconds", putSeconds));
    log.info("Successful do_put operations: " + ok + " of " + n);
    log.info(
        String.format(
            Locale.ROOT,
            "Overall Throughput (MB/s): %.2f MB/s",
            putSeconds > 0 ? mb / putSeconds : 0.0));
    log.info(
        String.format(
            Locale.ROOT,
            "Overall Rate (DoPut ops/sec): %.2f ops/sec",
            putSeconds > 0 ? ok / putSeconds : 0.0));
    log.info(
        String.format(
            Locale.ROOT, "Total benchmark loop wall-clock time: %.4f seconds", loopSeconds));
    log.info(
        "Counted: bytes = each table's Arrow IPC stream size as sent (schema, record batch, end"
            + " marker; no validity bitmap for columns without nulls, as pyarrow sends them),"
            + " MB = 2^20 bytes; time = sum of per-call times from opening the DoPut to the"
            + " server's final status; "
            + (warmedUp.isZero()
                ? "cold JVM, no warm-up"
                : "fresh JVM whose upload and download code first ran for "
                    + warmedUp.toMillis()
                    + " ms through a throwaway server in this JVM (--warmup), before "
                    + (options.server() == null ? "the embedded server listened" : "connecting"))
            + jitNote()
            + (options.server() == null
                ? "; client and embedded server in one JVM, on one network thread."
                : "."));
    return ok == n ? 0 : 1;
  }

  /** Names the JVM's JIT and GC flags (the launcher gives the demo its own), if any. */
  private static String jitNote() {
    List<String> flags =
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(
                a ->
                    a.startsWith("-XX:TieredStopAtLevel")
                        || a.startsWith("-XX:CompileThresholdScaling")
                        || a.startsWith("-XX:+Use") && a.endsWith("GC"))
            .toList();
    return flags.isEmpty() ? "" : " (JVM flags: " + String.join(" ", flags) + ")";
  }

  private static double nowSeconds() {
    return System.currentTimeMillis() / 1000.0;
  }
}
