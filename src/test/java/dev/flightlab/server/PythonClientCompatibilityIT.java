package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.data.BatchSet;
import dev.flightlab.data.DemoTables;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The original pyarrow demo client, call for call, with a plain Arrow Flight client: it uploads
 * with {@code FlightDescriptor.for_path("/reports/daily_sales")}, joins listed paths with "/", and
 * fetches with {@code Ticket(b"/reports/daily_sales")}.
 */
class PythonClientCompatibilityIT {
  private static final String SALES = "/reports/daily_sales";

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private ServerFixture fx;
  private FlightClient raw;

  @BeforeEach
  void rawClient() {
    fx = server.fixture();
    raw = fx.rawClient();
  }

  private void upload(FlightDescriptor descriptor, BatchSet table) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(table.schema(), fx.allocator())) {
      FlightClient.ClientStreamListener put =
          raw.startPut(descriptor, root, new AsyncPutListener());
      VectorLoader loader = new VectorLoader(root);
      for (var batch : table.batches()) {
        loader.load(batch);
        put.putNext();
      }
      put.completed();
      put.getResult();
    }
  }

  @Test
  void oneSegmentUploadIsListedAsOneSegmentHoldingTheWholePath() {
    try (BatchSet sales = DemoTables.dailySales(fx.allocator())) {
      upload(FlightDescriptor.path(SALES), sales);
    }
    List<FlightInfo> flights = new ArrayList<>();
    raw.listFlights(org.apache.arrow.flight.Criteria.ALL).forEach(flights::add);
    assertThat(flights).hasSize(1);
    assertThat(flights.get(0).getDescriptor().isCommand()).isFalse();
    assertThat(flights.get(0).getDescriptor().getPath()).containsExactly(SALES);
    assertThat(String.join("/", flights.get(0).getDescriptor().getPath())).isEqualTo(SALES);
    assertThat(flights.get(0).getRecords()).isEqualTo(2);
  }

  @Test
  void pathSegmentsNameTheSameDatasetAsTheOneSegmentPath() {
    try (BatchSet sales = DemoTables.dailySales(fx.allocator())) {
      upload(FlightDescriptor.path(SALES), sales);
    }
    FlightInfo bySegments = raw.getInfo(FlightDescriptor.path("reports", "daily_sales"));
    assertThat(bySegments.getDescriptor().getPath()).containsExactly(SALES);
    assertThat(bySegments.getRecords()).isEqualTo(2);
    try (BatchSet other = Tables.people(fx.allocator(), 0, 5)) {
      upload(FlightDescriptor.path("reports", "daily_sales"), other);
    }
    List<FlightInfo> flights = new ArrayList<>();
    raw.listFlights(org.apache.arrow.flight.Criteria.ALL).forEach(flights::add);
    assertThat(flights).as("the segment upload replaced the same dataset").hasSize(1);
    assertThat(flights.get(0).getRecords()).isEqualTo(5);
  }

  @Test
  void fetchWithTheTicketBytesOfThePath() throws Exception {
    try (BatchSet sales = DemoTables.dailySales(fx.allocator())) {
      upload(FlightDescriptor.path(SALES), sales);
      try (BatchSet got =
          RoundTripIT.download(raw, new Ticket(SALES.getBytes(StandardCharsets.UTF_8)))) {
        Tables.assertSameTable(sales, got, fx.allocator());
        assertThat(Tables.column(got, "product_category", fx.allocator()))
            .containsExactly("A", "B");
        assertThat(Tables.column(got, "revenue", fx.allocator()))
            .containsExactly("150.75", "200.0");
      }
    }
  }

  @Test
  void theListedEndpointTicketFetchesTheDataset() throws Exception {
    try (BatchSet sales = DemoTables.dailySales(fx.allocator())) {
      upload(FlightDescriptor.path(SALES), sales);
    }
    FlightInfo info = raw.listFlights(org.apache.arrow.flight.Criteria.ALL).iterator().next();
    Ticket ticket = info.getEndpoints().get(0).getTicket();
    assertThat(new String(ticket.getBytes(), StandardCharsets.UTF_8)).isEqualTo(SALES);
    try (BatchSet got = RoundTripIT.download(raw, ticket)) {
      assertThat(got.rowCount()).isEqualTo(2);
    }
  }

  @Test
  void aTicketWithoutTheLeadingSlashNamesTheSameDataset() throws Exception {
    try (BatchSet sales = DemoTables.dailySales(fx.allocator())) {
      upload(FlightDescriptor.path(SALES), sales);
    }
    try (BatchSet got =
        RoundTripIT.download(
            raw, new Ticket("reports//daily_sales/".getBytes(StandardCharsets.UTF_8)))) {
      assertThat(got.rowCount()).isEqualTo(2);
    }
  }
}
