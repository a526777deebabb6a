package dev.flightlab.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code flightlab serve} in a child JVM (this JVM's class path, its {@code --add-opens} and {@code
 * -D} flags), on a free loopback port: for tests that signal a real server process (SIGTERM,
 * SIGKILL) or read what it logs.
 */
public final class ServeProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;
  private final int port;
  private final Thread reaper;

  private ServeProcess(Process process, Path log, int port, Thread reaper) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.reaper = reaper;
  }

  /**
   * Starts {@code flightlab serve --port 0 ARGS...}, its output in {@code log}; waits until it has
   * written its port file (it listens).
   */
  public static ServeProcess start(Path log, String... args)
      throws IOException, InterruptedException {
    return start(log, List.of(), args);
  }

  /** Like {@link #start(Path, String...)}, with {@code jvmFlags} (such as -D properties) too. */
  public static ServeProcess start(Path log, List<String> jvmFlags, String... args)
      throws IOException, InterruptedException {
    Path portFile = log.resolveSibling(log.getFileName() + ".port");
    Files.deleteIfExists(portFile);
    List<String> cmd = mainCommand();
    cmd.addAll(cmd.indexOf("-cp"), jvmFlags);
    cmd.addAll(List.of("serve", "--port", "0", "--port-file", portFile.toString()));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // Should this JVM end first, the child goes with it.
    Thread reaper = new Thread(p::destroyForcibly, "serve-process-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (Files.exists(portFile)) {
        String text = Files.readString(portFile, StandardCharsets.US_ASCII).trim();
        if (!text.isEmpty()) {
          return new ServeProcess(p, log, Integer.parseInt(text), reaper);
        }
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Runtime.getRuntime().removeShutdownHook(reaper);
        throw new IOException("flightlab serve did not start: " + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  /**
   * Runs {@code flightlab ARGS...} (any command) in a child JVM set up as {@link #start}'s, its
   * output in {@code log}, to its end; its exit code.
   *
   * @throws IOException when it is still running after {@code timeout} (it is killed)
   */
  public static int runToEnd(Path log, Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = mainCommand();
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IOException("flightlab " + args[0] + " still ran after " + timeout);
    }
    return p.exitValue();
  }

  /** java, this JVM's --add-opens and -D flags, quick-start flags, and flightlab's Main. */
  private static List<String> mainCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("-D")) {
        cmd.add(arg);
      }
    }
    // A quick start matters more than peak speed here.
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.flightlab.cli.Main"));
    return cmd;
  }

  /** The server's address. */
  public URI uri() {
    return URI.create("grpc://127.0.0.1:" + port);
  }

  /** The server's port. */
  public int port() {
    return port;
  }

  /** The server's output so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** True while the process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM and returns at once. */
  public void sigterm() {
    process.destroy();
  }

  /** Waits for the process to end; its exit code, or throws when it is still running then. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "flightlab serve still runs after " + timeout + ":\n" + log());
    }
    removeReaper();
    return process.exitValue();
  }

  /** SIGKILL: the process ends at once, mid-call, with nothing flushed or closed. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("flightlab serve survived SIGKILL");
    }
    removeReaper();
  }

  private void removeReaper() {
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
  }

  /** SIGTERM, then SIGKILL after a deadline. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill9();
      }
    }
    removeReaper();
  }
}
