package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.server.Credentials;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.FlightServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pyarrow's {@code authenticate_basic_token} against flightlab's basic-auth handshake
 * (python/auth_basic.py): the bearer header it returns works for put, list and get.
 */
class PyarrowBasicAuthIT {
  @RegisterExtension
  final FlightServerExtension server =
      new FlightServerExtension(
          ServerOptions.ephemeral().withCredentials(Credentials.parseUser("analyst:s3cret-pw")));

  @Test
  void authenticateBasicTokenGivesAHeaderThatWorksForEveryCall() {
    Pyarrow.Run run =
        Pyarrow.run(
            "auth_basic.py",
            "--server",
            Pyarrow.grpc(server.fixture().server().port()),
            "--user",
            "analyst",
            "--password",
            "s3cret-pw");
    assertThat(run.exit()).as(run.describe()).isZero();
    assertThat(run.lines()).as(run.describe()).contains("SUMMARY passed=4 failed=0");
  }
}
