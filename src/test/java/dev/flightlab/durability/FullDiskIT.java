package dev.flightlab.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.FlightAssertions;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data dir on a full file system: an 8 MiB tmpfs (or, where tmpfs cannot be mounted, an 8 MiB
 * loop-mounted ext4 image). Mounting needs root, as CI has; elsewhere the test is skipped with the
 * reason.
 */
class FullDiskIT {
  private static final DatasetPath SMALL = DatasetPath.parse("/full/small");

  @TempDir Path tmp;

  private Path mount;

  @BeforeEach
  void mountSmallFileSystem() throws Exception {
    mount = Files.createDirectories(tmp.resolve("mnt"));
    String tmpfs = run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount.toString());
    if (tmpfs == null) {
      return;
    }
    Path image = tmp.resolve("fs.img");
    String loop =
        run("truncate", "-s", "8M", image.toString()) != null
            ? "truncate failed"
            : run("mkfs.ext4", "-q", "-F", image.toString());
    if (loop == null) {
      loop = run("mount", "-o", "loop", image.toString(), mount.toString());
    }
    Assumptions.assumeTrue(
        loop == null,
        "cannot mount a small file system (tmpfs: " + tmpfs + "; loop ext4: " + loop + ")");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      run("umount", mount.toString());
    }
  }

  /** Runs a command; null when it succeeded, else its exit code and output. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return e.getMessage();
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timed out";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
  }

  private ServerFixture start() throws IOException {
    return ServerFixture.start(ServerOptions.ephemeral().withDataDir(mount.resolve("data")));
  }

  private List<String> leftovers() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(mount.resolve("data").resolve("datasets"))) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).forEach(out::add);
    }
    return out;
  }

  @Test
  void aFullDiskIsResourceExhaustedAndKeepsTheOldVersion() throws Exception {
    try (ServerFixture fx = start();
        BatchSet small = Tables.people(fx.allocator(), 0, "s", 20_000);
        BatchSet big = Tables.people(fx.allocator(), 0, "b", 200_000, 200_000)) {
      fx.client().put(SMALL, small, PutMode.REPLACE);
      FlightAssertions.assertStatus(
          () -> fx.client().put(SMALL, big, PutMode.REPLACE),
          FlightStatusCode.RESOURCE_EXHAUSTED,
          "'/full/small'",
          "full");
      FlightAssertions.assertStatus(
          () -> fx.client().put(SMALL, big, PutMode.APPEND),
          FlightStatusCode.RESOURCE_EXHAUSTED,
          "full");
      FlightAssertions.assertStatus(
          () -> fx.client().put(DatasetPath.parse("/full/new"), big, PutMode.REPLACE),
          FlightStatusCode.RESOURCE_EXHAUSTED,
          "full");
      assertThat(leftovers()).isEmpty();
      try (BatchSet got = fx.client().get(SMALL)) {
        Tables.assertSameTable(small, got, fx.allocator());
      }
      // What failed left no space taken: a small upload still fits.
      fx.client().put(DatasetPath.parse("/full/other"), small, PutMode.REPLACE);
      assertThat(fx.client().stats().get("datasets").asInt()).isEqualTo(2);
    }
    try (ServerFixture fx = start();
        BatchSet small = Tables.people(fx.allocator(), 0, "s", 20_000)) {
      try (BatchSet got = fx.client().get(SMALL)) {
        Tables.assertSameTable(small, got, fx.allocator());
      }
      assertThat(fx.client().list(null)).hasSize(2);
    }
  }
}
