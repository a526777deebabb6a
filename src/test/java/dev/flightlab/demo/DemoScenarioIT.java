package dev.flightlab.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.ClientSecurity;
import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DemoTables;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** The original demo's flow and log lines, on an embedded server and on a separate one. */
class DemoScenarioIT {
  private static final int BATCHES = 5;
  private static final int ROWS = 1000;

  /** Collects the demo's lines. */
  private static final class CollectingLog implements DemoLog {
    final List<String> info = new ArrayList<>();
    final List<String> errors = new ArrayList<>();

    @Override
    public void info(String message) {
      info.add(message);
    }

    @Override
    public void error(String message) {
      errors.add(message);
    }
  }

  /** The benchmark's "Total data sent" figure, computed the way the issue defines it. */
  private static String expectedMegabytes() {
    long bytes = 0;
    try (RootAllocator allocator = new RootAllocator()) {
      for (int i = 0; i < BATCHES; i++) {
        try (BatchSet table = DemoTables.benchmarkTable(allocator, i, ROWS, ROWS)) {
          bytes += table.ipcStreamBytes(allocator);
        }
      }
    }
    return String.format(Locale.ROOT, "%.2f", bytes / (1024.0 * 1024.0));
  }

  /** The issue's lines, in order; each a literal line or a regex (prefixed "~"). */
  private static List<String> expectedLines(String server, List<String> listed) {
    List<String> lines = new ArrayList<>();
    lines.add("Flight client initialized, connecting to " + server);
    lines.add("Created table for '/my_app/user_sessions' with 3 rows.");
    lines.add("Created table for '/reports/daily_sales' with 2 rows.");
    lines.add("Now calling list_flights to see what's available...");
    for (String path : listed) {
      lines.add("  Found Flight: '" + path + "'");
    }
    lines.add("Successfully listed " + listed.size() + " flights.");
    lines.add("Successfully retrieved 2 rows from '/reports/daily_sales'.");
    lines.add("  product_category\trevenue");
    lines.add("  A\t150.75");
    lines.add("  B\t200.0");
    lines.add("--- Overall Performance Metrics (Benchmark do_put operations) ---");
    lines.add("Total data sent (benchmark): " + expectedMegabytes() + " MB");
    lines.add("~Total time spent in do_put calls: \\d+\\.\\d{4} seconds");
    lines.add("Successful do_put operations: " + BATCHES + " of " + BATCHES);
    lines.add("~Overall Throughput \\(MB/s\\): \\d+\\.\\d{2} MB/s");
    lines.add("~Overall Rate \\(DoPut ops/sec\\): \\d+\\.\\d{2} ops/sec");
    return lines;
  }

  /**
   * Asserts that {@code expected} appear in {@code actual} in this order (others may be between).
   */
  private static void assertInOrder(List<String> actual, List<String> expected) {
    int at = 0;
    for (String want : expected) {
      int found = -1;
      for (int i = at; i < actual.size(); i++) {
        boolean matches =
            want.startsWith("~")
                ? actual.get(i).matches(want.substring(1))
                : actual.get(i).equals(want);
        if (matches) {
          found = i;
          break;
        }
      }
      assertThat(found)
          .as("line %s after line %d of:%n%s", want, at, String.join("\n", actual))
          .isNotNegative();
      at = found + 1;
    }
  }

  @Test
  void theDemoOnAnEmbeddedServerLogsTheOriginalLinesInOrder() throws Exception {
    CollectingLog log = new CollectingLog();
    try (RootAllocator allocator = new RootAllocator()) {
      int exit =
          new DemoScenario(new DemoOptions(null, BATCHES, ROWS, ClientSecurity.NONE), log)
              .run(allocator);
      assertThat(exit).isZero();
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
    assertThat(log.errors).isEmpty();
    Matcher started =
        Pattern.compile(
                "Started embedded flightlab server on grpc\\+tcp://127\\.0\\.0\\.1:(\\d+) .*")
            .matcher(log.info.get(0));
    assertThat(started.matches()).as(log.info.get(0)).isTrue();
    String server = "grpc://127.0.0.1:" + started.group(1);
    assertInOrder(
        log.info, expectedLines(server, List.of("/my_app/user_sessions", "/reports/daily_sales")));
  }

  @Test
  void aWarmedUpEmbeddedServerSaysSoAndCountsNoneOfIt() throws Exception {
    CollectingLog log = new CollectingLog();
    try (RootAllocator allocator = new RootAllocator()) {
      DemoOptions options =
          new DemoOptions(null, BATCHES, ROWS, ClientSecurity.NONE)
              .withWarmup(Duration.ofMillis(1));
      assertThat(new DemoScenario(options, log).run(allocator)).isZero();
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
    assertThat(log.errors).isEmpty();
    // One whole round at least: two tables up and down, before the embedded server starts.
    assertThat(log.info.get(0))
        .matches(
            "Warm-up: 2 uploads and 2 downloads through a throwaway embedded server in \\d+ ms,"
                + " before the embedded server listens \\(--warmup 0 skips it; .*");
    assertThat(log.info.get(1)).startsWith("Started embedded flightlab server on ");
    assertThat(log.info.get(log.info.size() - 1))
        .containsPattern(
            "fresh JVM whose upload and download code first ran for \\d+ ms through a throwaway"
                + " server in this JVM \\(--warmup\\), before the embedded server listened")
        .doesNotContain("no warm-up");
    // The demo's own uploads are all it lists: the warm-up's datasets never reach its server.
    assertThat(log.info).noneMatch(line -> line.contains("warm-up/"));
  }

  @Test
  void theDemoAgainstASeparateServerListsEveryDatasetOnIt() throws Exception {
    CollectingLog log = new CollectingLog();
    try (ServerFixture fx = ServerFixture.start()) {
      try (BatchSet other = Tables.people(fx.allocator(), 0, 3)) {
        fx.client().put(DatasetPath.parse("/already/there"), other, PutMode.REPLACE);
      }
      try (RootAllocator allocator = new RootAllocator()) {
        int exit =
            new DemoScenario(new DemoOptions(fx.uri(), BATCHES, ROWS, ClientSecurity.NONE), log)
                .run(allocator);
        assertThat(exit).isZero();
        assertThat(allocator.getAllocatedMemory()).isZero();
      }
      assertThat(log.errors).isEmpty();
      assertThat(log.info).noneMatch(l -> l.startsWith("Started embedded"));
      assertInOrder(
          log.info,
          expectedLines(
              fx.uri().toString(),
              List.of("/already/there", "/my_app/user_sessions", "/reports/daily_sales")));
      // The demo's datasets stay on the server.
      assertThat(fx.client().list("/benchmark")).hasSize(BATCHES);
      assertThat(fx.client().info(DatasetPath.parse("/benchmark/batch_4")).getRecords())
          .isEqualTo(ROWS);
      assertThat(fx.client().info(DatasetPath.parse("/my_app/user_sessions")).getRecords())
          .isEqualTo(3);
      assertThat(fx.client().list(null)).hasSize(BATCHES + 3);
    }
  }

  @Test
  void theDemoRunsAgainstAServerThatNeedsAToken() throws Exception {
    CollectingLog log = new CollectingLog();
    try (ServerFixture fx = ServerFixture.start(ServerOptions.ephemeral().withAuthToken("t0k"));
        RootAllocator allocator = new RootAllocator()) {
      int exit =
          new DemoScenario(
                  new DemoOptions(fx.uri(), 2, 100, ClientSecurity.NONE.withAuthToken("t0k")), log)
              .run(allocator);
      assertThat(exit).isZero();
      assertThat(log.errors).isEmpty();
      assertThat(log.info).contains("Successful do_put operations: 2 of 2");
    }
  }

  @Test
  void withAServerTheWarmUpRunsInThisJvmBeforeConnectingAndNeverReachesThatServer()
      throws Exception {
    CollectingLog log = new CollectingLog();
    try (ServerFixture fx = ServerFixture.start();
        RootAllocator allocator = new RootAllocator()) {
      DemoOptions options =
          new DemoOptions(fx.uri(), 2, 100, ClientSecurity.NONE).withWarmup(Duration.ofMillis(1));
      assertThat(new DemoScenario(options, log).run(allocator)).isZero();
      assertThat(allocator.getAllocatedMemory()).isZero();
      assertThat(log.errors).isEmpty();
      assertThat(log.info.get(0))
          .matches(
              "Warm-up: 2 uploads and 2 downloads through a throwaway loopback server in \\d+ ms,"
                  + " before connecting to "
                  + java.util.regex.Pattern.quote(fx.uri().toString())
                  + ", so that this JVM's client code is compiled \\(--warmup 0 skips it; .*");
      assertThat(log.info.get(1)).startsWith("Flight client initialized, connecting to ");
      assertThat(log.info.get(log.info.size() - 1))
          .contains("through a throwaway server in this JVM (--warmup), before connecting");
      // The server saw the demo's datasets only, and one connection: the demo's.
      assertThat(fx.client().list(null)).hasSize(2 + 2);
      assertThat(fx.server().connectionsAcceptedEver()).isEqualTo(2);
    }
  }
}
