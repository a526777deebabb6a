package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.server.ServerLimits;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.ServerFixture;
import org.junit.jupiter.api.Test;

/**
 * What a pyarrow client sees of --max-message-size and --max-connections (python/limits.py): a
 * RESOURCE_EXHAUSTED naming each flag, not gRPC's words or a dropped connection.
 */
class PyarrowLimitsIT {
  @Test
  void pyarrowHearsBothLimitsByName() throws Exception {
    int maxConnections = 2;
    try (ServerFixture fx =
        ServerFixture.start(
            ServerOptions.ephemeral(),
            ServerLimits.defaults()
                .withMaxMessageBytes(1 << 20)
                .withMaxConnections(maxConnections))) {
      Pyarrow.Run run =
          Pyarrow.run(
              "limits.py",
              "--server",
              Pyarrow.grpc(fx.server().port()),
              "--max-message-bytes",
              Integer.toString(1 << 20),
              "--max-connections",
              Integer.toString(maxConnections));
      assertThat(run.exit()).as(run.describe()).isZero();
      assertThat(run.lines()).as(run.describe()).contains("SUMMARY passed=2 failed=0");
      fx.awaitStoreSettled(0);
    }
  }
}
