package dev.flightlab.server;

import static dev.flightlab.testing.FlightAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.store.StoreStats;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each bad request gets its exact status, and the stored data stays as it was. */
class BadRequestIT {
  private static final DatasetPath KEPT = DatasetPath.parse("/kept/table");

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private ServerFixture fx;
  private FlightClient raw;
  private BatchSet kept;
  private StoreStats before;

  @BeforeEach
  void putKeptTable() {
    fx = server.fixture();
    raw = fx.rawClient();
    kept = Tables.people(fx.allocator(), 0, "kept", 4, 6);
    fx.client().put(KEPT, kept, PutMode.REPLACE);
    before = fx.store().stats();
  }

  @AfterEach
  void closeKeptTable() {
    kept.close();
  }

  /**
   * Asserts {@code call} fails with {@code code} and a message holding {@code words}, and changed
   * nothing stored.
   */
  private void assertFails(ThrowingCallable call, FlightStatusCode code, String... words) {
    assertStatus(call, code, words);
    assertStoredDataUntouched();
  }

  private void assertStoredDataUntouched() {
    fx.awaitStoreSettled(before.memoryUsedBytes());
    StoreStats now = fx.store().stats();
    assertThat(now.datasets()).isEqualTo(before.datasets());
    assertThat(now.rows()).isEqualTo(before.rows());
    assertThat(now.ipcBodyBytes()).isEqualTo(before.ipcBodyBytes());
    try (BatchSet got = fx.client().get(KEPT)) {
      Tables.assertSameTable(kept, got, fx.allocator());
    }
  }

  private static Ticket ticket(String text) {
    return new Ticket(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void drain(FlightStream stream) throws Exception {
    try (stream) {
      while (stream.next()) {
        // read everything
      }
    }
  }

  private void upload(FlightDescriptor descriptor) {
    try (BatchSet table = Tables.people(fx.allocator(), 0, 3);
        VectorSchemaRoot root = VectorSchemaRoot.create(table.schema(), fx.allocator())) {
      FlightClient.ClientStreamListener put =
          raw.startPut(descriptor, root, new AsyncPutListener());
      new VectorLoader(root).load(table.batches().get(0));
      put.putNext();
      put.completed();
      put.getResult();
    }
  }

  @Test
  void doGetOfAnUnknownPathIsNotFoundNamingThePath() {
    assertFails(
        () -> fx.client().get(DatasetPath.parse("/no/such")),
        FlightStatusCode.NOT_FOUND,
        "/no/such");
  }

  @Test
  void getFlightInfoOfAnUnknownPathIsNotFoundNamingThePath() {
    assertFails(
        () -> fx.client().info(DatasetPath.parse("/no/such")),
        FlightStatusCode.NOT_FOUND,
        "/no/such");
  }

  @Test
  void getSchemaOfAnUnknownPathIsNotFoundNamingThePath() {
    assertFails(
        () -> fx.client().schema(DatasetPath.parse("/no/such")),
        FlightStatusCode.NOT_FOUND,
        "/no/such");
  }

  @Test
  void dropOfAnUnknownPathIsNotFoundNamingThePath() {
    assertFails(
        () -> fx.client().drop(DatasetPath.parse("/no/such")),
        FlightStatusCode.NOT_FOUND,
        "/no/such");
  }

  @Test
  void anUnknownPathThatIsAPrefixOfADatasetIsStillNotFound() {
    assertFails(
        () -> fx.client().get(DatasetPath.parse("/kept")), FlightStatusCode.NOT_FOUND, "/kept");
  }

  @Test
  void emptyPathsAreInvalidArgument() {
    for (String empty : List.of("/", "", "//")) {
      assertFails(
          () -> drain(raw.getStream(ticket(empty))), FlightStatusCode.INVALID_ARGUMENT, "DoGet");
      assertFails(
          () -> raw.getInfo(FlightDescriptor.path(empty)), FlightStatusCode.INVALID_ARGUMENT);
      assertFails(
          () -> raw.getSchema(FlightDescriptor.path(empty)), FlightStatusCode.INVALID_ARGUMENT);
      assertFails(
          () -> raw.doAction(new Action("drop", empty.getBytes(StandardCharsets.UTF_8))).next(),
          FlightStatusCode.INVALID_ARGUMENT,
          "drop");
      assertFails(() -> upload(FlightDescriptor.path(empty)), FlightStatusCode.INVALID_ARGUMENT);
    }
    assertFails(() -> raw.getInfo(FlightDescriptor.path()), FlightStatusCode.INVALID_ARGUMENT);
  }

  @Test
  void dotDotPathsAreInvalidArgument() {
    assertFails(
        () -> raw.getInfo(FlightDescriptor.path("/kept/../kept/table")),
        FlightStatusCode.INVALID_ARGUMENT,
        "..");
    assertFails(
        () -> drain(raw.getStream(ticket("/kept/./table"))),
        FlightStatusCode.INVALID_ARGUMENT,
        ".");
    assertFails(
        () -> upload(FlightDescriptor.path("a", "..", "kept")), FlightStatusCode.INVALID_ARGUMENT);
  }

  @Test
  void aTicketThatIsNotUtf8IsInvalidArgument() {
    Ticket garbage = new Ticket(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0x80, 0x2f});
    assertFails(() -> drain(raw.getStream(garbage)), FlightStatusCode.INVALID_ARGUMENT, "UTF-8");
  }

  @Test
  void anEmptyTicketIsInvalidArgument() {
    assertFails(
        () -> drain(raw.getStream(new Ticket(new byte[0]))), FlightStatusCode.INVALID_ARGUMENT);
  }

  @Test
  void commandDescriptorsAreInvalidArgument() {
    FlightDescriptor command =
        FlightDescriptor.command("SELECT * FROM kept".getBytes(StandardCharsets.UTF_8));
    assertFails(() -> raw.getInfo(command), FlightStatusCode.INVALID_ARGUMENT, "command");
    assertFails(() -> raw.getSchema(command), FlightStatusCode.INVALID_ARGUMENT, "command");
    assertFails(() -> upload(command), FlightStatusCode.INVALID_ARGUMENT, "command");
  }

  @Test
  void anUnknownActionIsUnimplemented() {
    assertFails(
        () -> raw.doAction(new Action("compact", new byte[0])).next(),
        FlightStatusCode.UNIMPLEMENTED,
        "compact");
  }

  @Test
  void aBadListFlightsPrefixIsInvalidArgument() {
    assertFails(
        () -> {
          List<Object> out = new ArrayList<>();
          raw.listFlights(new Criteria("/a/../b".getBytes(StandardCharsets.UTF_8)))
              .forEach(out::add);
        },
        FlightStatusCode.INVALID_ARGUMENT);
  }

  @Test
  void theServerKeepsServingAfterBadRequests() {
    assertFails(
        () -> drain(raw.getStream(new Ticket(new byte[] {(byte) 0xc3}))),
        FlightStatusCode.INVALID_ARGUMENT);
    assertFails(() -> fx.client().get(DatasetPath.parse("/nope")), FlightStatusCode.NOT_FOUND);
    assertThat(fx.client().health().path("status").asText()).isEqualTo("ok");
    assertThat(fx.client().list(null)).hasSize(1);
  }
}
