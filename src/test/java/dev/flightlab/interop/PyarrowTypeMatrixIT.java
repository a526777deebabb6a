package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.interop.ScriptOutcomes.Outcome;
import dev.flightlab.testing.FlightServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightInfo;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every Arrow type pyarrow writes, uploaded by pyarrow to a real flightlab server and downloaded
 * back the same (python/interop_types.py): one test per case. The cases flightlab refuses today are
 * listed, with their error text, in KNOWN_GAPS in that script, the one place to change when one is
 * fixed; such a case passes here while it fails with exactly that error, and fails here once it
 * works (remove it from the list then).
 */
@DisabledIfEnvironmentVariable(named = Pyarrow.SKIP_VARIABLE, matches = "1")
class PyarrowTypeMatrixIT {
  @RegisterExtension final FlightServerExtension server = new FlightServerExtension();

  @TestFactory
  Stream<DynamicTest> everyTypeRoundTripsFromPyarrow() {
    Pyarrow.Run run =
        Pyarrow.run("interop_types.py", "--server", server.fixture().uri().toString());
    List<Outcome> outcomes = ScriptOutcomes.parse(run);
    DynamicTest stored =
        DynamicTest.dynamicTest(
            "each passing case stored once, each known gap nothing",
            () -> {
              List<String> listed = new ArrayList<>();
              // flightlab's client: Arrow Java's cannot read a FlightInfo with a decimal32.
              for (FlightInfo info : server.fixture().client().list(null)) {
                listed.add(String.join("/", info.getDescriptor().getPath()));
              }
              Set<String> passed =
                  outcomes.stream()
                      .filter(Outcome::passed)
                      .map(o -> "/interop/types/" + o.name())
                      .collect(Collectors.toSet());
              assertThat(listed).containsExactlyInAnyOrderElementsOf(passed);
            });
    return Stream.concat(ScriptOutcomes.asTests(run), Stream.of(stored));
  }
}
