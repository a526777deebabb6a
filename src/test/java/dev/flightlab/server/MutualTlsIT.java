package dev.flightlab.server;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.flightlab.client.ClientOptions;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.Tables;
import dev.flightlab.testing.TestCertificates;
import dev.flightlab.testing.TestCertificates.Authority;
import dev.flightlab.testing.TestCertificates.Pair;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A server with --tls-client-ca answers only clients presenting a certificate its CA signed. */
class MutualTlsIT {
  private static final DatasetPath PATH = DatasetPath.parse("/mtls/table");

  @TempDir Path dir;

  private Authority ca;
  private Pair serverPair;
  private FlightLabServer server;
  private BufferAllocator allocator;
  private URI uri;

  @BeforeEach
  void start() throws Exception {
    ca = TestCertificates.authority("flightlab-test", dir);
    serverPair = ca.server("server");
    server =
        FlightLabServer.builder(
                ServerOptions.ephemeral()
                    .withTls(serverPair.certificate(), serverPair.key())
                    .withTlsClientCa(ca.certificate()))
            .build()
            .start();
    allocator = new RootAllocator();
    uri = URI.create("grpc+tls://127.0.0.1:" + server.port());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    allocator.close();
  }

  private ClientOptions trusting() {
    return ClientOptions.of(uri).withTrustedCertificates(ca.certificate());
  }

  @Test
  void aClientWithACertificateFromTheCaIsServed() throws Exception {
    Pair client = ca.client("client");
    try (FlightLabClient c =
            FlightLabClient.connect(
                trusting().withClientCertificate(client.certificate(), client.key()), allocator);
        BatchSet table = Tables.people(allocator, 0, 3)) {
      c.put(PATH, table, PutMode.REPLACE);
      try (BatchSet got = c.get(PATH)) {
        Tables.assertSameTable(table, got, allocator);
      }
    }
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    try (FlightLabClient c = FlightLabClient.connect(trusting(), allocator)) {
      assertStatus(() -> c.list(null), FlightStatusCode.UNAVAILABLE);
    }
    assertThat(server.store().stats().datasets()).isZero();
  }

  @Test
  void aClientWithACertificateFromAnotherCaIsRefused() throws Exception {
    Path otherDir = dir.resolve("other");
    java.nio.file.Files.createDirectories(otherDir);
    Pair stranger = TestCertificates.authority("another-ca", otherDir).client("stranger");
    try (FlightLabClient c =
        FlightLabClient.connect(
            trusting().withClientCertificate(stranger.certificate(), stranger.key()), allocator)) {
      assertStatus(() -> c.list(null), FlightStatusCode.UNAVAILABLE);
    }
  }

  @Test
  void theClientCommandsPresentACertificate() {
    Pair client = ca.client("cli-client");
    String[] tls = {
      "--server", uri.toString(), "--tls-trusted-certs", ca.certificate().toString(),
    };
    Cli.Run refused = Cli.run(concat(new String[] {"ls"}, tls));
    assertThat(refused.exit()).isNotZero();
    Cli.Run served =
        Cli.run(
            concat(
                new String[] {"ls"},
                tls,
                new String[] {
                  "--tls-cert",
                  client.certificate().toString(),
                  "--tls-key",
                  client.key().toString()
                }));
    assertThat(served.exit()).as(served.err()).isZero();
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedAtStartNamingBothFiles() {
    Path stray = TestCertificates.strayKey(dir.resolve("stray-key.pem"));
    assertThatThrownBy(
            () ->
                FlightLabServer.builder(
                        ServerOptions.ephemeral().withTls(serverPair.certificate(), stray))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(stray.toString())
        .hasMessageContaining(serverPair.certificate().toString())
        .hasMessageContaining("does not match");
    Cli.Run run =
        Cli.run(
            "serve",
            "--port",
            "0",
            "--tls-cert",
            serverPair.certificate().toString(),
            "--tls-key",
            stray.toString());
    assertThat(run.exit()).isEqualTo(dev.flightlab.cli.Main.EXIT_USAGE);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).contains(stray.toString(), serverPair.certificate().toString());
  }

  /** The refusal log's lines while {@code body} runs. */
  private static List<String> refusalLines(ThrowingRunnable body) throws Exception {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RefusalLog.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      body.run();
      // The handshake's end reaches the server's log a moment after the client gives up.
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while (appender.list.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(200);
    } finally {
      logger.detachAppender(appender);
    }
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void aHandshakeWithoutACertificateIsLoggedOncePerPeerNamingPeerAndReason() throws Exception {
    List<String> lines =
        refusalLines(
            () -> {
              for (int i = 0; i < 3; i++) {
                try (FlightLabClient c = FlightLabClient.connect(trusting(), allocator)) {
                  assertStatus(() -> c.list(null), FlightStatusCode.UNAVAILABLE);
                }
              }
            });
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("Refused TLS handshake from 127.0.0.1:")
        .endsWith(": the client presented no certificate signed by --tls-client-ca");
  }

  /** A Java client offers no certificate the server's CA list does not name: it sends none. */
  @Test
  void aHandshakeWithACertificateFromAnotherCaIsLoggedNamingTheReason() throws Exception {
    Path otherDir = dir.resolve("other");
    java.nio.file.Files.createDirectories(otherDir);
    Pair stranger = TestCertificates.authority("another-ca", otherDir).client("stranger");
    List<String> lines =
        refusalLines(
            () -> {
              try (FlightLabClient c =
                  FlightLabClient.connect(
                      trusting().withClientCertificate(stranger.certificate(), stranger.key()),
                      allocator)) {
                assertStatus(() -> c.list(null), FlightStatusCode.UNAVAILABLE);
              }
            });
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("Refused TLS handshake from 127.0.0.1:")
        .endsWith(": the client presented no certificate signed by --tls-client-ca");
  }

  @Test
  void plaintextToTheTlsPortIsLoggedWithoutWhatItSent() throws Exception {
    String secret = "plaintext-s3cret-token";
    List<String> lines =
        refusalLines(
            () -> {
              try (FlightLabClient c =
                  FlightLabClient.connect(
                      ClientOptions.of(URI.create("grpc://127.0.0.1:" + server.port()))
                          .withAuthToken(secret),
                      allocator)) {
                assertStatus(() -> c.list(null), FlightStatusCode.UNAVAILABLE);
              }
            });
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("Refused TLS handshake from 127.0.0.1:")
        .contains("not TLS")
        .doesNotContain(secret)
        .doesNotContain("50524920"); // the hex of "PRI " that Netty's exception would show
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }
}
