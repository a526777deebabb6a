package dev.flightlab.cli;

import dev.flightlab.jvm.Launch;
import dev.flightlab.jvm.MemorySizes;
import dev.flightlab.memory.Allocators;
import dev.flightlab.server.Credentials;
import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerLimits;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.warmup.ServerWarmup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flightlab serve}: runs the Flight dataset server until Ctrl-C or SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    defaultValueProvider = ServeCommand.ServerDefaults.class,
    description = "Run the Flight dataset server until Ctrl-C/SIGTERM.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  /**
   * The longest serve warms up after it listens, unless --warmup says otherwise (it yields sooner
   * to the first client that connects).
   */
  static final Duration DEFAULT_WARMUP = Duration.ofSeconds(2);

  /** What --prefault faults in unless told otherwise: a few first uploads' worth. */
  public static final long DEFAULT_PREFAULT_BYTES = 256L << 20;

  @Option(names = "--host", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = "--port",
      description = "Port to bind (0 picks a free one). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--memory-limit",
      description =
          "Most direct memory the stored datasets may hold: bytes, 512m, 2GiB, or a share of the"
              + " JVM's direct memory such as 60%%. Default: ${DEFAULT-VALUE}.")
  String memoryLimit;

  @Option(names = "--tls-cert", description = "PEM certificate chain: serve grpc+tls.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key for --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      description =
          "PEM certificate(s) of the CA that signs client certificates: mutual TLS, every client"
              + " must present a certificate it signed (needs --tls-cert).")
  Path tlsClientCa;

  @Option(
      names = "--auth-token",
      defaultValue = "${env:FLIGHTLAB_AUTH_TOKEN}",
      description =
          "Require this bearer token on every call (default: $FLIGHTLAB_AUTH_TOKEN, none when"
              + " unset). Shows in the process list: prefer --auth-token-file.")
  String authToken;

  @Option(
      names = "--auth-token-file",
      description =
          "Accept the bearer tokens in this file: one a line, `TOKEN` or `TOKEN read-only`;"
              + " blank lines and lines starting with # are skipped.")
  Path authTokenFile;

  @Option(
      names = "--auth-basic",
      description =
          "Accept USER:PASSWORD in the Flight basic-auth handshake, which answers with a bearer"
              + " token for later calls. Shows in the process list: prefer --auth-basic-file.")
  String authBasic;

  @Option(
      names = "--auth-basic-file",
      description =
          "Accept the basic-auth users in this file: one a line, `USER:PASSWORD` or"
              + " `USER:PASSWORD read-only`; blank lines and lines starting with # are skipped.")
  Path authBasicFile;

  @Option(
      names = "--shutdown-timeout",
      description =
          "How long shutdown waits for calls in flight (e.g. 10s, 500ms). Default: ${DEFAULT-VALUE}.")
  String shutdownTimeout;

  @Option(
      names = "--log-level",
      defaultValue = "info",
      description = "trace, debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
  String logLevel;

  @Option(
      names = "--port-file",
      description =
          "Once listening, write the bound port (a decimal number and a newline) to this file,"
              + " atomically: for scripts and `bench --server-process` that start with --port 0.")
  Path portFile;

  @Option(
      names = "--max-message-size",
      description =
          "Largest gRPC message (one FlightData: header, metadata, body) accepted: bytes, 64m,"
              + " 1GiB. Larger ones get RESOURCE_EXHAUSTED. Default: ${DEFAULT-VALUE}.")
  String maxMessageSize;

  @Option(
      names = "--max-connections",
      description =
          "Most client connections open at once; more are closed as they arrive."
              + " Default: ${DEFAULT-VALUE}.")
  int maxConnections;

  @Option(
      names = "--idle-timeout",
      description =
          "Close a connection after this long with no call in progress (e.g. 5m, 30s)."
              + " Default: ${DEFAULT-VALUE}.")
  String idleTimeout;

  @Option(
      names = "--endpoint-rows",
      description =
          "Split datasets of more rows than this into endpoints of about this many rows each (at"
              + " batch boundaries), which clients may fetch in parallel; 0 for one endpoint."
              + " Default: ${DEFAULT-VALUE}.")
  long endpointRows;

  @Option(
      names = "--advertise",
      description =
          "The location FlightInfo endpoints name: HOST:PORT (with this server's scheme) or a URI"
              + " such as grpc://flights.example:50051. Default: the bound address; none with a"
              + " wildcard --host (clients redeem tickets where they asked).")
  String advertise;

  @Option(
      names = "--unix-socket",
      description =
          "Serve on this Unix domain socket instead of --host/--port: clients use"
              + " grpc+unix:///PATH (Linux, epoll).")
  Path unixSocket;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Store every committed upload durably in DIR (created when missing) and load what it"
              + " holds at start; stored datasets are served from memory-mapped files, outside"
              + " --memory-limit. Default: none (memory only).")
  Path dataDir;

  @Option(
      names = "--warmup",
      description =
          "Once listening, run uploads and downloads through a throwaway loopback server for at"
              + " most this long (e.g. 400ms, 1s), so that the first clients meet compiled code"
              + " rather than the interpreter; it stops as soon as a client connects, and is logged"
              + " with its duration; 0 skips it. Default: ${DEFAULT-VALUE}.")
  String warmup;

  @Option(
      names = "--prefault",
      description =
          "Memory to fault in while the server starts (at most --memory-limit), into which the"
              + " first uploads are received, so that they do not take a page fault every 4 KiB;"
              + " it stays resident, as the server's reserve; logged with its duration; 0 skips"
              + " it. Default: ${DEFAULT-VALUE}.")
  String prefault;

  @Option(names = "--verbose", description = "Print stack traces on failure.")
  boolean verbose;

  /** The limits these flags describe. */
  ServerLimits limits() {
    return new ServerLimits(
        MemorySizes.parse(maxMessageSize), maxConnections, Durations.parse(idleTimeout));
  }

  /** The server options these flags describe. */
  ServerOptions options() {
    Credentials credentials = Credentials.NONE;
    if (authTokenFile != null) {
      credentials = credentials.with(Credentials.readTokenFile(authTokenFile));
    }
    if (authBasic != null && !authBasic.isEmpty()) {
      credentials = credentials.with(Credentials.parseUser(authBasic));
    }
    if (authBasicFile != null) {
      credentials = credentials.with(Credentials.readUserFile(authBasicFile));
    }
    return new ServerOptions(
        host,
        port,
        MemorySizes.parse(memoryLimit),
        tlsCert,
        tlsKey,
        ClientMixin.emptyToNull(authToken),
        Durations.parse(shutdownTimeout),
        ServerOptions.DEFAULT_CLIENT_WAIT_TIMEOUT,
        endpointRows,
        ClientMixin.emptyToNull(advertise),
        unixSocket,
        tlsClientCa,
        credentials,
        null);
  }

  @Override
  public Integer call() throws Exception {
    Main.setLogLevel(logLevel);
    ServerOptions options = options().withDataDir(dataDir);
    ServerLimits limits = limits();
    Duration warmupBudget = Durations.parse(warmup);
    long building = System.nanoTime();
    // Beside the server's construction, on the other core; done before it listens.
    FutureTask<Prefaulted> prefaulting =
        prefaultInBackground(
            Math.min(MemorySizes.parseOrZero(prefault), options.effectiveMemoryLimit()));
    FlightLabServer built = FlightLabServer.builder(options).limits(limits).build();
    logPrefault(prefaulting);
    FlightLabServer server = built.start();
    logReady(Duration.ofNanos(System.nanoTime() - building));
    // The warm-up runs after the server listens and yields to the first client that connects.
    AtomicBoolean stopping = new AtomicBoolean();
    Thread warming = warmUpInBackground(warmupBudget, server, stopping);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean failed = new AtomicBoolean();
    Runnable stop =
        () -> {
          stopping.set(true);
          try {
            server.close();
            if (warming != null) {
              warming.join();
            }
          } catch (Throwable t) {
            failed.set(true);
            // Main's handler may be gone by now: the same one line (a leak report spans many).
            System.err.println("flightlab serve: shutdown: " + Main.describe(t));
            if (verbose) {
              t.printStackTrace();
            }
          } finally {
            stopped.countDown();
          }
        };
    // SIGTERM and SIGINT drain the server and return here, so the process exits 0 (or 1 when the
    // shutdown failed) rather than the 143 of a JVM that a signal shut down. The hook covers any
    // other way the JVM ends.
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "flightlab-shutdown-hook"));
    try (StopSignals ignored =
        StopSignals.install(() -> new Thread(stop, "flightlab-shutdown").start())) {
      if (portFile != null) {
        writePortFile(portFile, server.port());
      }
      if (warming != null) {
        warming.start();
      }
      server.awaitTermination();
      stopped.await();
      if (warming != null) {
        warming.join();
      }
    }
    return failed.get() ? Main.EXIT_FAILURE : 0;
  }

  /**
   * One line saying how long the server took to accept connections after the process started, in
   * which steps, and with which JVM flags (the launcher's per-command defaults and class-data
   * archive: FLIGHTLAB_JAVA_OPTS and FLIGHTLAB_JVM_CACHE=off change them; the data dir's load has
   * its own line). Nothing else runs before the server listens: the warm-up comes after.
   */
  private static void logReady(Duration serverStart) {
    Optional<Duration> total = Launch.sinceLaunch();
    List<String> flags = Launch.vmFlags();
    log.info(
        "Accepting connections {} after launch ({}server and store {} ms); JVM flags: {}",
        total.map(d -> d.toMillis() + " ms").orElse("(launch time unknown)"),
        total
            .map(d -> "JVM and command line " + (d.toMillis() - serverStart.toMillis()) + " ms, ")
            .orElse(""),
        serverStart.toMillis(),
        flags.isEmpty() ? "none" : String.join(" ", flags));
  }

  /** What the prefault did: bytes faulted in, and how long it took. */
  private record Prefaulted(long bytes, long nanos) {}

  /**
   * Starts faulting in {@code bytes} for the first uploads ({@link Allocators#prefault}) on a
   * thread of its own.
   */
  private static FutureTask<Prefaulted> prefaultInBackground(long bytes) {
    FutureTask<Prefaulted> task =
        new FutureTask<>(
            () -> {
              long started = System.nanoTime();
              long done = bytes > 0 ? Allocators.prefault(bytes) : 0;
              return new Prefaulted(done, System.nanoTime() - started);
            });
    Thread t = new Thread(task, "flightlab-prefault-reserve");
    t.setDaemon(true);
    t.start();
    return task;
  }

  /**
   * Waits for the prefault and says what it did. One that failed (the OS refused the memory) is
   * logged and changes nothing else: uploads then take their memory as they come.
   */
  private static void logPrefault(FutureTask<Prefaulted> prefaulting) throws InterruptedException {
    try {
      Prefaulted done = prefaulting.get();
      if (done.bytes() > 0) {
        log.info(
            "Prefaulted {} for the first uploads in {} ms, before listening (--prefault 0 skips"
                + " it)",
            MemorySizes.format(done.bytes()),
            TimeUnit.NANOSECONDS.toMillis(done.nanos()));
      }
    } catch (ExecutionException e) {
      log.warn("Prefault failed, serving without it: {}", Main.describe(e.getCause()));
    }
  }

  /**
   * The thread that warms the JIT up once the server listens (null when {@code budget} is zero):
   * uploads and downloads through a throwaway loopback server until the budget is spent, the first
   * client connects to {@code server}, or the server stops, whichever comes first; then one line
   * saying what it did and why it stopped. A warm-up that fails is logged and changes nothing else,
   * since it only costs the first clients time.
   */
  private static Thread warmUpInBackground(
      Duration budget, FlightLabServer server, AtomicBoolean stopping) {
    if (budget.isZero()) {
      return null;
    }
    Runnable work =
        () -> {
          try {
            ServerWarmup.Outcome done =
                ServerWarmup.run(
                    budget, false, () -> stopping.get() || server.connectionsAcceptedEver() > 0);
            log.info(
                "Warm-up: {} uploads and {} downloads ({} moved) through a throwaway loopback"
                    + " server in {} ms, after listening; {} (--warmup 0 skips it)",
                done.uploads(),
                done.downloads(),
                MemorySizes.format(done.bytes()),
                done.took().toMillis(),
                done.yielded()
                    ? (stopping.get() ? "stopped by the shutdown" : "yielded to the first client")
                    : "its whole budget of " + Durations.format(budget));
          } catch (Exception e) {
            log.warn("Warm-up failed, serving without it: {}", Main.describe(e));
          }
        };
    Thread t = new Thread(work, "flightlab-warmup");
    t.setDaemon(true);
    return t;
  }

  /**
   * SIGTERM and SIGINT handlers that start a graceful shutdown (once) instead of the JVM's; {@code
   * close()} puts the previous handlers back. Without sun.misc.Signal, it installs nothing and the
   * shutdown hook does the work.
   */
  static final class StopSignals implements AutoCloseable {
    private static final String[] NAMES = {"TERM", "INT"};
    private final Map<String, sun.misc.SignalHandler> previous = new HashMap<>();

    static StopSignals install(Runnable onFirstSignal) {
      StopSignals s = new StopSignals();
      AtomicBoolean signalled = new AtomicBoolean();
      for (String name : NAMES) {
        try {
          s.previous.put(
              name,
              sun.misc.Signal.handle(
                  new sun.misc.Signal(name),
                  signal -> {
                    if (signalled.compareAndSet(false, true)) {
                      onFirstSignal.run();
                    }
                  }));
        } catch (IllegalArgumentException | LinkageError e) {
          // This JVM or platform does not let us handle it: the shutdown hook still drains.
        }
      }
      return s;
    }

    @Override
    public void close() {
      previous.forEach(
          (name, handler) -> {
            try {
              sun.misc.Signal.handle(new sun.misc.Signal(name), handler);
            } catch (IllegalArgumentException e) {
              // leave ours: it only starts a shutdown that has already happened
            }
          });
    }
  }

  /** The defaults of the flags that set a {@link ServerOptions} field: ServerOptions' own. */
  static final class ServerDefaults implements CommandLine.IDefaultValueProvider {
    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
      if (!(arg instanceof CommandLine.Model.OptionSpec option)) {
        return null;
      }
      ServerOptions defaults = ServerOptions.defaults();
      return switch (option.longestName()) {
        case "--host" -> defaults.host();
        case "--port" -> Integer.toString(defaults.port());
        case "--memory-limit" -> ServerOptions.DEFAULT_MEMORY_LIMIT;
        case "--shutdown-timeout" -> Durations.format(defaults.shutdownTimeout());
        case "--max-message-size" -> MemorySizes.format(ServerLimits.DEFAULT_MAX_MESSAGE_BYTES);
        case "--max-connections" -> Integer.toString(ServerLimits.DEFAULT_MAX_CONNECTIONS);
        case "--idle-timeout" -> Durations.format(ServerLimits.DEFAULT_IDLE_TIMEOUT);
        case "--endpoint-rows" -> Long.toString(defaults.endpointRows());
        case "--warmup" -> Durations.format(DEFAULT_WARMUP);
        case "--prefault" -> MemorySizes.format(DEFAULT_PREFAULT_BYTES);
        default -> null;
      };
    }
  }

  /** Writes {@code port} to {@code file} through a temporary file, so readers never see half. */
  static void writePortFile(Path file, int port) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path tmp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
    Files.writeString(tmp, port + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Parses "10s", "500ms", "2m" or a number of seconds, and prints durations that way. */
  static final class Durations {
    private Durations() {}

    /** "10s" for whole seconds, else "1500ms". */
    static String format(Duration duration) {
      long millis = duration.toMillis();
      return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    static Duration parse(String text) {
      String t = text.trim().toLowerCase(java.util.Locale.ROOT);
      try {
        if (t.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
          return Duration.ofMillis(
              (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
          return Duration.ofMillis(
              (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
        }
        return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "not a duration: '" + text + "' (examples: 10s, 500ms, 2m)");
      }
    }
  }
}
