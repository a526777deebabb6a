package dev.flightlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.server.Credentials;
import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.TestCertificates;
import dev.flightlab.testing.TestCertificates.Authority;
import dev.flightlab.testing.TestCertificates.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo} and {@code bench} take the client security flags every client command takes: {@code
 * --tls-cert}/{@code --tls-key}, {@code --tls-trusted-certs}, {@code --auth-token}, {@code
 * --auth-token-file}.
 */
class ClientSecurityFlagsIT {
  @TempDir Path dir;

  private static List<String> demo(String server, String... security) {
    List<String> args =
        new ArrayList<>(List.of("demo", "--server", server, "--batches", "2", "--rows-per-batch"));
    args.add("100");
    args.addAll(List.of(security));
    return args;
  }

  private static List<String> bench(String server, String... security) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "--server",
                server,
                "--rows",
                "2000",
                "--batch-rows",
                "500",
                "--warmup",
                "0",
                "--iterations",
                "1",
                "-q"));
    args.addAll(List.of(security));
    return args;
  }

  private static Cli.Run run(List<String> args) {
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void demoAndBenchPresentAClientCertificateToAMutualTlsServer() throws Exception {
    Authority ca = TestCertificates.authority("flags-ca", dir);
    Pair serverPair = ca.server("server");
    Pair client = ca.client("client");
    try (RootAllocator root = new RootAllocator()) {
      FlightLabServer server =
          FlightLabServer.builder(
                  ServerOptions.ephemeral()
                      .withTls(serverPair.certificate(), serverPair.key())
                      .withTlsClientCa(ca.certificate()))
              .allocator(root)
              .build()
              .start();
      try {
        String uri = "grpc+tls://127.0.0.1:" + server.port();
        String trust = ca.certificate().toString();
        String[] withCert = {
          "--tls-trusted-certs", trust,
          "--tls-cert", client.certificate().toString(),
          "--tls-key", client.key().toString()
        };
        for (List<String> refused :
            List.of(
                demo(uri, "--tls-trusted-certs", trust),
                bench(uri, "--tls-trusted-certs", trust))) {
          Cli.Run r = run(refused);
          assertThat(r.exit()).as(refused.get(0) + " without a certificate").isEqualTo(1);
        }
        for (List<String> served : List.of(demo(uri, withCert), bench(uri, withCert))) {
          Cli.Run r = run(served);
          assertThat(r.exit()).as(served.get(0) + ": " + r.err()).isZero();
        }
      } finally {
        server.close();
      }
      assertThat(root.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void demoAndBenchReadTheirTokenFromAFile() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens.txt"), "# tokens\nt0ken-one\nt0ken-two\n");
    Path second = Files.writeString(dir.resolve("second.txt"), "t0ken-two\n");
    Path wrong = Files.writeString(dir.resolve("wrong.txt"), "not-a-token\n");
    try (RootAllocator root = new RootAllocator()) {
      FlightLabServer server =
          FlightLabServer.builder(
                  ServerOptions.ephemeral().withCredentials(Credentials.readTokenFile(tokens)))
              .allocator(root)
              .build()
              .start();
      try {
        String uri = "grpc://127.0.0.1:" + server.port();
        for (List<String> refused :
            List.of(
                demo(uri, "--auth-token-file", wrong.toString()),
                bench(uri, "--auth-token-file", wrong.toString()))) {
          Cli.Run r = run(refused);
          assertThat(r.exit()).as(refused.get(0) + " with a wrong token").isEqualTo(1);
          assertThat(r.err()).contains("UNAUTHENTICATED").doesNotContain("not-a-token");
        }
        for (List<String> served :
            List.of(
                demo(uri, "--auth-token-file", second.toString()),
                bench(uri, "--auth-token-file", second.toString()),
                demo(uri, "--auth-token", "t0ken-one"),
                bench(uri, "--auth-token", "t0ken-one"))) {
          Cli.Run r = run(served);
          assertThat(r.exit()).as(served + ": " + r.err()).isZero();
        }
      } finally {
        server.close();
      }
      assertThat(root.getAllocatedMemory()).isZero();
    }
  }
}
