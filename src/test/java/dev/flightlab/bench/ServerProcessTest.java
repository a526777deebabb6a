package dev.flightlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flightlab.server.ServerOptions;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerProcessTest {
  @Test
  void theChildServesOnThePortAskedFor() {
    List<String> command =
        ServerProcess.command(ServerOptions.ephemeral().withPort(45_678), Path.of("port"));
    assertThat(Collections.indexOfSubList(command, List.of("--port", "45678"))).isPositive();
    List<String> anyPort = ServerProcess.command(ServerOptions.ephemeral(), Path.of("port"));
    assertThat(Collections.indexOfSubList(anyPort, List.of("--port", "0"))).isPositive();
  }

  @Test
  void theChildServesOnTheUnixSocketAskedFor() {
    List<String> command =
        ServerProcess.command(
            ServerOptions.ephemeral().withUnixSocket(Path.of("/tmp/b.sock")), Path.of("port"));
    assertThat(Collections.indexOfSubList(command, List.of("--unix-socket", "/tmp/b.sock")))
        .isPositive();
    assertThat(command).doesNotContain("--port", "--host");
  }

  @Test
  void debuggersAndAgentsAreNotInherited() {
    assertThat(ServerProcess.inheritable("-Xmx1g")).isTrue();
    assertThat(ServerProcess.inheritable("-agentlib:jdwp=transport=dt_socket")).isFalse();
    assertThat(ServerProcess.inheritable("-javaagent:x.jar")).isFalse();
    assertThat(ServerProcess.inheritable("-XX:SharedArchiveFile=/x/client-17.jsa")).isFalse();
    assertThat(ServerProcess.inheritable("-XX:AOTCache=/x/client-25.aot")).isFalse();
    assertThat(ServerProcess.inheritable("-XX:TieredStopAtLevel=1")).isTrue();
  }
}
