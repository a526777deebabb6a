package dev.flightlab.server;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Several tokens and basic-auth users, some read-only: the handshake issues bearer tokens,
 * read-only credentials read but never change the store, and refusals are logged.
 */
class CredentialsIT {
  private static final String WRITER = "writer-token";
  private static final String READER = "reader-token";
  private static final DatasetPath PATH = DatasetPath.parse("/creds/table");

  @RegisterExtension
  final FlightServerExtension server =
      new FlightServerExtension(
          ServerOptions.ephemeral()
              .withAuthToken(WRITER)
              .withCredentials(
                  Credentials.NONE
                      .withToken(READER, true)
                      .withUser("alice", "alice-pw", false)
                      .withUser("bob", "bob-pw", true)));

  private ServerFixture fx;
  private BatchSet table;
  private ListAppender<ILoggingEvent> logged;
  private Logger refusalLogger;

  @BeforeEach
  void putTable() {
    fx = server.fixture();
    table = Tables.people(fx.allocator(), 0, 3);
    fx.client().put(PATH, table, PutMode.REPLACE);
    refusalLogger = (Logger) LoggerFactory.getLogger(RefusalLog.class);
    logged = new ListAppender<>();
    logged.start();
    refusalLogger.addAppender(logged);
  }

  @AfterEach
  void close() {
    refusalLogger.detachAppender(logged);
    table.close();
  }

  @Test
  void aReadOnlyTokenReadsButNeverChangesTheStore() {
    FlightLabClient reader = fx.newClient(READER);
    assertThat(reader.list(null)).hasSize(1);
    try (BatchSet got = reader.get(PATH)) {
      Tables.assertSameTable(table, got, fx.allocator());
    }
    assertThat(reader.stats().path("datasets").asInt()).isEqualTo(1);
    assertStatus(
        () -> reader.put(PATH, table, PutMode.APPEND), FlightStatusCode.UNAUTHORIZED, "read-only");
    assertStatus(() -> reader.drop(PATH), FlightStatusCode.UNAUTHORIZED, "action 'drop'");
    assertStatus(reader::clear, FlightStatusCode.UNAUTHORIZED, "action 'clear'");
    try (BatchSet got = fx.client().get(PATH)) {
      Tables.assertSameTable(table, got, fx.allocator());
    }
  }

  @Test
  void aReadOnlyTokenMayDoExchangeWhichOnlyEchoes() {
    FlightClient raw = fx.rawClient();
    CallOption bearer = new CredentialCallOption(new BearerCredentialWriter(READER));
    try (FlightClient.ExchangeReaderWriter x = raw.doExchange(PATH.toDescriptor(), bearer);
        VectorSchemaRoot root = VectorSchemaRoot.create(table.schema(), fx.allocator())) {
      new VectorLoader(root).load(table.batches().get(0));
      x.getWriter().start(root);
      x.getWriter().putNext();
      x.getWriter().completed();
      assertThat(x.getReader().next()).isTrue();
      assertThat(x.getReader().getRoot().getRowCount()).isEqualTo(3);
      assertThat(x.getReader().next()).isFalse();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(logged.list).isEmpty();
    try (BatchSet got = fx.client().get(PATH)) {
      Tables.assertSameTable(table, got, fx.allocator());
    }
    assertThat(fx.client().stats().path("datasets").asInt()).isEqualTo(1);
    try (BatchSet got = fx.client().get(PATH)) {
      Tables.assertSameTable(table, got, fx.allocator());
    }
  }

  @Test
  void theBasicAuthHandshakeGivesABearerTokenThatWorksForEveryCall() throws Exception {
    FlightClient raw = fx.rawClient();
    CredentialCallOption bearer = raw.authenticateBasicToken("alice", "alice-pw").orElseThrow();
    assertThat(raw.listFlights(Criteria.ALL, bearer)).hasSize(1);
    try (FlightStream stream = raw.getStream(PATH.toTicket(), bearer)) {
      long rows = 0;
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
      assertThat(rows).isEqualTo(3);
    }
    DatasetPath other = DatasetPath.parse("/creds/by-alice");
    try (VectorSchemaRoot root = VectorSchemaRoot.create(table.schema(), fx.allocator())) {
      FlightClient.ClientStreamListener put =
          raw.startPut(
              other.toDescriptor(), root, new org.apache.arrow.flight.AsyncPutListener(), bearer);
      put.completed();
      put.getResult();
    }
    List<org.apache.arrow.flight.Result> dropped = new java.util.ArrayList<>();
    raw.doAction(new Action("drop", other.toString().getBytes(StandardCharsets.UTF_8)), bearer)
        .forEachRemaining(dropped::add);
    assertThat(dropped).hasSize(1);
  }

  @Test
  void aReadOnlyUsersBearerTokenIsReadOnlyToo() {
    FlightClient raw = fx.rawClient();
    CredentialCallOption bearer = raw.authenticateBasicToken("bob", "bob-pw").orElseThrow();
    assertThat(raw.listFlights(Criteria.ALL, bearer)).hasSize(1);
    assertStatus(
        () -> raw.doAction(new Action("clear", new byte[0]), bearer).forEachRemaining(r -> {}),
        FlightStatusCode.UNAUTHORIZED,
        "read-only");
  }

  @Test
  void aWrongPasswordIsUnauthenticatedAndLoggedWithoutIt() {
    FlightClient raw = fx.rawClient();
    assertStatus(
        () -> raw.authenticateBasicToken("alice", "not-the-password"),
        FlightStatusCode.UNAUTHENTICATED,
        "not accepted");
    assertThat(logged.list).hasSize(1);
    ILoggingEvent line = logged.list.get(0);
    assertThat(line.getLevel()).isEqualTo(Level.WARN);
    assertThat(line.getFormattedMessage())
        .contains("Handshake", "127.0.0.1", "'alice'")
        .doesNotContain("not-the-password");
  }

  @Test
  void refusalsAreLoggedOnceAPeerPerIntervalNamingPeerMethodAndReason() {
    FlightLabClient stranger = fx.newClient("guessed-token");
    for (int i = 0; i < 5; i++) {
      assertStatus(() -> stranger.list(null), FlightStatusCode.UNAUTHENTICATED, "not accepted");
    }
    assertThat(logged.list).hasSize(1);
    assertThat(logged.list.get(0).getFormattedMessage())
        .startsWith("Refused ListFlights from 127.0.0.1:")
        .endsWith("bearer token not accepted")
        .doesNotContain("guessed-token");
  }
}
