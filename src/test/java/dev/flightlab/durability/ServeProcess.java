package dev.flightlab.durability;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code flightlab serve --data-dir DIR} in a child JVM (this JVM's class path and flags), so that
 * a test can kill it with SIGKILL and start another on the same directory.
 */
final class ServeProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern LOADED =
      Pattern.compile("loaded (\\d+) datasets .* set aside (\\d+) to");

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

  /** Starts a server on {@code dataDir}, its output in {@code log}; waits until it listens. */
  static ServeProcess start(Path dataDir, Path log, String... extra)
      throws IOException, InterruptedException {
    Path portFile = log.resolveSibling(log.getFileName() + ".port");
    Files.deleteIfExists(portFile);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")
          || arg.startsWith("-Dio.netty")
          || arg.startsWith("-Duser")) {
        cmd.add(arg);
      }
    }
    // A quick start matters more than peak speed here.
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.flightlab.cli.Main"));
    cmd.addAll(List.of("serve", "--port", "0", "--port-file", portFile.toString()));
    cmd.addAll(List.of("--data-dir", dataDir.toString()));
    cmd.addAll(List.of(extra));
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

  URI uri() {
    return URI.create("grpc://127.0.0.1:" + port);
  }

  /** The server's output so far. */
  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** The start-up log line's dataset count and set-aside count. */
  int[] loadedAndSetAside() throws IOException {
    Matcher m = LOADED.matcher(log());
    if (!m.find()) {
      throw new IllegalStateException("no start-up line in the log: " + log());
    }
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
  }

  /** SIGKILL: the process ends at once, mid-call, with nothing flushed or closed. */
  void kill9() throws InterruptedException {
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
