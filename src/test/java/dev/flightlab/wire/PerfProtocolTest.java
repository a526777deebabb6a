package dev.flightlab.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.wire.PerfProtocol.Perf;
import dev.flightlab.wire.PerfProtocol.Token;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.arrow.flight.FlightDescriptor;
import org.junit.jupiter.api.Test;

class PerfProtocolTest {
  /**
   * perf.Perf{stream_count: 2, records_per_stream: 10000000, records_per_batch: 4096} as protoc
   * serialises it: field 2 varint (0x10), field 3 varint (0x18), field 4 varint (0x20).
   */
  private static final String PERF_HEX = "1002" + "1880ade204" + "208020";

  /** perf.Token{definition: the Perf above, start: 10000000, end: 20000000}. */
  private static final String TOKEN_HEX = "0a0a" + PERF_HEX + "10" + "80ade204" + "18" + "80dac409";

  @Test
  void perfEncodesAsProtocDoes() {
    assertThat(HexFormat.of().formatHex(new Perf(2, 10_000_000L, 4096).toBytes()))
        .isEqualTo(PERF_HEX);
  }

  @Test
  void perfDecodesProtocBytes() {
    Perf perf = Perf.parse(HexFormat.of().parseHex(PERF_HEX));
    assertThat(perf.streamCount()).isEqualTo(2);
    assertThat(perf.recordsPerStream()).isEqualTo(10_000_000L);
    assertThat(perf.recordsPerBatch()).isEqualTo(4096);
    assertThat(perf.schema()).isEmpty();
    assertThat(perf.totalRecords()).isEqualTo(20_000_000L);
  }

  @Test
  void schemaBytesAreFieldOne() {
    byte[] bytes = new Perf(new byte[] {1, 2, 3}, 1, 0, 0).toBytes();
    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("0a03010203" + "1001");
    assertThat(Perf.parse(bytes).schema()).containsExactly(1, 2, 3);
  }

  @Test
  void tokenRoundTripsProtocBytes() {
    Token token = new Token(new Perf(2, 10_000_000L, 4096), 10_000_000L, 20_000_000L);
    assertThat(HexFormat.of().formatHex(token.toBytes())).isEqualTo(TOKEN_HEX);
    Token parsed = Token.parse(HexFormat.of().parseHex(TOKEN_HEX));
    assertThat(parsed.start()).isEqualTo(10_000_000L);
    assertThat(parsed.end()).isEqualTo(20_000_000L);
    assertThat(parsed.records()).isEqualTo(10_000_000L);
    assertThat(parsed.definition().recordsPerBatch()).isEqualTo(4096);
    assertThat(PerfProtocol.looksLikeToken(token.toBytes())).isTrue();
  }

  @Test
  void negativeCountsUseTenByteVarintsAndFailValidation() {
    byte[] bytes = new Perf(-1, 5, 1).toBytes();
    assertThat(HexFormat.of().formatHex(bytes)).startsWith("10ffffffffffffffffff01");
    Perf perf = Perf.parse(bytes);
    assertThat(perf.streamCount()).isEqualTo(-1);
    assertThatThrownBy(perf::validate).hasMessageContaining("stream_count -1");
    assertThatThrownBy(() -> new Perf(1, 10, 0).validate())
        .hasMessageContaining("records_per_batch");
  }

  @Test
  void otherCommandsAreNotPerf() {
    assertThat(
            PerfProtocol.commandOf(
                FlightDescriptor.command("SELECT * FROM kept".getBytes(StandardCharsets.UTF_8))))
        .isNull();
    assertThat(PerfProtocol.commandOf(FlightDescriptor.path("a", "b"))).isNull();
    assertThat(PerfProtocol.commandOf(new Perf(1, 2, 3).toDescriptor()).recordsPerBatch())
        .isEqualTo(3);
    assertThatThrownBy(() -> Perf.parse(new byte[] {0x10})).hasMessageContaining("not a Perf");
    assertThatThrownBy(() -> Token.parse("/a/b".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a Token");
    assertThatThrownBy(() -> Token.parse(new byte[] {0x10, 1}))
        .hasMessageContaining("no Perf definition");
  }
}
