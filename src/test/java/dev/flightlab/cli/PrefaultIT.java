package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DataGenerator;
import dev.flightlab.data.GeneratorOptions;
import dev.flightlab.data.SchemaSpec;
import dev.flightlab.testing.ServeProcess;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code serve --prefault} and {@code demo --prefault} in real processes: the memory is faulted in
 * before the server listens, the log says how much and how long, the size is capped at the store's
 * memory limit, 0 skips it, and data uploaded into the region comes back intact.
 */
class PrefaultIT {
  private static final Duration EXIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void serveFaultsInBeforeListeningAndTheFirstUploadsComeBackIntact() throws Exception {
    try (ServeProcess serve =
        ServeProcess.start(dir.resolve("serve.log"), "--prefault", "8MiB", "--warmup", "0")) {
      String text = serve.log();
      assertThat(text)
          .containsPattern(
              "Prefaulted 8\\.00 MiB for the first uploads in \\d+ ms, before listening"
                  + " \\(--prefault 0 skips it\\)");
      assertThat(text.indexOf("Prefaulted")).isLessThan(text.indexOf("Accepting connections"));
      // 12 MiB in batches of 256 KiB columns: the first ones land in the region, the rest not.
      try (RootAllocator allocator = new RootAllocator()) {
        try (FlightLabClient client =
                FlightLabClient.connect(ClientOptions.of(serve.uri()), allocator);
            BatchSet table =
                DataGenerator.generate(
                    SchemaSpec.parse("int64x4"),
                    393_216,
                    32_768,
                    GeneratorOptions.defaults(),
                    allocator)) {
          for (PutMode mode : new PutMode[] {PutMode.CREATE, PutMode.REPLACE}) {
            client.put(DatasetPath.parse("/prefaulted"), table, mode);
            try (BatchSet back = client.get(DatasetPath.parse("/prefaulted"))) {
              Tables.assertSameTable(table, back, allocator);
            }
          }
        }
        assertThat(allocator.getAllocatedMemory()).isZero();
      }
      serve.sigterm();
      assertThat(serve.awaitExit(EXIT)).as("exit code; log:%n%s", serve.log()).isZero();
      assertThat(serve.log()).doesNotContain("leaked");
    }
  }

  /**
   * Four clients upload, replace and read back at once while the region runs out, and a clear
   * between rounds hands every carved block back (so the region starts over): no byte of one
   * dataset may show up in another. Without the block cache, every replaced dataset's blocks go
   * straight back to the region while the other clients' blocks are still in use.
   */
  @ParameterizedTest(name = "block cache bytes: {0}")
  @ValueSource(strings = {"default", "0"})
  void concurrentUploadsAndClearsThroughTheRegionKeepEveryDatasetIntact(String cacheBytes)
      throws Exception {
    List<String> jvmFlags =
        cacheBytes.equals("default") ? List.of() : List.of("-Dflightlab.blockCacheBytes=0");
    try (ServeProcess serve =
        ServeProcess.start(
            dir.resolve("serve.log"), jvmFlags, "--prefault", "6MiB", "--warmup", "0")) {
      try (RootAllocator allocator = new RootAllocator()) {
        for (int round = 0; round < 3; round++) {
          List<Future<?>> clients = new ArrayList<>();
          ExecutorService pool = Executors.newFixedThreadPool(4);
          try {
            for (int c = 0; c < 4; c++) {
              int client = c;
              int r = round;
              clients.add(pool.submit(() -> uploadAndCheck(serve, allocator, r, client)));
            }
            for (Future<?> f : clients) {
              f.get(2, TimeUnit.MINUTES);
            }
          } finally {
            pool.shutdownNow();
          }
          try (FlightLabClient client =
              FlightLabClient.connect(ClientOptions.of(serve.uri()), allocator)) {
            assertThat(client.list(null)).hasSize(4 * 3);
            // Every dataset still holds its own last upload, after all the others' traffic.
            for (int c = 0; c < 4; c++) {
              for (int d = 0; d < 3; d++) {
                try (BatchSet want = table(allocator, round, c, d, PutMode.REPLACE);
                    BatchSet got = client.get(path(c, d))) {
                  Tables.assertSameTable(want, got, allocator);
                }
              }
            }
            client.clear();
            assertThat(client.list(null)).isEmpty();
          }
        }
        assertThat(allocator.getAllocatedMemory()).isZero();
      }
      serve.sigterm();
      assertThat(serve.awaitExit(EXIT)).as("exit code; log:%n%s", serve.log()).isZero();
      assertThat(serve.log()).doesNotContain("leaked");
    }
  }

  /** One client's share: three datasets of its own data, each replaced once and read back. */
  private static Void uploadAndCheck(
      ServeProcess serve, RootAllocator allocator, int round, int client) throws Exception {
    try (FlightLabClient flight =
        FlightLabClient.connect(ClientOptions.of(serve.uri()), allocator)) {
      for (int d = 0; d < 3; d++) {
        for (PutMode mode : new PutMode[] {PutMode.CREATE, PutMode.REPLACE}) {
          try (BatchSet table = table(allocator, round, client, d, mode)) {
            flight.put(path(client, d), table, mode);
            try (BatchSet back = flight.get(path(client, d))) {
              Tables.assertSameTable(table, back, allocator);
            }
          }
        }
      }
    }
    return null;
  }

  private static DatasetPath path(int client, int dataset) {
    return DatasetPath.parse("/c" + client + "/d" + dataset);
  }

  /** The data of one upload: its own seed, 6-7 batches of 512 KiB bodies (exact-size blocks). */
  private static BatchSet table(
      RootAllocator allocator, int round, int client, int dataset, PutMode mode) {
    return DataGenerator.generate(
        SchemaSpec.parse("int64x4"),
        98_304 + 4_096L * dataset,
        16_384,
        GeneratorOptions.defaults()
            .withSeed(1_000L * round + 100L * client + 10L * dataset + mode.ordinal()),
        allocator);
  }

  @Test
  void servePrefaultsNoMoreThanTheMemoryLimit() throws Exception {
    try (ServeProcess serve =
        ServeProcess.start(
            dir.resolve("serve.log"),
            "--prefault",
            "1GiB",
            "--memory-limit",
            "3MiB",
            "--warmup",
            "0")) {
      assertThat(serve.log()).contains("Prefaulted 3.00 MiB for the first uploads");
      serve.sigterm();
      assertThat(serve.awaitExit(EXIT)).isZero();
    }
  }

  @Test
  void prefaultZeroSkipsIt() throws Exception {
    try (ServeProcess serve =
        ServeProcess.start(dir.resolve("serve.log"), "--prefault", "0", "--warmup", "0")) {
      serve.sigterm();
      assertThat(serve.awaitExit(EXIT)).isZero();
      assertThat(serve.log()).contains("Accepting connections").doesNotContain("Prefault");
    }
  }

  @Test
  void theDemosEmbeddedServerFaultsInBeforeItStartsAndCountsNoneOfIt() throws Exception {
    Path log = dir.resolve("demo.log");
    int exit =
        ServeProcess.runToEnd(
            log,
            EXIT,
            "demo",
            "--batches",
            "3",
            "--rows-per-batch",
            "65536",
            "--warmup",
            "0",
            "--prefault",
            "4MiB");
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exit).as(text).isZero();
    assertThat(text)
        .containsPattern(
            "Prefaulted 4\\.00 MiB for the embedded server's first uploads in \\d+ ms"
                + " \\(--prefault 0 skips it; nothing of it is counted below\\)")
        .contains("Successful do_put operations: 3 of 3");
    assertThat(text.indexOf("Prefaulted")).isLessThan(text.indexOf("Started embedded"));

    Path skipped = dir.resolve("demo-0.log");
    assertThat(
            ServeProcess.runToEnd(
                skipped,
                EXIT,
                "demo",
                "--batches",
                "1",
                "--rows-per-batch",
                "100",
                "--warmup",
                "0",
                "--prefault",
                "0"))
        .isZero();
    assertThat(Files.readString(skipped, StandardCharsets.UTF_8)).doesNotContain("Prefault");
  }
}
