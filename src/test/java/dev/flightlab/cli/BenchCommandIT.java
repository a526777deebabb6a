package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.Cli;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench command end to end: outputs, exit codes, partial results, --server-process. */
class BenchCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** {@code flightlab bench} with tiny data ahead of {@code args}. */
  private static Cli.Run bench(String... args) {
    List<String> all = new ArrayList<>(List.of("bench", "--rows", "2000", "--batch-rows", "500"));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void writesTextJsonCsvAndHtml() throws IOException {
    Path json = dir.resolve("run.json");
    Path html = dir.resolve("run.html");
    Cli.Run o =
        bench(
            "--warmup",
            "1",
            "--iterations",
            "2",
            "-o",
            json.toString(),
            "--report",
            html.toString());
    assertThat(o.exit()).isZero();
    assertThat(o.err()).isEmpty();
    assertThat(o.out()).contains("put, 2 measured iterations").contains("w1 ");
    JsonNode root = JSON.readTree(json.toFile());
    assertThat(root.path("status").asText()).isEqualTo("ok");
    assertThat(root.path("command_line").toString()).contains("--iterations");
    assertThat(root.path("points").get(0).path("iterations")).hasSize(2);
    assertThat(Files.readString(html)).contains("<svg ").contains("</html>");

    Path csv = dir.resolve("run.csv");
    Cli.Run c = bench("--warmup", "0", "--iterations", "1", "-o", csv.toString(), "--quiet");
    assertThat(c.exit()).isZero();
    assertThat(c.out()).isEmpty();
    assertThat(Files.readAllLines(csv)).hasSize(2);

    Cli.Run stdoutJson = bench("--warmup", "0", "--iterations", "1", "--format", "json");
    assertThat(JSON.readTree(stdoutJson.out()).path("status").asText()).isEqualTo("ok");
  }

  @Test
  void exchangeRunsWithEitherClient() throws IOException {
    for (String client : List.of("flightlab", "arrow")) {
      Path json = dir.resolve("exchange-" + client + ".json");
      Cli.Run o =
          bench(
              "--op",
              "exchange",
              "--client",
              client,
              "--warmup",
              "0",
              "--iterations",
              "1",
              "-o",
              json.toString());
      assertThat(o.exit()).as("%s: %s", client, o.err()).isZero();
      assertThat(o.out()).contains("exchange, 1 measured iteration");
      JsonNode root = JSON.readTree(json.toFile());
      assertThat(root.path("status").asText()).isEqualTo("ok");
    }
  }

  @Test
  void aRegressionAgainstTheBaselineExitsThree() throws IOException {
    Path first = dir.resolve("first.json");
    assertThat(bench("--warmup", "0", "--iterations", "1", "-o", first.toString(), "-q").exit())
        .isZero();
    // Pretend the baseline was a thousand times faster.
    ObjectNode root = (ObjectNode) JSON.readTree(first.toFile());
    ObjectNode summary = (ObjectNode) root.path("points").get(0).path("summary").path("put");
    summary.put("median", summary.path("median").asDouble() * 1000);
    Path fast = dir.resolve("fast.json");
    JSON.writeValue(fast.toFile(), root);
    Cli.Run o =
        bench(
            "--warmup",
            "0",
            "--iterations",
            "1",
            "--baseline",
            fast.toString(),
            "--max-regression",
            "10%");
    assertThat(o.exit()).isEqualTo(3);
    assertThat(o.err()).startsWith("flightlab bench: regression beyond 10.0%: put ");
    assertThat(o.out()).contains("REGRESSION");
    // Against itself it passes.
    Cli.Run same =
        bench(
            "--warmup",
            "0",
            "--iterations",
            "1",
            "--baseline",
            first.toString(),
            "--max-regression",
            "99%");
    assertThat(same.exit()).isZero();
  }

  @Test
  void aBaselineOfAnotherWorkloadIsNotComparedAndSaysSo() throws IOException {
    Path other = dir.resolve("other.json");
    Cli.Run made =
        Cli.run(
            "bench",
            "--rows",
            "4000",
            "--batch-rows",
            "500",
            "--warmup",
            "0",
            "--iterations",
            "1",
            "-o",
            other.toString(),
            "-q");
    assertThat(made.exit()).isZero();
    // Even a baseline a thousand times faster is no regression for a workload it did not measure.
    ObjectNode root = (ObjectNode) JSON.readTree(other.toFile());
    ObjectNode summary = (ObjectNode) root.path("points").get(0).path("summary").path("put");
    summary.put("median", summary.path("median").asDouble() * 1000);
    JSON.writeValue(other.toFile(), root);
    Cli.Run o = bench("--warmup", "0", "--iterations", "1", "--baseline", other.toString(), "-q");
    assertThat(o.exit()).isZero();
    assertThat(o.errLines())
        .singleElement()
        .asString()
        .startsWith("flightlab bench: nothing in baseline " + other + " matches this run")
        .contains("rows");
  }

  @Test
  void aServerThatIsDownFailsWithOneLineAndStillWritesResults() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path json = dir.resolve("down.json");
    Cli.Run o =
        bench("--server", "grpc://127.0.0.1:" + port, "--warmup", "0", "-o", json.toString(), "-q");
    assertThat(o.exit()).isEqualTo(1);
    assertThat(o.err().strip().lines()).hasSize(1);
    assertThat(o.err()).contains("cannot reach the server").contains("UNAVAILABLE");
    assertThat(JSON.readTree(json.toFile()).path("status").asText()).isEqualTo("failed");
  }

  @Test
  void aStreamFailingMidwayKeepsTheIterationsBeforeIt() throws Exception {
    try (RootAllocator root = new RootAllocator()) {
      // 64 KB per iteration fits; the third iteration's stream of 20,000 rows does not.
      FlightLabServer server =
          FlightLabServer.builder(ServerOptions.ephemeral().withMemoryLimit(300_000))
              .allocator(root)
              .build()
              .start();
      try {
        Path json = dir.resolve("partial.json");
        Cli.Run o =
            bench(
                "--server",
                "grpc://127.0.0.1:" + server.port(),
                "--warmup",
                "0",
                "--iterations",
                "3",
                "--sweep",
                "rows=2000,20000",
                "-o",
                json.toString(),
                "-q");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err().strip().lines()).hasSize(1);
        assertThat(o.err()).contains("RESOURCE_EXHAUSTED").contains("point 2/2");
        JsonNode root2 = JSON.readTree(json.toFile());
        assertThat(root2.path("status").asText()).isEqualTo("failed");
        assertThat(root2.path("points").get(0).path("iterations")).hasSize(3);
      } finally {
        server.close();
      }
      assertThat(root.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void serverProcessRunsTheServerInItsOwnJvm() throws IOException {
    Path json = dir.resolve("process.json");
    Cli.Run o =
        bench(
            "--server-process", "--warmup", "0", "--iterations", "1", "-o", json.toString(), "-q");
    assertThat(o.err()).isEmpty();
    assertThat(o.exit()).isZero();
    JsonNode root = JSON.readTree(json.toFile());
    assertThat(root.path("server").path("mode").asText()).isEqualTo("process");
    assertThat(root.path("server").path("flightlab").asBoolean()).isTrue();
    assertThat(root.path("server_stats_after").path("jvm_heap_used_bytes").asLong()).isPositive();
  }

  @Test
  void aStartedServerListensOnAUnixSocketInThisJvmOrItsOwn() throws IOException {
    for (String mode : List.of("embedded", "--server-process")) {
      Path socket = dir.resolve("bench-" + (mode.equals("embedded") ? "e" : "p") + ".sock");
      List<String> args =
          new ArrayList<>(
              List.of("--unix-socket", socket.toString(), "--op", "roundtrip", "--warmup", "0"));
      args.addAll(List.of("--iterations", "1", "--format", "json", "-q"));
      if (!mode.equals("embedded")) {
        args.add(mode);
      }
      Cli.Run o = bench(args.toArray(String[]::new));
      assertThat(o.err()).as(mode).isEmpty();
      assertThat(o.exit()).as(mode).isZero();
      JsonNode server = JSON.readTree(o.out()).path("server");
      assertThat(server.path("location").asText())
          .as(mode)
          .isEqualTo("grpc+unix://" + socket.toAbsolutePath());
      assertThat(server.path("mode").asText())
          .isEqualTo(mode.equals("embedded") ? "embedded" : "process");
      assertThat(socket).as("the socket, once the server stopped").doesNotExist();
    }
    assertThat(bench("--server", "grpc://127.0.0.1:1", "--unix-socket", "x.sock").err())
        .contains("--unix-socket is where a server the benchmark starts listens");
  }

  @Test
  void serverPortIsThePortOfTheServerItStarts() throws IOException {
    for (String mode : List.of("--server-port", "--server-process")) {
      int port = freePort();
      List<String> args =
          new ArrayList<>(
              List.of("--server-port", Integer.toString(port), "--warmup", "0", "--iterations"));
      args.addAll(List.of("1", "--format", "json", "-q"));
      if (mode.equals("--server-process")) {
        args.add(mode);
      }
      Cli.Run o = bench(args.toArray(String[]::new));
      assertThat(o.err()).isEmpty();
      assertThat(o.exit()).isZero();
      assertThat(JSON.readTree(o.out()).path("server").path("location").asText())
          .as(mode)
          .isEqualTo("grpc://127.0.0.1:" + port);
    }
    assertThat(bench("--server", "grpc://127.0.0.1:1", "--server-port", "2").err())
        .contains("--server-port");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void tlsAndTokenReachAStartedServer() throws Exception {
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    Process openssl;
    try {
      openssl =
          new ProcessBuilder(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-days",
                  "1",
                  "-subj",
                  "/CN=127.0.0.1",
                  "-addext",
                  "subjectAltName=IP:127.0.0.1",
                  "-keyout",
                  key.toString(),
                  "-out",
                  cert.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("openssl.log").toFile())
              .start();
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no openssl to make a test certificate");
      return;
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(openssl.waitFor() == 0, "openssl failed");
    Path json = dir.resolve("tls.json");
    Cli.Run o =
        bench(
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            key.toString(),
            "--auth-token",
            "s3cret",
            "--warmup",
            "0",
            "--iterations",
            "1",
            "-o",
            json.toString(),
            "-q");
    assertThat(o.err()).isEmpty();
    assertThat(o.exit()).isZero();
    String text = Files.readString(json);
    assertThat(JSON.readTree(text).path("server").path("location").asText())
        .startsWith("grpc+tls://");
    assertThat(text).doesNotContain("s3cret");
  }

  @Test
  void aWrongTokenIsRefusedNotUnreachable() throws Exception {
    try (RootAllocator root = new RootAllocator()) {
      FlightLabServer server =
          FlightLabServer.builder(ServerOptions.ephemeral().withAuthToken("right"))
              .allocator(root)
              .build()
              .start();
      try {
        Cli.Run o =
            bench(
                "--server",
                "grpc://127.0.0.1:" + server.port(),
                "--auth-token",
                "wrong",
                "--warmup",
                "0",
                "-q");
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.err()).contains("refused").contains("UNAUTHENTICATED").doesNotContain("wrong");
      } finally {
        server.close();
      }
      assertThat(root.getAllocatedMemory()).isZero();
    }
  }
}
