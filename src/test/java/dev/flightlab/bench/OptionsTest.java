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
    BenchOptions o = BenchOptions.defaults();
    assertThat(o.op()).isEqualTo(Op.PUT);
    assertThat(o.schema()).isEqualTo("int64x4");
    assertThat(o.rows()).isEqualTo(10_000_000);
    assertThat(o.serverMode()).isEqualTo("embedded");
    assertThat(o.effectiveWarmup().amount()).isEqualTo(Warmup.AUTO_BYTES);
    assertThat(o.sendWait()).isEqualTo(SendWait.PARK);
    assertThat(o.client()).isEqualTo(ClientKind.FLIGHTLAB);
  }

  @Test
  void streamsUseSeedPlusTheirIndex() {
    BenchOptions o = BenchOptions.defaults();
    assertThat(o.generatorOptions(0).seed()).isEqualTo(o.seed());
    assertThat(o.generatorOptions(3).seed()).isEqualTo(o.seed() + 3);
  }

  @Test
  void withChangesOneSweepableParameter() {
    BenchOptions o = BenchOptions.defaults();
    assertThat(o.with("batch-rows", "1_024").batchRows()).isEqualTo(1024);
    assertThat(o.with("rows", "5").rows()).isEqualTo(5);
    assertThat(o.with("streams", "4").streams()).isEqualTo(4);
    assertThat(o.with("compression", "zstd:3").compression())
        .isEqualTo(new IpcCompression(CompressionUtil.CodecType.ZSTD, 3));
    assertThat(o.with("schema", "int32,utf8").schema()).isEqualTo("int32,utf8");
    assertThat(o.with("client", "arrow").client()).isEqualTo(ClientKind.ARROW);
    assertThatThrownBy(() -> o.with("seed", "1")).hasMessageContaining("cannot sweep 'seed'");
    assertThatThrownBy(() -> o.with("rows", "many")).hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> o.with("schema", "int65")).hasMessageContaining("int65");
  }

  @Test
  void fewerStreamsThanConnectionsLowersTheConnections() {
    BenchOptions.Builder b = BenchOptions.defaults().toBuilder();
    b.streams = 4;
    b.connections = 4;
    assertThat(b.build().with("streams", "2").connections()).isEqualTo(2);
  }

  @Test
  void badCombinationsAreRejectedWithAReason() {
    assertThatThrownBy(() -> with(b -> b.rows = 0)).hasMessageContaining("--rows");
    assertThatThrownBy(() -> with(b -> b.connections = 2)).hasMessageContaining("--connections");
    assertThatThrownBy(
            () ->
                with(
                    b -> {
                      b.serverProcess = true;
                      b.server = URI.create("grpc://h:1");
                    }))
        .hasMessageContaining("--server-process");
    assertThatThrownBy(() -> with(b -> b.dataset = "/x")).hasMessageContaining("--dataset");
    assertThatThrownBy(() -> with(b -> b.nullFraction = 2)).hasMessageContaining("nullFraction");
  }

  @Test
  void compressionIsForDataOpsThatCanCompress() {
    IpcCompression lz4 = IpcCompression.parse("lz4");
    assertThat(with(b -> b.compression = lz4).compression()).isEqualTo(lz4);
    for (Op op : List.of(Op.GET, Op.ROUNDTRIP)) {
      assertThat(
              with(b -> {
                    b.op = op;
                    b.compression = lz4;
                  })
                  .compression())
          .isEqualTo(lz4);
      assertThatThrownBy(
              () ->
                  with(
                      b -> {
                        b.op = op;
                        b.client = ClientKind.ARROW;
                        b.compression = lz4;
                      }))
          .hasMessageContaining("--client flightlab");
    }
    for (Op op : List.of(Op.EXCHANGE, Op.METADATA, Op.SEED)) {
      assertThatThrownBy(
              () ->
                  with(
                      b -> {
                        b.op = op;
                        b.compression = lz4;
                      }))
          .hasMessageContaining("--compression");
    }
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

  private static BenchOptions with(java.util.function.Consumer<BenchOptions.Builder> change) {
    BenchOptions.Builder b = BenchOptions.defaults().toBuilder();
    change.accept(b);
    return b.build();
  }
}
