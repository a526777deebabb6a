package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.testing.ServerFixture;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code flightlab serve} process warms up after it listens, not before: it accepts
 * connections first, its warm-up stops when the first client connects (or the server stops), and
 * the log says how long it ran and why it ended.
 */
class ServeWarmupIT {
  @TempDir Path dir;

  @Test
  void theWarmUpComesAfterListeningAndYieldsToTheFirstClient() throws Exception {
    Path log = dir.resolve("serve.log");
    Process serve = start(log, "--warmup", "10m");
    try (RootAllocator allocator = new RootAllocator()) {
      int port = awaitPort(serve, log);
      try (FlightLabClient client =
          FlightLabClient.connect(
              ClientOptions.of(URI.create("grpc://127.0.0.1:" + port)), allocator)) {
        // The warm-up's throwaway server is its own: nothing of it reaches this one.
        assertThat(client.list(null)).isEmpty();
        ServerFixture.awaitUntil(
            () -> read(log).contains("Warm-up: "), () -> "the warm-up's line; log:\n" + read(log));
      }
      String text = read(log);
      assertThat(text)
          .containsPattern(
              "Warm-up: \\d+ uploads and \\d+ downloads \\(.*\\) through a throwaway loopback"
                  + " server in \\d+ ms, after listening; yielded to the first client \\(--warmup 0"
                  + " skips it\\)");
      assertThat(text.indexOf("Accepting connections")).isLessThan(text.indexOf("Warm-up: "));
      stopAndExpectZero(serve, log);
    } finally {
      serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aShutdownDuringTheWarmUpEndsItAndTheServerExitsZero() throws Exception {
    Path log = dir.resolve("serve.log");
    Process serve = start(log, "--warmup", "10m");
    try {
      awaitPort(serve, log);
      stopAndExpectZero(serve, log);
      assertThat(read(log)).contains("after listening; stopped by the shutdown");
    } finally {
      serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void warmupZeroSkipsIt() throws Exception {
    Path log = dir.resolve("serve.log");
    Process serve = start(log, "--warmup", "0");
    try (RootAllocator allocator = new RootAllocator()) {
      int port = awaitPort(serve, log);
      try (FlightLabClient client =
          FlightLabClient.connect(
              ClientOptions.of(URI.create("grpc://127.0.0.1:" + port)), allocator)) {
        assertThat(client.list(null)).isEmpty();
      }
      stopAndExpectZero(serve, log);
      assertThat(read(log)).contains("Accepting connections").doesNotContain("Warm-up");
    } finally {
      serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process start(Path log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("-Xmx") || arg.startsWith("-D")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "serve",
            "--port",
            "0",
            "--port-file",
            dir.resolve("port").toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private int awaitPort(Process serve, Path log) throws Exception {
    Path portFile = dir.resolve("port");
    ServerFixture.awaitUntil(
        () -> Files.exists(portFile) || !serve.isAlive(),
        () -> "serve to write its port file; log:\n" + read(log));
    assertThat(serve.isAlive()).as("serve is running; log:%n%s", read(log)).isTrue();
    return Integer.parseInt(Files.readString(portFile).trim());
  }

  private static void stopAndExpectZero(Process serve, Path log) throws Exception {
    serve.destroy(); // SIGTERM
    assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("serve exits; log:%n%s", read(log)).isTrue();
    assertThat(serve.exitValue()).as("exit code; log:%n%s", read(log)).isZero();
    assertThat(read(log)).doesNotContain("leaked").doesNotContain("Warm-up failed");
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (java.io.IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
