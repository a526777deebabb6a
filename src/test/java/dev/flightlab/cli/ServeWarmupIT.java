package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.testing.ServeProcess;
import dev.flightlab.testing.ServerFixture;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code flightlab serve} process warms up after it listens, not before: it accepts
 * connections first, its warm-up stops when the first client connects (or the server stops), and
 * the log says how long it ran and why it ended.
 */
class ServeWarmupIT {
  private static final Duration EXIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void theWarmUpComesAfterListeningAndYieldsToTheFirstClient() throws Exception {
    try (ServeProcess serve = ServeProcess.start(dir.resolve("serve.log"), "--warmup", "10m")) {
      listIsEmpty(serve);
      ServerFixture.awaitUntil(
          () -> serve.log().contains("Warm-up: "),
          () -> "the warm-up's line; log:\n" + serve.log());
      String text = serve.log();
      assertThat(text)
          .containsPattern(
              "Warm-up: \\d+ uploads and \\d+ downloads \\(.*\\) through a throwaway loopback"
                  + " server in \\d+ ms, after listening; yielded to the first client \\(--warmup 0"
                  + " skips it\\)");
      assertThat(text.indexOf("Accepting connections")).isLessThan(text.indexOf("Warm-up: "));
      stopsWithZero(serve);
    }
  }

  @Test
  void aShutdownDuringTheWarmUpEndsItAndTheServerExitsZero() throws Exception {
    try (ServeProcess serve = ServeProcess.start(dir.resolve("serve.log"), "--warmup", "10m")) {
      stopsWithZero(serve);
      assertThat(serve.log()).contains("after listening; stopped by the shutdown");
    }
  }

  @Test
  void warmupZeroSkipsIt() throws Exception {
    try (ServeProcess serve = ServeProcess.start(dir.resolve("serve.log"), "--warmup", "0")) {
      listIsEmpty(serve);
      stopsWithZero(serve);
      assertThat(serve.log()).contains("Accepting connections").doesNotContain("Warm-up");
    }
  }

  /** The warm-up's throwaway server is its own: nothing of it reaches this one. */
  private static void listIsEmpty(ServeProcess serve) throws Exception {
    try (RootAllocator allocator = new RootAllocator();
        FlightLabClient client =
            FlightLabClient.connect(ClientOptions.of(serve.uri()), allocator)) {
      assertThat(client.list(null)).isEmpty();
    }
  }

  private static void stopsWithZero(ServeProcess serve) throws Exception {
    serve.sigterm();
    assertThat(serve.awaitExit(EXIT)).as("exit code; log:%n%s", serve.log()).isZero();
    assertThat(serve.log()).doesNotContain("leaked").doesNotContain("Warm-up failed");
  }
}
