package dev.flightlab.cli;

import dev.flightlab.jvm.MemorySizes;
import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flightlab serve}: runs the Flight dataset server until Ctrl-C or SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the Flight dataset server until Ctrl-C/SIGTERM.")
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--host",
      defaultValue = ServerOptions.DEFAULT_HOST,
      description = "Address to bind. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = "--port",
      defaultValue = "" + ServerOptions.DEFAULT_PORT,
      description = "Port to bind (0 picks a free one). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--memory-limit",
      defaultValue = "75%",
      description =
          "Most direct memory the stored datasets may hold: bytes, 512m, 2GiB, or a share of the"
              + " JVM's direct memory such as 60%%. Default: ${DEFAULT-VALUE}.")
  String memoryLimit;

  @Option(names = "--tls-cert", description = "PEM certificate chain: serve grpc+tls.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key for --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--auth-token",
      defaultValue = "${env:FLIGHTLAB_AUTH_TOKEN}",
      description =
          "Require this bearer token on every call (default: $FLIGHTLAB_AUTH_TOKEN, none when unset).")
  String authToken;

  @Option(
      names = "--shutdown-timeout",
      defaultValue = "10s",
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
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Store every committed upload durably in DIR (created when missing) and load what it"
              + " holds at start; stored datasets are served from memory-mapped files, outside"
              + " --memory-limit. Default: none (memory only).")
  Path dataDir;

  @Option(names = "--verbose", description = "Print stack traces on failure.")
  boolean verbose;

  /** The server options these flags describe. */
  ServerOptions options() {
    return new ServerOptions(
        host,
        port,
        MemorySizes.parse(memoryLimit),
        tlsCert,
        tlsKey,
        ClientMixin.emptyToNull(authToken),
        Durations.parse(shutdownTimeout),
        ServerOptions.DEFAULT_CLIENT_WAIT_TIMEOUT);
  }

  @Override
  public Integer call() throws Exception {
    Main.setLogLevel(logLevel);
    ServerOptions options = options().withDataDir(dataDir);
    FlightLabServer server = FlightLabServer.builder(options).build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              try {
                server.close();
              } catch (Exception e) {
                System.err.println("flightlab serve: shutdown: " + e.getMessage());
              } finally {
                stopped.countDown();
              }
            },
            "flightlab-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (portFile != null) {
      writePortFile(portFile, server.port());
    }
    server.awaitTermination();
    stopped.await();
    return 0;
  }

  /** Writes {@code port} to {@code file} through a temporary file, so readers never see half. */
  static void writePortFile(Path file, int port) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path tmp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
    Files.writeString(tmp, port + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Parses "10s", "500ms", "2m" or a number of seconds. */
  static final class Durations {
    private Durations() {}

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
