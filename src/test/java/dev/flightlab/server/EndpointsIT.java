package dev.flightlab.server;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.PutMode;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PollInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoints as flightlab serves them: datasets split by {@code --endpoint-rows} (range tickets,
 * plain path tickets still whole), {@code --advertise}, a wildcard bind, PollFlightInfo, and
 * grpc+unix://.
 */
class EndpointsIT {
  private static final DatasetPath PEOPLE = DatasetPath.parse("/split/people");

  @TempDir Path temp;

  private static List<String> ids(long rows) {
    return LongStream.range(0, rows).mapToObj(Long::toString).toList();
  }

  @Test
  void largeDatasetsAreSplitIntoEndpointsThatClientsFetchInOrderOrInParallel() throws Exception {
    try (ServerFixture fx = ServerFixture.start(ServerOptions.ephemeral().withEndpointRows(1000));
        BatchSet data = Tables.people(fx.allocator(), 0, 700, 700, 700, 700, 700)) {
      fx.client().put(PEOPLE, data, PutMode.REPLACE);
      FlightInfo info = fx.client().info(PEOPLE);
      // 700+700 reach 1000, 700+700 again, then the last 700.
      assertThat(info.getEndpoints()).hasSize(3);
      assertThat(info.getRecords()).isEqualTo(3500);
      for (FlightEndpoint e : info.getEndpoints()) {
        assertThat(e.getLocations()).containsExactly(fx.server().location());
      }
      try (BatchSet inOrder = fx.client().get(PEOPLE);
          BatchSet parallel = fx.client().get(info, 3, null, IpcCompression.NONE)) {
        assertThat(Tables.rowCounts(inOrder)).containsExactly(700, 700, 700, 700, 700);
        assertThat(Tables.column(inOrder, "id", fx.allocator())).isEqualTo(ids(3500));
        assertThat(Tables.column(parallel, "id", fx.allocator())).isEqualTo(ids(3500));
      }
      // The original pyarrow client's Ticket(path) still gets the whole dataset.
      long rows = 0;
      try (FlightStream s = fx.rawClient().getStream(PEOPLE.toTicket())) {
        while (s.next()) {
          rows += s.getRoot().getRowCount();
        }
      }
      assertThat(rows).isEqualTo(3500);
      // A range ticket belongs to its version: after a replace it is refused, not misread.
      try (BatchSet other = Tables.people(fx.allocator(), 0, 10)) {
        fx.client().put(PEOPLE, other, PutMode.REPLACE);
      }
      assertStatus(
          () -> fx.client().get(info.getEndpoints().get(1).getTicket(), null).close(),
          FlightStatusCode.NOT_FOUND,
          "get its FlightInfo again");
    }
  }

  @Test
  void smallDatasetsKeepOnePathTicket() throws Exception {
    try (ServerFixture fx = ServerFixture.start(ServerOptions.ephemeral().withEndpointRows(1000));
        BatchSet data = Tables.people(fx.allocator(), 0, 999)) {
      fx.client().put(PEOPLE, data, PutMode.REPLACE);
      FlightInfo info = fx.client().info(PEOPLE);
      assertThat(info.getEndpoints()).hasSize(1);
      assertThat(info.getEndpoints().get(0).getTicket()).isEqualTo(PEOPLE.toTicket());
    }
  }

  @Test
  void advertiseSetsTheEndpointLocation() throws Exception {
    try (ServerFixture fx =
        ServerFixture.start(ServerOptions.ephemeral().withAdvertise("flights.example:1234"))) {
      try (BatchSet data = Tables.people(fx.allocator(), 0, 3)) {
        fx.client().put(PEOPLE, data, PutMode.REPLACE);
      }
      assertThat(fx.client().info(PEOPLE).getEndpoints().get(0).getLocations())
          .containsExactly(Location.forGrpcInsecure("flights.example", 1234));
    }
  }

  @Test
  void aWildcardBindAdvertisesNoLocationAndClientsReadWhereTheyAsked() throws Exception {
    ServerOptions wildcard =
        new ServerOptions(
            "0.0.0.0",
            0,
            0,
            null,
            null,
            null,
            ServerOptions.DEFAULT_SHUTDOWN_TIMEOUT,
            ServerOptions.DEFAULT_CLIENT_WAIT_TIMEOUT);
    try (ServerFixture fx = ServerFixture.start(wildcard);
        BatchSet data = Tables.people(fx.allocator(), 0, 3)) {
      fx.client().put(PEOPLE, data, PutMode.REPLACE);
      assertThat(fx.client().info(PEOPLE).getEndpoints().get(0).getLocations()).isEmpty();
      try (BatchSet back = fx.client().get(PEOPLE)) {
        assertThat(back.rowCount()).isEqualTo(3);
      }
    }
  }

  @Test
  void pollFlightInfoAnswersCompleteAtOnce() throws Exception {
    try (ServerFixture fx = ServerFixture.start();
        BatchSet data = Tables.people(fx.allocator(), 0, 3)) {
      fx.client().put(PEOPLE, data, PutMode.REPLACE);
      PollInfo poll = fx.rawClient().pollInfo(PEOPLE.toDescriptor());
      assertThat(poll.getFlightInfo().getRecords()).isEqualTo(3);
      assertThat(poll.getFlightDescriptor()).isEmpty();
      assertThat(poll.getProgress()).contains(1.0);
    }
  }

  @Test
  void servesAndConnectsOverAUnixDomainSocket() throws Exception {
    Path socket = temp.resolve("flightlab.sock");
    // Netty warns of a TCP-only option on a Unix socket ("Unknown channel option
    // 'SO_KEEPALIVE'") unless the transport leaves it out, on both ends.
    ch.qos.logback.classic.Logger netty =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.netty");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> warnings =
        new ch.qos.logback.core.read.ListAppender<>();
    warnings.start();
    netty.addAppender(warnings);
    try (ServerFixture fx = ServerFixture.start(ServerOptions.ephemeral().withUnixSocket(socket));
        BatchSet data = Tables.people(fx.allocator(), 0, 100, 50)) {
      assertThat(fx.uri()).isEqualTo(URI.create("grpc+unix://" + socket.toAbsolutePath()));
      fx.client().put(PEOPLE, data, PutMode.REPLACE);
      try (BatchSet back = fx.client().get(PEOPLE)) {
        assertThat(Tables.column(back, "id", fx.allocator())).isEqualTo(ids(150));
      }
      Cli.Run ls = Cli.against(fx.uri().toString(), "ls");
      assertThat(ls.exit()).as(ls.err()).isZero();
      assertThat(ls.out()).contains("/split/people", "150");
    } finally {
      netty.detachAppender(warnings);
    }
    assertThat(socket).doesNotExist();
    assertThat(warnings.list)
        .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .noneMatch(m -> m.contains("SO_KEEPALIVE"));
  }
}
