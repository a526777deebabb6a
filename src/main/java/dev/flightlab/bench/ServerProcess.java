package dev.flightlab.bench;

import dev.flightlab.server.ServerOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code flightlab serve} in a child JVM, so the server gets its own heap, GC and JIT.
 *
 * <p>The child runs the same code as this JVM (the jar it was started from, or the same class path
 * in tests) with the same JVM flags, binds the port asked for (0: any free one) on loopback and
 * reports it through {@code --port-file}. Its output goes to a log file, shown when it fails.
 * {@link #close} stops it with SIGTERM (a graceful shutdown), then forcibly after a deadline; a
 * shutdown hook does the same if this JVM exits first.
 */
public final class ServerProcess implements AutoCloseable {
  /** How long the child may take to start listening. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** How long a graceful stop may take before the child is killed. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  /** The class whose {@code main} the child runs (the CLI's entry point). */
  static final String MAIN_CLASS = "dev.flightlab.cli.Main";

  private final Process process;
  private final Path directory;
  private final Path log;
  private final int port;
  private final Thread hook;

  private ServerProcess(Process process, Path directory, Path log, int port, Thread hook) {
    this.process = process;
    this.directory = directory;
    this.log = log;
    this.port = port;
    this.hook = hook;
  }

  /** Starts the child and waits until it listens. */
  static ServerProcess start(ServerOptions options) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("flightlab-bench-server");
    Path portFile = dir.resolve("port");
    Path log = dir.resolve("server.log");
    List<String> command = command(options, portFile);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    if (options.authToken() != null) {
      // Through the environment, not the command line, where `ps` would show it.
      pb.environment().put("FLIGHTLAB_AUTH_TOKEN", options.authToken());
    } else {
      pb.environment().remove("FLIGHTLAB_AUTH_TOKEN");
    }
    Process p = pb.start();
    Thread hook = new Thread(p::destroyForcibly, "flightlab-bench-server-reaper");
    Runtime.getRuntime().addShutdownHook(hook);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try {
      while (true) {
        if (Files.exists(portFile)) {
          String text = Files.readString(portFile, StandardCharsets.US_ASCII).trim();
          if (!text.isEmpty()) {
            return new ServerProcess(p, dir, log, Integer.parseInt(text), hook);
          }
        }
        if (!p.isAlive()) {
          throw new IOException(
              "the server process exited with code " + p.exitValue() + ": " + tail(log));
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "the server process did not listen within "
                  + START_TIMEOUT.toSeconds()
                  + " s: "
                  + tail(log));
        }
        Thread.sleep(20);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      removeHook(hook);
      throw e;
    }
  }

  /** The command that starts the child: java, this JVM's flags, the jar or class path, serve. */
  static List<String> command(ServerOptions options, Path portFile) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (inheritable(arg)) {
        cmd.add(arg);
      }
    }
    Path code = codeSource();
    if (code != null && Files.isRegularFile(code) && code.toString().endsWith(".jar")) {
      // The manifest's Add-Opens applies under -jar.
      cmd.add("-jar");
      cmd.add(code.toString());
    } else {
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(MAIN_CLASS);
    }
    cmd.add("serve");
    if (options.unixSocket() != null) {
      cmd.add("--unix-socket");
      cmd.add(options.unixSocket().toAbsolutePath().toString());
    } else {
      cmd.add("--host");
      cmd.add(options.host());
      cmd.add("--port");
      cmd.add(Integer.toString(options.port()));
    }
    cmd.add("--port-file");
    cmd.add(portFile.toString());
    cmd.add("--log-level");
    cmd.add("warn");
    if (options.tls()) {
      cmd.add("--tls-cert");
      cmd.add(options.tlsCertChain().toString());
      cmd.add("--tls-key");
      cmd.add(options.tlsPrivateKey().toString());
    }
    return cmd;
  }

  /** Flags the child should not copy: debuggers and agents would clash over ports and files. */
  static boolean inheritable(String arg) {
    return !(arg.startsWith("-agentlib")
        || arg.startsWith("-agentpath")
        || arg.startsWith("-javaagent")
        || arg.startsWith("-Xrunjdwp")
        || arg.startsWith("-Xdebug")
        || arg.startsWith("-XX:+StartFlightRecording")
        || arg.startsWith("-XX:StartFlightRecording")
        || arg.startsWith("-XX:AOTCacheOutput")
        // The launcher's archives are per command: the bench's would not fit a server.
        || arg.startsWith("-XX:AOTCache=")
        || arg.startsWith("-XX:SharedArchiveFile")
        || arg.startsWith("-XX:ArchiveClassesAtExit")
        || arg.startsWith("-XX:HeapDumpPath"));
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static Path codeSource() {
    try {
      CodeSource source = ServerProcess.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | SecurityException e) {
      return null;
    }
  }

  /** The last lines of the child's log, on one line. */
  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
      String text = String.join(" | ", last).trim();
      return text.isEmpty() ? "(no output; log " + log + ")" : text;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The port the child listens on. */
  int port() {
    return port;
  }

  /** The child's process id. */
  long pid() {
    return process.pid();
  }

  /** Null while the child runs; otherwise its exit code and last output. */
  String failure() {
    if (process.isAlive()) {
      return null;
    }
    return "the server process exited with code " + process.exitValue() + ": " + tail(log);
  }

  /** Stops the child gracefully (SIGTERM), forcibly after {@link #STOP_TIMEOUT}. */
  @Override
  public void close() throws InterruptedException {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      removeHook(hook);
      try {
        Files.deleteIfExists(directory.resolve("port"));
        Files.deleteIfExists(log);
        Files.deleteIfExists(directory);
      } catch (IOException e) {
        // a leftover temporary file is harmless
      }
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // this JVM is already shutting down: the hook runs anyway
    }
  }
}
