package dev.flightlab.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flightlab.wire.PutMode;
import java.net.URI;
import org.apache.arrow.flight.Location;
import org.junit.jupiter.api.Test;

class FlightLabClientTest {
  @Test
  void grpcAndGrpcTcpAreThePlaintextLocation() {
    assertThat(FlightLabClient.toLocation(URI.create("grpc://127.0.0.1:50051")))
        .isEqualTo(Location.forGrpcInsecure("127.0.0.1", 50051));
    assertThat(FlightLabClient.toLocation(URI.create("grpc+tcp://example.org:1234")))
        .isEqualTo(Location.forGrpcInsecure("example.org", 1234));
  }

  @Test
  void grpcTlsIsTheTlsLocation() {
    assertThat(FlightLabClient.toLocation(URI.create("grpc+tls://example.org:443")))
        .isEqualTo(Location.forGrpcTls("example.org", 443));
  }

  @Test
  void aSchemeIsUpperOrLowerCase() {
    assertThat(FlightLabClient.toLocation(URI.create("GRPC://localhost:1")))
        .isEqualTo(Location.forGrpcInsecure("localhost", 1));
  }

  @Test
  void otherSchemesAndMissingPortsAreRejected() {
    assertThatThrownBy(() -> FlightLabClient.toLocation(URI.create("http://localhost:80")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported scheme 'http'");
    assertThatThrownBy(() -> FlightLabClient.toLocation(URI.create("grpc://localhost")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grpc://HOST:PORT");
  }

  @Test
  void replaceSendsNoHeaderAndTheOtherModesDo() {
    assertThat(FlightLabClient.putModeOption(PutMode.REPLACE)).isEmpty();
    assertThat(FlightLabClient.putModeOption(PutMode.APPEND)).hasSize(1);
    assertThat(FlightLabClient.putModeOption(PutMode.CREATE)).hasSize(1);
  }

  @Test
  void putModesParseCaseInsensitivelyAndNameThemselvesOnTheWire() {
    assertThat(PutMode.parse(" Append ")).isEqualTo(PutMode.APPEND);
    assertThat(PutMode.CREATE.wireName()).isEqualTo("create");
    assertThatThrownBy(() -> PutMode.parse("upsert"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected replace, append or create");
  }
}
