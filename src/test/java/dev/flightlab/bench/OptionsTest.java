package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.wire.IpcCompression;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void defaultsMatchTheCppBenchmarkShape() {
    BenchOptions o = BenchOptions.DEFAULTS;
    assertThat(o.op()).isEqualTo(Op.PUT);
    assertThat(o.data().schema()).isEqualTo("int64x4");
    assertThat(o.data().rows()).isEqualTo(10_000_000);
    assertThat(o.target().serverMode()).isEqualTo("embedded");
    assertThat(o.effectiveWarmup().amount()).isEqualTo(Warmup.AUTO_BYTES);
    assertThat(o.transfer().sendWait()).isEqualTo(SendWait.PARK);
    assertThat(o.transfer().client()).isEqualTo(ClientKind.FLIGHTLAB);
  }

  @Test
  void streamsUseSeedPlusTheirIndex() {
    DataOptions d = BenchOptions.DEFAULTS.data();
    assertThat(d.generatorOptions(0).seed()).isEqualTo(d.seed());
    assertThat(d.generatorOptions(3).seed()).isEqualTo(d.seed() + 3);
  }

  @Test
  void aPointOfTheGridChangesItsSweptParameters() {
    BenchOptions o = BenchOptions.DEFAULTS;
    assertThat(o.at(Map.of("batch-rows", "1_024")).data().batchRows()).isEqualTo(1024);
    assertThat(o.at(Map.of("rows", "5")).data().rows()).isEqualTo(5);
    assertThat(o.at(Map.of("streams", "4")).concurrency().streams()).isEqualTo(4);
    assertThat(o.at(Map.of("compression", "zstd:3")).transfer().compression())
        .isEqualTo(new IpcCompression(CompressionUtil.CodecType.ZSTD, 3));
    assertThat(o.at(Map.of("schema", "int32,utf8")).data().schema()).isEqualTo("int32,utf8");
    assertThat(o.at(Map.of("client", "arrow")).transfer().client()).isEqualTo(ClientKind.ARROW);
    assertThatThrownBy(() -> o.at(Map.of("seed", "1"))).hasMessageContaining("cannot sweep 'seed'");
    assertThatThrownBy(() -> o.at(Map.of("rows", "many")))
        .hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> o.at(Map.of("schema", "int65"))).hasMessageContaining("int65");
  }

  @Test
  void arrowPerfRunsGetAndPutOfInt64x4Only() {
    TransferOptions perf = TransferOptions.DEFAULTS.withProtocol(BenchProtocol.ARROW_PERF);
    assertThat(TransferOptions.DEFAULTS.protocol()).isEqualTo(BenchProtocol.FLIGHTLAB);
    assertThat(BenchProtocol.parse("Arrow-Perf")).isEqualTo(BenchProtocol.ARROW_PERF);
    assertThatThrownBy(() -> BenchProtocol.parse("grpc")).hasMessageContaining("--protocol");
    BenchOptions get = BenchOptions.DEFAULTS.with(Op.GET).with(perf);
    assertThat(get.transfer().protocol()).isEqualTo(BenchProtocol.ARROW_PERF);
    assertThatThrownBy(() -> BenchOptions.DEFAULTS.with(perf).with(Op.EXCHANGE))
        .hasMessageContaining("--protocol arrow-perf runs --op get or put");
    assertThatThrownBy(() -> get.with(BenchOptions.DEFAULTS.data().withSchema("int64,utf8")))
        .hasMessageContaining("int64x4");
  }

  @Test
  void narrowDecimalsMoveWithFlightlabsClientOnly() {
    DataOptions decimals =
        BenchOptions.DEFAULTS.data().withSchema("decimal32(7,2),decimal64(18,4)");
    BenchOptions put = BenchOptions.DEFAULTS.with(Op.PUT).with(decimals);
    assertThat(put.with(Op.GET).op()).isEqualTo(Op.GET);
    assertThat(put.with(Op.ROUNDTRIP).op()).isEqualTo(Op.ROUNDTRIP);
    assertThat(put.with(Op.EXCHANGE).op()).isEqualTo(Op.EXCHANGE);
    assertThatThrownBy(
            () -> put.with(Op.EXCHANGE).with(TransferOptions.DEFAULTS.withClient(ClientKind.ARROW)))
        .hasMessage(
            "column 'c0' is decimal32(7, 2), which Arrow Java 19's FlightStream cannot read: use"
                + " --client flightlab");
    assertThatThrownBy(
            () -> put.with(Op.GET).with(TransferOptions.DEFAULTS.withClient(ClientKind.ARROW)))
        .hasMessageContaining("FlightStream cannot read");
  }

  @Test
  void fewerStreamsThanConnectionsLowersTheConnections() {
    BenchOptions o = BenchOptions.DEFAULTS.with(new ConcurrencyOptions(4, 4));
    assertThat(o.at(Map.of("streams", "2")).concurrency().connections()).isEqualTo(2);
  }

  @Test
  void badCombinationsAreRejectedWithAReason() {
    DataOptions d = DataOptions.DEFAULTS;
    assertThatThrownBy(() -> d.withRows(0)).hasMessageContaining("--rows");
    assertThatThrownBy(() -> new ConcurrencyOptions(1, 2)).hasMessageContaining("--connections");
    assertThatThrownBy(() -> target(URI.create("grpc://h:1"), true, null))
        .hasMessageContaining("--server-process");
    assertThatThrownBy(() -> BenchOptions.DEFAULTS.with(target(null, false, "/x")))
        .hasMessageContaining("--dataset");
    assertThatThrownBy(
            () ->
                new DataOptions(
                    d.schema(),
                    d.rows(),
                    d.batchRows(),
                    d.seed(),
                    2,
                    d.stringLength(),
                    d.cardinality(),
                    null,
                    false))
        .hasMessageContaining("nullFraction");
  }

  @Test
  void compressionIsForDataOpsThatCanCompress() {
    TransferOptions lz4 = TransferOptions.DEFAULTS.withCompression(IpcCompression.parse("lz4"));
    TransferOptions arrowLz4 = lz4.withClient(ClientKind.ARROW);
    BenchOptions o = BenchOptions.DEFAULTS;
    assertThat(o.with(lz4).transfer()).isEqualTo(lz4);
    for (Op op : List.of(Op.GET, Op.ROUNDTRIP)) {
      assertThat(o.with(op).with(lz4).transfer()).isEqualTo(lz4);
      assertThatThrownBy(() -> o.with(op).with(arrowLz4))
          .hasMessageContaining("--client flightlab");
    }
    for (Op op : List.of(Op.EXCHANGE, Op.METADATA, Op.SEED)) {
      assertThatThrownBy(() -> o.with(op).with(lz4)).hasMessageContaining("--compression");
    }
  }

  @Test
  void theTokenNeverShows() {
    TargetOptions t = TargetOptions.DEFAULTS;
    TargetOptions withToken =
        new TargetOptions(
            null, false, 0, "s3cret", null, null, null, t.pathPrefix(), null, false, null);
    assertThat(BenchOptions.DEFAULTS.with(withToken).toString())
        .doesNotContain("s3cret")
        .contains("(set, not shown)");
  }

  @Test
  void maxRegressionTakesPercentOrFraction() {
    assertThat(OutputOptions.parseFraction("10%")).isEqualTo(0.10);
    assertThat(OutputOptions.parseFraction("0.25")).isEqualTo(0.25);
  }

  private static TargetOptions target(URI server, boolean serverProcess, String dataset) {
    TargetOptions t = TargetOptions.DEFAULTS;
    return new TargetOptions(
        server,
        serverProcess,
        t.serverPort(),
        t.authToken(),
        t.tlsTrustedCerts(),
        t.tlsCert(),
        t.tlsKey(),
        t.pathPrefix(),
        dataset,
        t.keep(),
        t.unixSocket());
  }

  @Test
  void compressionSpecsParse() {
    assertThat(IpcCompression.parse("none").enabled()).isFalse();
    assertThat(IpcCompression.parse("LZ4").codec()).isEqualTo(CompressionUtil.CodecType.LZ4_FRAME);
    assertThat(IpcCompression.parse("zstd").level()).isNull();
    assertThat(IpcCompression.parse("zstd:-1").level()).isEqualTo(-1);
    assertThat(IpcCompression.parse("zstd:3").toString()).isEqualTo("zstd:3");
    assertThatThrownBy(() -> IpcCompression.parse("gzip")).hasMessageContaining("'gzip'");
    assertThatThrownBy(() -> IpcCompression.parse("zstd:99")).hasMessageContaining("-7..22");
    assertThatThrownBy(() -> IpcCompression.parse("zstd:x")).hasMessageContaining("zstd level");
  }

  @Test
  void sweepsParseAndFormAGridFirstOutermost() {
    Sweep a = Sweep.parse("batch-rows=1024,4096");
    Sweep b = Sweep.parse("--streams=1,2,4");
    assertThat(b.parameter()).isEqualTo("streams");
    List<Map<String, String>> grid = Sweep.grid(List.of(a, b));
    assertThat(grid).hasSize(6);
    assertThat(grid.get(0))
        .containsExactly(Map.entry("batch-rows", "1024"), Map.entry("streams", "1"));
    assertThat(grid.get(3))
        .containsExactly(Map.entry("batch-rows", "4096"), Map.entry("streams", "1"));
    assertThat(Sweep.grid(List.of())).containsExactly(Map.of());
  }

  @Test
  void schemaSweepsSplitOnSemicolons() {
    Sweep s = Sweep.parse("schema=int64,utf8;int64x4");
    assertThat(s.values()).containsExactly("int64,utf8", "int64x4");
    assertThat(s.toString()).isEqualTo("schema=int64,utf8;int64x4");
  }

  @Test
  void badSweepsNameTheProblem() {
    assertThatThrownBy(() -> Sweep.parse("batch-rows")).hasMessageContaining("PARAM=V1,V2");
    assertThatThrownBy(() -> Sweep.parse("seed=1,2")).hasMessageContaining("cannot sweep 'seed'");
    assertThatThrownBy(() -> Sweep.parse("rows=")).hasMessageContaining("no values");
  }

  @Test
  void opsParseByName() {
    assertThat(Op.parse("Roundtrip")).isEqualTo(Op.ROUNDTRIP);
    assertThatThrownBy(() -> Op.parse("delete")).hasMessageContaining("unknown --op 'delete'");
    assertThat(SendWait.parse("spin")).isEqualTo(SendWait.SPIN);
    assertThatThrownBy(() -> SendWait.parse("yield")).hasMessageContaining("'yield'");
    assertThatThrownBy(() -> ClientKind.parse("grpc")).hasMessageContaining("'grpc'");
  }
}
