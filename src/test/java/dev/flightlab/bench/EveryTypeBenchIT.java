package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.server.FlightLabServer;
import dev.flightlab.server.ServerOptions;
import java.net.URI;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every type of the schema grammar through the bench against a real flightlab server: put, get,
 * roundtrip (whose value check must pass) and exchange, with nulls, at tiny row counts.
 */
class EveryTypeBenchIT {
  private RootAllocator root;
  private FlightLabServer server;

  @BeforeEach
  void start() throws Exception {
    root = new RootAllocator();
    server = FlightLabServer.builder(ServerOptions.ephemeral()).allocator(root).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    assertThat(root.getAllocatedMemory()).isZero();
    root.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "float16",
        "decimal256(60,8)",
        "date64",
        "time32(s)",
        "time32(ms)",
        "time64(us)",
        "time64(ns)",
        "duration(s),duration(ns)",
        "interval(year_month)",
        "interval(day_time)",
        "interval(month_day_nano)",
        "fixed_size_binary(7)",
        "large_binary",
        "utf8_view",
        "binary_view",
        "large_list<int32>",
        "list_view<utf8>",
        "large_list_view<float64>",
        "fixed_size_list<int16,3>",
        "map<utf8,int64>",
        "sparse_union<a:int32,b:utf8>",
        "dense_union<int64,utf8,list<int8>>",
        "run_end_encoded<int16,utf8>",
        "ree<int64>",
        "run_end_encoded<int64,float64>",
        "dictionary<int64>",
        "dictionary<float64,int8>",
        "dictionary<date32,int16>",
        "dictionary<binary,int64>",
        "dictionary<struct<a:int8,b:utf8>>",
        "list<dictionary<utf8_view>>,struct<d:dictionary<decimal128(10,2),int8>>",
        "large_list<utf8_view>,struct<a:binary_view>,map<utf8_view,binary_view>",
      })
  void putGetRoundtripAndExchangeCarryTheType(String schema) {
    for (Op op : List.of(Op.PUT, Op.GET, Op.ROUNDTRIP, Op.EXCHANGE)) {
      BenchOptions options =
          new BenchOptions(
              op,
              new DataOptions(schema, 250, 100, 42, 0.2, 16, 0, null, false),
              ConcurrencyOptions.DEFAULTS,
              new TimingOptions(Warmup.none(), 1, null),
              new TargetOptions(
                  URI.create("grpc://127.0.0.1:" + server.port()),
                  false,
                  0,
                  null,
                  null,
                  null,
                  null,
                  "/flightlab-bench",
                  null,
                  false,
                  null),
              TransferOptions.DEFAULTS,
              OutputOptions.DEFAULTS,
              List.of(),
              5);
      RunResult r = new BenchRunner(options, List.of(), Progress.NONE).run();
      assertThat(r.error()).as(op + " " + schema).isNull();
      assertThat(r.notes()).as(op + " " + schema).noneMatch(n -> n.contains("still allocated"));
      PointResult p = r.points().get(0);
      IterationResult it = p.iterations().get(0);
      for (Phase phase : p.phases()) {
        assertThat(it.phase(phase).rows()).as(op + " " + phase + " " + schema).isEqualTo(250);
      }
      if (op == Op.ROUNDTRIP) {
        assertThat(it.verified()).as("roundtrip value check of " + schema).isTrue();
      }
    }
    assertThat(server.store().list(null)).isEmpty();
  }
}
