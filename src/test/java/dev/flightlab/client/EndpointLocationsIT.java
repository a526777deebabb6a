package dev.flightlab.client;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.IpcCompression;
import dev.flightlab.wire.PutMode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoints whose locations are not simply "here": a client connected to one server reads a
 * FlightInfo whose endpoints name another server on a Unix socket, after an unreachable location;
 * every read path (whole, reader in order and in parallel, batch visitor) falls back to the next
 * location, and a location that is this server in another spelling needs no second connection.
 */
class EndpointLocationsIT {
  private static final DatasetPath PEOPLE = DatasetPath.parse("/elsewhere/people");

  @TempDir Path temp;

  /** A loopback port nothing listens on (it was free a moment ago). */
  private static Location unreachable() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return Location.forGrpcInsecure("127.0.0.1", s.getLocalPort());
    }
  }

  private static List<String> ids(long rows) {
    return LongStream.range(0, rows).mapToObj(Long::toString).toList();
  }

  /** Every row's id through the reader, {@code parallelism} endpoints at a time. */
  private static List<String> readAll(FlightLabClient client, FlightInfo info, int parallelism)
      throws IOException {
    List<String> out = new ArrayList<>();
    try (FlightInfoReader reader = client.reader(info, parallelism, IpcCompression.NONE)) {
      while (reader.loadNextBatch()) {
        BigIntVector id = (BigIntVector) reader.getVectorSchemaRoot().getVector("id");
        for (int i = 0; i < id.getValueCount(); i++) {
          out.add(Long.toString(id.get(i)));
        }
      }
    }
    return out;
  }

  @Test
  void anUnreachableFirstLocationFallsBackToAUnixSocketOneOnEveryReadPath() throws Exception {
    Path socket = temp.resolve("b.sock");
    try (ServerFixture here = ServerFixture.start();
        ServerFixture elsewhere =
            ServerFixture.start(
                ServerOptions.ephemeral().withUnixSocket(socket).withEndpointRows(100));
        BatchSet data = Tables.people(elsewhere.allocator(), 0, 100, 100, 100)) {
      elsewhere.client().put(PEOPLE, data, PutMode.REPLACE);
      FlightInfo real = elsewhere.client().info(PEOPLE);
      assertThat(real.getEndpoints()).hasSize(3);
      // The same endpoints as a coordinator would list them: first a host that is down.
      List<FlightEndpoint> endpoints = new ArrayList<>();
      for (FlightEndpoint e : real.getEndpoints()) {
        assertThat(e.getLocations())
            .containsExactly(Location.forGrpcDomainSocket(socket.toString()));
        endpoints.add(new FlightEndpoint(e.getTicket(), unreachable(), e.getLocations().get(0)));
      }
      FlightInfo info =
          new FlightInfo(real.getSchema(), real.getDescriptor(), endpoints, -1, real.getRecords());

      FlightLabClient client = here.client();
      try (BatchSet whole = client.get(info, 1, null, IpcCompression.NONE);
          BatchSet parallel = client.get(info, 3, null, IpcCompression.NONE)) {
        assertThat(Tables.column(whole, "id", here.allocator())).isEqualTo(ids(300));
        assertThat(Tables.column(parallel, "id", here.allocator())).isEqualTo(ids(300));
      }
      assertThat(readAll(client, info, 1)).isEqualTo(ids(300));
      assertThat(readAll(client, info, 2)).isEqualTo(ids(300));
      long[] rows = {0};
      client.readBatches(
          info, (batch, metadata) -> rows[0] += batch.getLength(), IpcCompression.NONE);
      assertThat(rows[0]).isEqualTo(300);
    }
  }

  @Test
  void whenNoLocationCanBeReachedTheFailureNamesTheEndpoint() throws Exception {
    try (ServerFixture here = ServerFixture.start()) {
      Location down = unreachable();
      FlightInfo info =
          new FlightInfo(
              Tables.PEOPLE,
              PEOPLE.toDescriptor(),
              List.of(
                  new FlightEndpoint(PEOPLE.toTicket(), down),
                  new FlightEndpoint(PEOPLE.toTicket(), down)),
              -1,
              -1);
      assertStatus(
          () -> here.client().get(info, 1, null, IpcCompression.NONE).close(),
          FlightStatusCode.UNAVAILABLE,
          "endpoint 1 of 2 at " + down.getUri());
      assertStatus(
          () -> readAll(here.client(), info, 2),
          FlightStatusCode.UNAVAILABLE,
          "endpoint 1 of 2 at " + down.getUri());
    }
  }

  @Test
  void thisServerInAnotherSpellingIsReadOnThisConnection() throws Exception {
    try (ServerFixture fx = ServerFixture.start()) {
      FlightLabClient client = fx.client();
      int port = fx.server().port();
      for (String spelling :
          Arrays.asList(
              "grpc://localhost:" + port,
              "grpc+tcp://LOCALHOST:" + port,
              "grpc+tcp://127.0.0.1:" + port,
              "grpc://[::1]:" + port,
              "arrow-flight-reuse-connection://?")) {
        FlightEndpoint endpoint =
            new FlightEndpoint(PEOPLE.toTicket(), new Location(URI.create(spelling)));
        assertThat(client.locationsOf(endpoint)).as(spelling).containsExactly((URI) null);
      }
      // Several locations: this connection first, then the others in their order.
      URI other = URI.create("grpc+tcp://example.invalid:1");
      FlightEndpoint several =
          new FlightEndpoint(
              PEOPLE.toTicket(),
              new Location(other),
              Location.reuseConnection(),
              new Location(URI.create("grpc://localhost:" + port)));
      assertThat(client.locationsOf(several)).containsExactly(null, other);
      assertThat(
              client.locationsOf(
                  new FlightEndpoint(
                      PEOPLE.toTicket(), Location.forGrpcInsecure("127.0.0.1", port + 1))))
          .containsExactly(URI.create("grpc+tcp://127.0.0.1:" + (port + 1)));
    }
  }

  @Test
  void unixSocketLocationsCompareByTheirPath() {
    assertThat(
            FlightLabClient.sameServer(
                URI.create("grpc+unix:///tmp/a/./x.sock"), URI.create("grpc+unix:///tmp/a/x.sock")))
        .isTrue();
    assertThat(
            FlightLabClient.sameServer(
                URI.create("grpc+unix:///tmp/a/y.sock"), URI.create("grpc+unix:///tmp/a/x.sock")))
        .isFalse();
    assertThat(
            FlightLabClient.sameServer(
                URI.create("grpc+unix:///tmp/x.sock"), URI.create("grpc://127.0.0.1:1")))
        .isFalse();
  }
}
