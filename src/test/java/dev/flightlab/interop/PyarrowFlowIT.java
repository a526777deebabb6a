package dev.flightlab.interop;

import dev.flightlab.testing.FlightServerExtension;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The original pyarrow demo client's calls, made by real pyarrow (python/interop_flow.py) against a
 * real flightlab server: for_path upload of one segment holding the whole path, list_flights joined
 * with "/", Ticket(b"/path") fetch, the put-mode header, the app_metadata echo, NOT_FOUND.
 */
@DisabledIfEnvironmentVariable(named = Pyarrow.SKIP_VARIABLE, matches = "1")
class PyarrowFlowIT {
  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  @TestFactory
  Stream<DynamicTest> theOriginalClientsCallsWork() {
    Pyarrow.Run run = Pyarrow.run("interop_flow.py", "--server", server.fixture().uri().toString());
    return ScriptOutcomes.asTests(run);
  }
}
