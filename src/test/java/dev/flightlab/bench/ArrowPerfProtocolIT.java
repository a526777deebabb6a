package dev.flightlab.bench;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flightlab.testing.Cli;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.wire.PerfProtocol;
import dev.flightlab.wire.PerfProtocol.Perf;
import dev.flightlab.wire.PerfProtocol.Token;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Arrow's benchmark protocol (perf.proto) served by flightlab and driven by flightlab bench. */
class ArrowPerfProtocolIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private Cli.Run bench(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "bench",
                "--server",
                server.fixture().uri().toString(),
                "--protocol",
                "arrow-perf",
                "--streams",
                "2",
                "--rows",
                "10000",
                "--batch-rows",
                "4096",
                "--warmup",
                "1",
                "--iterations",
                "2",
                "--format",
                "json"));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void benchGetsServerGeneratedStreamsAndStoresNothing() throws Exception {
    Cli.Run run = bench("--op", "get");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode point = JSON.readTree(run.out()).path("points").get(0);
    JsonNode iteration = point.path("iterations").get(0).path("phases").get(0);
    assertThat(iteration.toString()).contains("\"rows\":20000").contains("\"batches\":6");
    assertThat(iteration.path("logical_bytes").asLong()).isEqualTo(20000L * 32);
    assertThat(server.fixture().store().stats().datasets()).isZero();
  }

  @Test
  void benchPutsToThePerfDescriptorAndTheServerDiscardsIt() throws Exception {
    for (String client : List.of("flightlab", "arrow")) {
      Cli.Run run = bench("--op", "put", "--client", client);
      assertThat(run.exit()).as(run.err()).isZero();
      JsonNode iteration = JSON.readTree(run.out()).path("points").get(0).path("iterations").get(0);
      assertThat(iteration.toString()).contains("\"rows\":20000");
      assertThat(server.fixture().store().stats().datasets()).isZero();
      assertThat(server.fixture().store().stats().uploadsInProgress()).isZero();
    }
  }

  @Test
  void theServerAnswersAsArrowsPerfServer() throws Exception {
    FlightClient raw = server.fixture().rawClient();
    Perf perf = new Perf(3, 5000, 1000);
    FlightInfo info = raw.getInfo(perf.toDescriptor());
    assertThat(info.getSchemaOptional()).contains(PerfProtocol.SCHEMA);
    // Arrow's perf server: field("a", int64()) and so on, nullable.
    assertThat(PerfProtocol.SCHEMA.getFields())
        .extracting(f -> f.getName() + ":" + f.getType() + (f.isNullable() ? "?" : ""))
        .containsExactly(
            "a:Int(64, true)?", "b:Int(64, true)?", "c:Int(64, true)?", "d:Int(64, true)?");
    assertThat(info.getRecords()).isEqualTo(15000);
    assertThat(info.getEndpoints()).hasSize(3);
    assertThat(raw.getSchema(perf.toDescriptor()).getSchema()).isEqualTo(PerfProtocol.SCHEMA);
    Token second = Token.parse(info.getEndpoints().get(1).getTicket().getBytes());
    assertThat(second.start()).isEqualTo(5000);
    assertThat(second.end()).isEqualTo(10000);
    long rows = 0;
    try (FlightStream stream = raw.getStream(info.getEndpoints().get(1).getTicket())) {
      while (stream.next()) {
        if (rows == 0) {
          // One batch is generated and sent again and again, as Arrow's server does.
          BigIntVector a = (BigIntVector) stream.getRoot().getVector("a");
          assertThat(a.get(0)).isEqualTo(5000);
          assertThat(a.get(999)).isEqualTo(5999);
        }
        rows += stream.getRoot().getRowCount();
      }
    }
    assertThat(rows).isEqualTo(5000);
  }

  @Test
  void badPerfCommandsAreInvalidArgument() {
    FlightClient raw = server.fixture().rawClient();
    assertStatus(
        () -> raw.getInfo(new Perf(-2, 10, 10).toDescriptor()),
        FlightStatusCode.INVALID_ARGUMENT,
        "stream_count");
    assertStatus(
        () -> raw.getInfo(new Perf(1, 10, 0).toDescriptor()),
        FlightStatusCode.INVALID_ARGUMENT,
        "records_per_batch");
    assertStatus(
        () -> raw.getInfo(FlightDescriptor.command(new byte[] {0x10})),
        FlightStatusCode.INVALID_ARGUMENT,
        "command");
    byte[] badToken = {0x0a, 0x02, 0x10};
    assertStatus(
        () -> {
          try (FlightStream s = raw.getStream(new org.apache.arrow.flight.Ticket(badToken))) {
            while (s.next()) {}
          }
        },
        FlightStatusCode.INVALID_ARGUMENT,
        "Token");
  }
}
