package dev.flightlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.client.PutOutcome;
import dev.flightlab.data.BatchSet;
import dev.flightlab.jvm.JvmTimes;
import dev.flightlab.testing.AllTypes;
import dev.flightlab.testing.FlightServerExtension;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import dev.flightlab.wire.DatasetPath;
import dev.flightlab.wire.PutMode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Result;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every Flight RPC the server answers, through FlightLabClient and a plain FlightClient. */
class FlightRpcIT {
  private static final DatasetPath SALES = DatasetPath.parse("/reports/daily_sales");
  private static final DatasetPath WEEKLY = DatasetPath.parse("/reports/weekly");
  private static final DatasetPath SESSIONS = DatasetPath.parse("/my_app/user_sessions");
  private static final DatasetPath LOOKALIKE = DatasetPath.parse("/reportsx/other");

  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  private ServerFixture fx;

  @BeforeEach
  void fixture() {
    fx = server.fixture();
  }

  private BatchSet putPeople(DatasetPath path, int... rows) {
    BatchSet table = Tables.people(fx.allocator(), 0, rows);
    fx.client().put(path, table, PutMode.REPLACE);
    return table;
  }

  @Test
  void doPutThenDoGetReturnsTheUpload() {
    try (BatchSet sent = Tables.people(fx.allocator(), 0, "meta", 3, 5)) {
      PutOutcome outcome = fx.client().put(SALES, sent, PutMode.REPLACE);
      assertThat(outcome.rows()).isEqualTo(8);
      assertThat(outcome.batches()).isEqualTo(2);
      assertThat(outcome.acks()).isEqualTo(2);
      try (BatchSet got = fx.client().get(SALES)) {
        Tables.assertSameTable(sent, got, fx.allocator());
      }
    }
  }

  @Test
  void listFlightsWithEmptyCriteriaListsEveryDatasetSortedByPath() {
    putPeople(SALES, 2).close();
    putPeople(SESSIONS, 3).close();
    putPeople(LOOKALIKE, 1).close();
    assertThat(paths(fx.client().list(null)))
        .containsExactly("/my_app/user_sessions", "/reports/daily_sales", "/reportsx/other");
    assertThat(paths(fx.client().list(""))).hasSize(3);
    assertThat(paths(fx.client().list("/"))).hasSize(3);
  }

  @Test
  void listFlightsWithAPrefixListsOnlyThePathsBelowIt() {
    putPeople(SALES, 2).close();
    putPeople(WEEKLY, 2).close();
    putPeople(SESSIONS, 3).close();
    putPeople(LOOKALIKE, 1).close();
    assertThat(paths(fx.client().list("/reports")))
        .containsExactly("/reports/daily_sales", "/reports/weekly");
    assertThat(paths(fx.client().list("reports/"))).hasSize(2);
    assertThat(paths(fx.client().list("/reports/daily_sales")))
        .containsExactly("/reports/daily_sales");
    assertThat(fx.client().list("/nothing/here")).isEmpty();
  }

  @Test
  void listFlightsOnAnEmptyServerIsEmpty() {
    assertThat(fx.client().list(null)).isEmpty();
  }

  @Test
  void getFlightInfoDescribesSchemaTotalsAndOneEndpointOnThisServer() {
    try (BatchSet sent = putPeople(SALES, 4, 6)) {
      FlightInfo info = fx.client().info(SALES);
      assertThat(info.getSchemaOptional()).contains(Tables.PEOPLE);
      assertThat(info.getRecords()).isEqualTo(10);
      assertThat(info.getBytes())
          .isEqualTo(Tables.storedBodyBytes(sent, fx.allocator()))
          .isPositive();
      assertThat(info.getDescriptor().getPath()).containsExactly("/reports/daily_sales");
      assertThat(info.getEndpoints()).hasSize(1);
      FlightEndpoint endpoint = info.getEndpoints().get(0);
      assertThat(new String(endpoint.getTicket().getBytes(), StandardCharsets.UTF_8))
          .isEqualTo("/reports/daily_sales");
      assertThat(endpoint.getLocations()).containsExactly(fx.server().location());
    }
  }

  @Test
  void flightInfoOfADictionaryEncodedDatasetShowsTheValueTypes() {
    try (BatchSet sent = AllTypes.table(fx.allocator(), null, 5)) {
      fx.client().put(SALES, sent, PutMode.REPLACE);
      Schema schema = fx.client().info(SALES).getSchemaOptional().orElseThrow();
      assertThat(schema.findField("color").getType().toString()).isEqualTo("Utf8");
      assertThat(schema.findField("color").getDictionary().getId()).isEqualTo(1L);
      assertThat(schema.findField("size").getType().toString()).isEqualTo("LargeUtf8");
      assertThat(fx.client().schema(SALES)).isEqualTo(schema);
    }
  }

  @Test
  void listedFlightInfoMatchesGetFlightInfo() {
    putPeople(SALES, 4).close();
    FlightInfo listed = fx.client().list(null).get(0);
    FlightInfo direct = fx.client().info(SALES);
    assertThat(listed).isEqualTo(direct);
  }

  @Test
  void getSchemaReturnsTheUploadedSchemaWithMetadata() {
    try (BatchSet sent = AllTypes.table(fx.allocator(), null, 3)) {
      fx.client().put(SALES, sent, PutMode.REPLACE);
      Schema schema = fx.client().schema(SALES);
      assertThat(schema.getCustomMetadata()).containsEntry("origin", "flightlab-tests");
      assertThat(schema.findField("int32").getMetadata()).containsEntry("unit", "count");
      assertThat(schema.getFields()).hasSameSizeAs(sent.schema().getFields());
    }
  }

  @Test
  void listActionsNamesDropClearStatsHealthAndPing() {
    List<ActionType> actions = fx.client().listActions();
    assertThat(actions)
        .extracting(ActionType::getType)
        .containsExactly("drop", "clear", "stats", "health", "ping");
    assertThat(actions).allSatisfy(a -> assertThat(a.getDescription()).isNotBlank());
  }

  @Test
  void dropRemovesTheDatasetAndSaysWhatItRemoved() {
    try (BatchSet sent = putPeople(SALES, 7)) {
      JsonNode dropped = fx.client().drop(SALES);
      assertThat(dropped.path("dropped").asText()).isEqualTo("/reports/daily_sales");
      assertThat(dropped.path("rows").asLong()).isEqualTo(7);
      assertThat(dropped.path("ipc_body_bytes").asLong())
          .isEqualTo(Tables.storedBodyBytes(sent, fx.allocator()));
    }
    assertThat(fx.client().list(null)).isEmpty();
    assertThat(fx.store().stats().memoryUsedBytes()).isZero();
  }

  @Test
  void clearRemovesEveryDataset() {
    putPeople(SALES, 1).close();
    putPeople(SESSIONS, 1).close();
    assertThat(fx.client().clear().path("cleared").asInt()).isEqualTo(2);
    assertThat(fx.client().list(null)).isEmpty();
    assertThat(fx.client().clear().path("cleared").asInt()).isZero();
  }

  @Test
  void statsReportsDatasetsRowsBytesAndMemoryAsJson() {
    long bytes;
    try (BatchSet a = putPeople(SALES, 3, 3);
        BatchSet b = putPeople(SESSIONS, 4)) {
      bytes = Tables.storedBodyBytes(a, fx.allocator()) + Tables.storedBodyBytes(b, fx.allocator());
    }
    JsonNode stats = fx.client().stats();
    assertThat(stats.path("datasets").asInt()).isEqualTo(2);
    assertThat(stats.path("rows").asLong()).isEqualTo(10);
    assertThat(stats.path("ipc_body_bytes").asLong()).isEqualTo(bytes);
    assertThat(stats.path("memory_used_bytes").asLong())
        .isEqualTo(fx.store().memoryUsedBytes())
        .isPositive();
    assertThat(stats.path("memory_peak_bytes").asLong())
        .isGreaterThanOrEqualTo(stats.path("memory_used_bytes").asLong());
    assertThat(stats.path("memory_limit_bytes").asLong())
        .isEqualTo(fx.options().effectiveMemoryLimit());
    assertThat(stats.path("uploads_in_progress").asInt()).isZero();
    for (String field :
        List.of("server_allocated_bytes", "jvm_heap_used_bytes", "jvm_max_direct_bytes")) {
      assertThat(stats.has(field)).as(field).isTrue();
      assertThat(stats.path(field).isIntegralNumber()).as(field).isTrue();
    }
    // This JVM is the server's: its CPU and JIT time so far bound the reported ones from above.
    assertThat(stats.path("jvm_process_cpu_nanos").asLong())
        .isPositive()
        .isLessThanOrEqualTo(JvmTimes.processCpuNanos());
    assertThat(stats.path("jvm_jit_compile_nanos").asLong())
        .isPositive()
        .isLessThanOrEqualTo(JvmTimes.jitCompileNanos());
  }

  @Test
  void pingAnswersOkAsArrowsPerfServer() {
    // arrow-flight-benchmark waits for exactly this before it starts (perf_server.cc's answer).
    Iterator<Result> results = fx.rawClient().doAction(new Action("ping"));
    assertThat(results.next().getBody()).asString(StandardCharsets.UTF_8).isEqualTo("ok");
    assertThat(results.hasNext()).isFalse();
  }

  @Test
  void healthSaysOkWithUptimeAndDatasetCount() {
    putPeople(SALES, 1).close();
    JsonNode health = fx.client().health();
    assertThat(health.path("status").asText()).isEqualTo("ok");
    assertThat(health.path("uptime_seconds").asLong()).isNotNegative();
    assertThat(health.path("datasets").asInt()).isEqualTo(1);
  }

  @Test
  void doExchangeEchoesBatchesAndAppMetadataExactly() throws Exception {
    try (BatchSet sent = Tables.people(fx.allocator(), 0, "echo", 3, 0, 5, 1);
        BatchSet got = exchange(sent)) {
      Tables.assertSameTable(sent, got, fx.allocator());
    }
    assertThat(fx.client().list(null)).as("an exchange stores nothing").isEmpty();
  }

  @Test
  void doExchangeEchoesEveryTypeWithDictionaries() throws Exception {
    try (BatchSet sent = AllTypes.table(fx.allocator(), "x", 8, 0, 9);
        BatchSet got = exchange(sent)) {
      Tables.assertSameTable(sent, got, fx.allocator());
    }
  }

  /** Sends {@code sent} through DoExchange on a plain FlightClient; returns what came back. */
  private BatchSet exchange(BatchSet sent) throws Exception {
    FlightClient raw = fx.rawClient();
    try (VectorSchemaRoot out = VectorSchemaRoot.create(sent.schema(), fx.allocator());
        FlightClient.ExchangeReaderWriter exchange =
            raw.doExchange(FlightDescriptor.path("/echo"))) {
      exchange.getWriter().start(out, sent.dictionaries());
      VectorLoader loader = new VectorLoader(out);
      for (int i = 0; i < sent.batches().size(); i++) {
        loader.load(sent.batches().get(i));
        ArrowBuf metadata = sent.appMetadata().get(i);
        if (metadata != null) {
          // The message closes the metadata it sends: give it its own reference.
          metadata.getReferenceManager().retain();
        }
        exchange.getWriter().putNext(metadata);
      }
      exchange.getWriter().completed();
      FlightStream reader = exchange.getReader();
      BatchSet.Builder echoed = BatchSet.builder(reader.getRoot().getSchema());
      try {
        while (reader.next()) {
          ArrowBuf metadata = reader.getLatestMetadata();
          if (metadata != null) {
            metadata.getReferenceManager().retain();
          }
          echoed.add(reader.getRoot(), metadata);
        }
        DictionaryProvider dictionaries = reader.takeDictionaryOwnership();
        for (long id : dictionaries.getDictionaryIds()) {
          echoed.dictionary(dictionaries.lookup(id));
        }
      } catch (RuntimeException e) {
        echoed.build().close();
        throw e;
      }
      exchange.getResult();
      return echoed.build();
    }
  }

  private static List<String> paths(List<FlightInfo> flights) {
    return flights.stream().map(f -> String.join("/", f.getDescriptor().getPath())).toList();
  }
}
