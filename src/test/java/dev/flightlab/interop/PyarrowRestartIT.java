package dev.flightlab.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.interop.ScriptOutcomes.Outcome;
import dev.flightlab.server.ServerOptions;
import dev.flightlab.testing.ServerFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * pyarrow uploads to a server with a data dir, the server restarts, and pyarrow downloads the same
 * bits back (python/interop_types.py --phase put, then --phase get): the types Arrow Java has no
 * vectors for, at every depth, and dictionaries.
 */
@DisabledIfEnvironmentVariable(named = Pyarrow.SKIP_VARIABLE, matches = "1")
class PyarrowRestartIT {
  private static final List<String> CASES =
      List.of(
          "decimal32",
          "decimal64",
          "decimal32_in_list",
          "decimal64_in_struct",
          "decimal64_map_items",
          "decimal32_dictionary",
          "decimal128",
          "struct",
          "dictionary");

  @TempDir Path dir;

  private List<Outcome> run(ServerFixture fx, String phase) {
    String[] args =
        Stream.concat(
                Stream.of("--server", fx.uri().toString(), "--phase", phase, "--only"),
                CASES.stream())
            .toArray(String[]::new);
    Pyarrow.Run run = Pyarrow.run("interop_types.py", args);
    List<Outcome> outcomes = ScriptOutcomes.parse(run);
    assertThat(outcomes).as(run.describe()).allMatch(Outcome::passed);
    assertThat(outcomes).extracting(Outcome::name).containsExactlyElementsOf(CASES);
    return outcomes;
  }

  @Test
  void whatPyarrowStoredComesBackBitForBitAfterARestart() throws Exception {
    try (ServerFixture fx = ServerFixture.start(ServerOptions.ephemeral().withDataDir(dir))) {
      run(fx, "put");
    }
    try (ServerFixture fx = ServerFixture.start(ServerOptions.ephemeral().withDataDir(dir))) {
      assertThat(fx.client().list(null)).hasSize(CASES.size());
      run(fx, "get");
    }
  }
}
