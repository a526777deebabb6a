package dev.flightlab.server;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.util.function.Consumer;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server with a bearer token answers only calls that carry it. */
class AuthIT {
  private static final String TOKEN = "s3cret-token";
  private static final DatasetPath PATH = DatasetPath.parse("/secure/table");

  @RegisterExtension
  final FlightServerExtension server =
      new FlightServerExtension(ServerOptions.ephemeral().withAuthToken(TOKEN));

  private ServerFixture fx;

  @BeforeEach
  void fixture() {
    fx = server.fixture();
  }

  @Test
  void theRightTokenIsAccepted() {
    try (BatchSet table = Tables.people(fx.allocator(), 0, 3)) {
      fx.client().put(PATH, table, PutMode.REPLACE);
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(table, got, fx.allocator());
      }
    }
    assertThat(fx.client().list(null)).hasSize(1);
    assertThat(fx.client().health().path("status").asText()).isEqualTo("ok");
  }

  @Test
  void aMissingTokenIsUnauthenticatedOnEveryCall() {
    assertEveryCallUnauthenticated(fx.newClient(null), "needs a bearer token");
  }

  @Test
  void aWrongTokenIsUnauthenticatedOnEveryCallAndNotEchoed() {
    assertEveryCallUnauthenticated(fx.newClient("wrong-token"), "not accepted");
  }

  private void assertEveryCallUnauthenticated(FlightLabClient client, String why) {
    try (BatchSet table = Tables.people(fx.allocator(), 0, 3)) {
      fx.client().put(PATH, table, PutMode.REPLACE);
      unauthenticated(c -> c.list(null), client, why);
      unauthenticated(c -> c.info(PATH), client, why);
      unauthenticated(c -> c.schema(PATH), client, why);
      unauthenticated(c -> c.get(PATH).close(), client, why);
      unauthenticated(c -> c.put(PATH, table, PutMode.REPLACE), client, why);
      unauthenticated(c -> c.drop(PATH), client, why);
      unauthenticated(FlightLabClient::stats, client, why);
      unauthenticated(FlightLabClient::listActions, client, why);
      try (BatchSet got = fx.client().get(PATH)) {
        Tables.assertSameTable(table, got, fx.allocator());
      }
    }
  }

  private static void unauthenticated(
      Consumer<FlightLabClient> call, FlightLabClient client, String why) {
    FlightRuntimeException e =
        assertStatus(() -> call.accept(client), FlightStatusCode.UNAUTHENTICATED, why);
    assertThat(e.getMessage()).doesNotContain("wrong-token", TOKEN);
  }
}
